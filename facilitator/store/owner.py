"""One owner per event file: an OS lock that no other open or close in the process can drop.

SQLite's own locks on POSIX are ``fcntl`` record locks, and those belong to the *process*:
when any code in the process opens and closes the event file (a Qt file dialog sniffing its
type does), every lock the process holds on it is silently gone. A second process then
believes it is the last user, checkpoints and deletes the ``-wal`` under the writer's feet.

So the right to write an event is a lock of its own, taken before SQLite touches the file
and held until :meth:`EventStore.close`:

* POSIX: ``flock`` on a sidecar file. A ``flock`` lock belongs to the *open file description*
  we hold, so other descriptors opened and closed on the same file (in this process or
  any other) do not release it. Windows: ``LockFileEx`` (through ``msvcrt.locking``) on one
  byte far past the end of the sidecar; Windows locks belong to the handle and are never
  dropped by another handle's close.
* The kernel releases it when the holder dies, however it dies: there is no stale lock to
  clear by hand. The sidecar is removed on release; one left by a crash is harmless (the
  next owner reuses it).
* The sidecar is ``.NAME.lock`` next to the event (``.assembly.facilitator.lock``): in the
  same folder, so every process that can reach the event sees the same lock, on a network
  share too; hidden by a leading dot, so file dialogs neither list nor sniff it (on a file
  system that emulates ``flock`` with ``fcntl`` locks, a sniff would drop it); and not ending
  in ``.facilitator``, so no Open dialog offers it as an event.
* Its content names the holder (program, process, user, host, since when), so a refused
  process can say who has the event in one sentence.

A second open of the same event inside one process is refused too (one owner, one
connection): the process-wide table below answers before any file is touched.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from facilitator.i18n import _
from facilitator.store.errors import EventInUseError, StoreError, StoreIOError
from facilitator.store.holder import Holder

__all__ = ["EventInUseError", "Holder", "OwnerLock", "canonical", "is_held", "is_held_here",
           "read_holder", "set_program", "sidecar_path"]

_WINDOWS_LOCK_OFFSET = 1 << 20
"""Windows locks are mandatory: lock a byte far past the holder text, so others can read it."""

_HOLDER_LIMIT = 4096
_BINARY = getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)

_held: dict[str, OwnerLock] = {}
_held_guard = threading.Lock()
_program: str | None = None


def set_program(description: str | None) -> str | None:
    """Say what this process is ("the Facilitator app", "the command … check-in").

    Written into the sidecar of every event this process opens, so a refused process can
    name it. Returns the previous description (tests put it back)."""
    global _program
    previous, _program = _program, description
    return previous


def program() -> str:
    if _program:
        return _program
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    return _("the program “{name}”").format(name=name)


def canonical(path: Path | str) -> Path:
    """The one name of an event file: absolute, symbolic links resolved, case folded where
    the platform ignores case (so two spellings of one file share one owner)."""
    return Path(os.path.normcase(os.path.realpath(os.fspath(path))))


def sidecar_path(path: Path | str) -> Path:
    real = canonical(path)
    return real.with_name(f".{real.name}.lock")


def read_holder(path: Path | str) -> Holder | None:
    """The holder named in the sidecar of ``path`` (None if there is none or it is unreadable).

    Only meaningful while the lock is held; a sidecar left by a process that died still
    names it, so never conclude from this alone that the event is in use."""
    try:
        with sidecar_path(path).open("rb") as handle:
            text = handle.read(_HOLDER_LIMIT).decode("utf-8", "replace")
    except OSError:
        return None
    return Holder.from_json(text.strip())


class OwnerLock:
    """The held right to write one event file. Build with :meth:`acquire`."""

    def __init__(self, key: str, event: Path, sidecar: Path, fd: int, holder: Holder) -> None:
        self._key = key
        self.event = event
        self.sidecar = sidecar
        self._fd: int | None = fd
        self.holder = holder

    @classmethod
    def acquire(cls, path: Path | str, now: datetime) -> OwnerLock:
        """Take the lock on ``path`` or raise :class:`EventInUseError` naming its holder.

        Never blocks. Touches no file but the sidecar, and none at all when this process
        already holds the event."""
        event = Path(path)
        real = canonical(event)
        key = str(real)
        with _held_guard:
            mine = _held.get(key)
            if mine is not None:
                raise EventInUseError(
                    _("{path} is already open in this program ({program}).").format(
                        path=event, program=mine.holder.program),
                    mine.holder, same_process=True)
            sidecar = real.with_name(f".{real.name}.lock")
            fd = _lock_sidecar(sidecar, event)
            holder = Holder(program=program(), pid=os.getpid(), user=_user(),
                            host=socket.gethostname(),
                            since=now.astimezone().isoformat(timespec="seconds"))
            with contextlib.suppress(OSError):  # a sidecar we may only read still locks
                os.lseek(fd, 0, os.SEEK_SET)
                os.ftruncate(fd, 0)
                os.write(fd, (holder.to_json() + "\n").encode("utf-8"))
            lock = cls(key, event, sidecar, fd, holder)
            _held[key] = lock
            return lock

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Give the event up (idempotent). The sidecar goes too, removed while still locked:
        a process that opened it just before locks a file no longer in the folder, sees
        that (:func:`_lock_sidecar`) and takes the folder's new one instead."""
        with _held_guard:
            fd, self._fd = self._fd, None
            if fd is None:
                return
            if _held.get(self._key) is self:
                del _held[self._key]
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # if it cannot be removed, it names no one
            with contextlib.suppress(OSError):
                self.sidecar.unlink()  # Windows refuses while another process has it open
            _unlock(fd)
            _close_quietly(fd)


