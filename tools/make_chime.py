"""Generate resources/sounds/chime-*.wav: soft two-tone chimes for countdown
stages and for papers read by camera.

Synthesised (no samples from anywhere), so the sounds are ours to ship under the GPL.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 44100
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds"


def tone(freqs: list[float], seconds: float, gap: float = 0.18) -> list[float]:
    samples = [0.0] * (int(RATE * seconds) + int(RATE * gap) * len(freqs))
    for n, freq in enumerate(freqs):
        start = int(RATE * gap * n)
        for i in range(int(RATE * seconds)):
            t = i / RATE
            envelope = math.exp(-4.0 * t) * min(1.0, t * 200)
            value = envelope * (math.sin(2 * math.pi * freq * t)
                                + 0.3 * math.sin(2 * math.pi * 2 * freq * t))
            samples[start + i] += 0.35 * value
    return samples


def write(name: str, samples: list[float]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with wave.open(str(OUT / name), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", int(max(-1, min(1, s)) * 32000))
                                 for s in samples))


if __name__ == "__main__":
    write("chime-amber.wav", tone([660.0, 880.0], 0.9))
    write("chime-red.wav", tone([880.0, 660.0, 440.0], 1.0))
    # Reading paper by camera (issue 17): a short bright "read", a low "look at the screen".
    write("chime-read.wav", tone([1046.5, 1318.5], 0.35, gap=0.08))
    write("chime-check.wav", tone([392.0, 330.0], 0.5, gap=0.15))
    print("wrote", sorted(p.name for p in OUT.glob("*.wav")))
