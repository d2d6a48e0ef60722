#!/usr/bin/env python3
"""Set-up and run Facilitator from a fresh checkout (standard library only).

    python3 dev.py app     create .venv, install Facilitator, open the demo event
    python3 dev.py test    create/update .venv with test extras, run the whole suite headless
    python3 dev.py build   build the installers for this system into dist/ (packaging/build.py):
                           the app, and apart the paper reader add-on (OpenCV, numpy, PDFium)

Anything after ``test`` goes to pytest (e.g. ``python3 dev.py test -k import``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

# Shared libraries Qt needs even offscreen (libpulse0 for Qt Multimedia's chimes), a virtual
# screen for the screenshot tools, and poppler to read printed PDFs back in tests.
DEBIAN_PACKAGES = [
    "libegl1", "libgl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1",
    "libdbus-1-3", "libglib2.0-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",
    "libxcb-shape0", "libxcb-xinerama0", "libxcb-randr0", "libxcb-render-util0",
    "libxcb-image0", "libpulse0", "xvfb", "xauth", "poppler-utils", "fonts-dejavu-core",
    "chromium",  # the phone pages' end-to-end tests (Playwright drives /usr/bin/chromium)
    "binutils",  # PyInstaller reads and strips the bundle's libraries (objdump, strip, objcopy)
]

# Extras each extra brings (pyproject.toml: test includes facilitator[build]), so a .venv set
# up for the tests is not reinstalled to build, nor the other way round.
EXTRAS = {"": set(), "build": {"build"}, "test": {"test", "build"}}


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    say(" ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def debian_packages() -> None:
    """Install what the tests need from Debian, when we are root on a Debian-like system."""
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    missing = [
        pkg for pkg in DEBIAN_PACKAGES
        if subprocess.run(["dpkg", "-s", pkg], capture_output=True).returncode != 0
    ]
    if not missing:
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def ensure_venv(extras: str) -> None:
    """Create .venv and (re)install the app when pyproject.toml or the extras changed."""
    if not PYTHON.exists():
        say(f"creating {VENV}")
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        except (subprocess.CalledProcessError, OSError) as exc:
            sys.exit(f"Could not create {VENV} ({exc}). On Debian/Ubuntu: "
                     "apt-get install python3-venv")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / ".facilitator-installed"
    had_digest, _, had = (stamp.read_text() if stamp.exists() else "").partition("\n")
    installed = EXTRAS.get(had, set()) if had_digest == digest else set()
    if had_digest == digest and EXTRAS[extras] <= installed:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", target)
    stamp.write_text(f"{digest}\n{extras}")


def app(args: list[str]) -> int:
    ensure_venv("")
    exe = BIN / ("facilitator.exe" if os.name == "nt" else "facilitator")
    return subprocess.run([str(exe), *(args or ["--demo"])], cwd=ROOT).returncode


def test(args: list[str]) -> int:
    debian_packages()
    ensure_venv("test")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    env.pop("DISPLAY", None)
    run(BIN / "ruff", "check", "facilitator", "ui", "tests", "tools", "packaging", "dev.py")
    run(BIN / "mypy")
    run(BIN / "lint-imports")
    return subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT, env=env).returncode


def build(args: list[str]) -> int:
    debian_packages()
    ensure_venv("build")
    return subprocess.run([str(PYTHON), str(ROOT / "packaging" / "build.py"), *args],
                          cwd=ROOT).returncode


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("Facilitator needs Python 3.11 or newer; this is " + sys.version.split()[0])
    commands = {"app": app, "test": test, "build": build}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    try:
        return commands[command](rest)
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