def is_held_here(path: Path | str) -> bool:
    """True if this process owns ``path`` (no file is touched)."""
    with _held_guard:
        return str(canonical(path)) in _held


def is_held(path: Path | str) -> bool:
    """True if some process, this one included, owns ``path`` now. Writes nothing (it
    only tries, for an instant, a lock on the sidecar if there is one)."""
    if is_held_here(path):
        return True
    try:
        fd = os.open(sidecar_path(path), os.O_RDONLY | _BINARY)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: assume the careful answer
    try:
        if _try_lock(fd):
            _unlock(fd)
            return False
        return True
    except OSError:
        return True
    finally:
        _close_quietly(fd)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment (a service, a container)
        return "?"


def _lock_sidecar(sidecar: Path, event: Path) -> int:
    """Open and lock the sidecar; return its descriptor, or raise naming the holder.

    A lock held by no one we can name is tried again a few times over ~50 ms: a new owner
    writes its name just after locking, and :func:`is_held` locks for an instant."""
    unnamed = 0
    for _attempt in range(20):
        fd = _open_sidecar(sidecar, event)
        try:
            locked = _try_lock(fd)
        except OSError as exc:
            _close_quietly(fd)
            raise StoreIOError(
                _("{path} cannot be opened for changes here: its folder does not allow "
                  "locking the event ({detail}). Copy it to a local folder and open the "
                  "copy.").format(path=event, detail=exc.strerror or exc)) from exc
        if not locked:
            _close_quietly(fd)
            holder = read_holder(event)
            if holder is None and unnamed < 10:
                unnamed += 1
                time.sleep(0.005)
                continue
            if holder is None:
                raise EventInUseError(
                    _("{path} is already open in another program; close it there "
                      "first.").format(path=event))
            raise EventInUseError(holder.sentence(event), holder)
        if _still_in_folder(fd, sidecar):
            return fd
        _unlock(fd)  # its holder removed it on release: take the folder's new one
        _close_quietly(fd)
    raise EventInUseError(  # pragma: no cover - twenty releases in a row while we try
        _("{path} is being opened and closed by another program; try again.").format(
            path=event))


def _still_in_folder(fd: int, sidecar: Path) -> bool:
    try:
        ours, named = os.fstat(fd), os.stat(sidecar)
    except OSError:
        return False
    return (ours.st_dev, ours.st_ino) == (named.st_dev, named.st_ino)


def _open_sidecar(sidecar: Path, event: Path) -> int:
    binary = _BINARY
    try:
        return os.open(sidecar, os.O_RDWR | os.O_CREAT | binary, 0o666)
    except PermissionError:
        pass  # left by another user: reading it is enough to lock it
    except OSError as exc:
        raise _cannot_lock(event, exc) from exc
    try:
        return os.open(sidecar, os.O_RDONLY | binary)
    except OSError as exc:
        raise _cannot_lock(event, exc) from exc


def _cannot_lock(event: Path, exc: OSError) -> StoreError:
    return StoreIOError(
        _("{path} cannot be opened for changes here: its folder does not allow writing "
          "({detail}). Copy it to a folder you can write to and open the copy.").format(
            path=event, detail=exc.strerror or exc))


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except PermissionError:
            return False
        except OSError as exc:
            # EACCES or EDEADLOCK: the byte is locked by another handle.
            if exc.errno in (13, 36):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
