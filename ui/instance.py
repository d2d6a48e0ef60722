"""One window per event: a second launch on an open event brings the first window forward.

The window that owns an event (its :class:`~facilitator.store.owner.OwnerLock`) listens on a
local socket named after the event's canonical path and the user. A second ``facilitator``
launch refused by the owner lock connects to it and asks for the window; if no one answers
(the event is held by a command, or by a Facilitator that hangs) it says who holds the event
instead. Either way it never opens the event itself, so there is never a second writer.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from facilitator.store.owner import canonical

REQUEST = b"show "
ANSWER = b"shown\n"
WAIT_MS = 2000


def server_name(event: Path) -> str:
    """The socket name for ``event``: the same for every spelling of its path, per user."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name (a service, a container): one name for all
        user = ""
    key = f"{canonical(event)}\n{user}".encode()
    return "facilitator-" + hashlib.sha256(key).hexdigest()[:32]


def bring_forward(window: QWidget) -> None:
    """Restore ``window`` if minimised, raise it and give it the keyboard."""
    if window.isMinimized():
        window.setWindowState(
            (window.windowState() & ~Qt.WindowState.WindowMinimized)
            | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()


def ask_to_show(event: Path, wait_ms: int = WAIT_MS) -> bool:
    """Ask the Facilitator that has ``event`` open to bring its window forward.

    True once it said it did; False if no Facilitator listens for that event or it does not
    answer within ``wait_ms`` (for each step). Blocks: only for a launch that has no window."""
    sock = QLocalSocket()
    sock.connectToServer(server_name(event))
    try:
        if not sock.waitForConnected(wait_ms):
            return False
        sock.write(REQUEST + str(canonical(event)).encode("utf-8") + b"\n")
        if not sock.waitForBytesWritten(wait_ms):
            return False
        answer = b""
        while not answer.endswith(b"\n") and len(answer) < 64:
            if not sock.bytesAvailable() and not sock.waitForReadyRead(wait_ms):
                return False
            answer += bytes(sock.readAll().data())
        return answer == ANSWER
    finally:
        sock.abort()


class InstanceServer(QObject):
    """Listens for a second launch on the window's event and brings the window forward."""

    brought_forward = Signal()

    def __init__(self, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._event: Path | None = None
        self._server: QLocalServer | None = None

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def listen(self, event: Path | None) -> None:
        """Answer for ``event`` from now on (None: for no event). Call only while this
        process owns ``event``: an old socket under its name is then certainly stale (a
        crashed Facilitator's) and is removed."""
        self.close()
        if event is None:
            return
        name = server_name(event)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(name):
            QLocalServer.removeServer(name)
            if not server.listen(name):
                # Not fatal: a second launch then says who holds the event instead.
                server.deleteLater()
                return
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server
        self._event = canonical(event)

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
        self._event = None

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        while (sock := self._server.nextPendingConnection()) is not None:
            sock.disconnected.connect(sock.deleteLater)
            sock.readyRead.connect(lambda s=sock: self._on_socket_ready_read(s))
            if sock.canReadLine():
                self._on_socket_ready_read(sock)

    def _on_socket_ready_read(self, sock: QLocalSocket) -> None:
        if not sock.canReadLine():
            if sock.bytesAvailable() > 4096:
                sock.abort()
            return
        line = bytes(sock.readLine(4096).data()).rstrip(b"\n")
        wanted = line[len(REQUEST):].decode("utf-8", "replace")
        if line.startswith(REQUEST) and self._event is not None and (
                canonical(Path(wanted)) == self._event):
            bring_forward(self._window)
            sock.write(ANSWER)
            sock.flush()
            self.brought_forward.emit()
        sock.disconnectFromServer()
