"""A TCP proxy that cuts the network: ``station_proxy.py LISTEN TARGET SEED``.

Forwards 127.0.0.1:LISTEN (0: a port the kernel gives) to 127.0.0.1:TARGET and, on a
schedule drawn from SEED, cuts for a random while: every open connection is reset and new ones
are refused (accepted and reset at once), as when a venue's Wi-Fi drops. Prints
``READY <port>`` once listening and ``CUT`` / ``UP`` at each change. Runs until killed.
"""

from __future__ import annotations

import contextlib
import random
import select
import socket
import struct
import sys
import threading
import time

UP_SECONDS = (0.4, 1.5)
CUT_SECONDS = (0.1, 0.8)


def _reset(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class Proxy:
    def __init__(self, listen: int, target: int, seed: int) -> None:
        self.target = target
        self.rng = random.Random(seed)
        self.cut = False
        self.lock = threading.Lock()
        self.open: set[socket.socket] = set()
        self.server = socket.create_server(("127.0.0.1", listen), reuse_port=False)

    def pump(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _w, _x = select.select([a, b], [], [], 0.5)
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            with self.lock:
                self.open.discard(a)
                self.open.discard(b)
            _reset(a)
            _reset(b)

    def accept(self) -> None:
        while True:
            client, _addr = self.server.accept()
            with self.lock:
                if self.cut:
                    _reset(client)
                    continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=2)
            except OSError:
                _reset(client)
                continue
            with self.lock:
                self.open.update((client, upstream))
            threading.Thread(target=self.pump, args=(client, upstream), daemon=True).start()

    def schedule(self) -> None:
        while True:
            time.sleep(self.rng.uniform(*UP_SECONDS))
            with self.lock:
                self.cut = True
                victims = list(self.open)
                self.open.clear()
            for sock in victims:
                _reset(sock)
            print("CUT", flush=True)
            time.sleep(self.rng.uniform(*CUT_SECONDS))
            with self.lock:
                self.cut = False
            print("UP", flush=True)


def main() -> None:
    listen, target, seed = (int(a) for a in sys.argv[1:4])
    proxy = Proxy(listen, target, seed)
    print("READY", proxy.server.getsockname()[1], flush=True)
    threading.Thread(target=proxy.schedule, daemon=True).start()
    proxy.accept()


if __name__ == "__main__":
    main()
