"""Who has a case series open for writing: a lock file beside it, held by an OS lock.

SQLite's own locks protect single transactions, not a working session: two coordinators
editing the same file at once would undo each other's review. The first y90gui to open a file
for writing holds `<file>.lock`: an OS lock on it (`fcntl.flock` on POSIX, `msvcrt.locking` on
Windows, as SQLite itself locks) for as long as the store is open, and inside it who holds it
(user, host, pid, since) for the others to read. The OS lock is the authority: it is taken
atomically, so exactly one writer exists at any time, and the operating system drops it when
the holder dies, so a lock left by a killed process is taken over without guessing. The JSON
is only the description: a second y90gui opens the file read-only and tells the user who has
it.

A lock file whose OS lock is free but whose JSON names a live process of this host, or
another host, is respected (an older y90gui that knew no OS lock, or a share whose server does
not pass locks on); the message says how to clear it safely.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from y90gui.core.oslock import try_lock


@dataclass(frozen=True)
class LockInfo:
    user: str
    host: str
    pid: int
    since: str

    def describe(self) -> str:
        return f"{self.user} on {self.host} (since {self.since})"


#: Shown while the holder has its OS lock but has not written its name yet (a few microseconds,
#: or longer on a slow share).
SOMEONE = LockInfo("another y90gui", "this or another computer", 0, "just now")


def current_user() -> str:
    """The operating-system account of this process, for the audit trail and the lock.

    Not `getpass.getuser()`: that believes the LOGNAME/USER/USERNAME environment variables,
    which anyone can set (`LOGNAME=mallory y90gui ...`) to put another name in the audit trail.
    """
    if sys.platform == "win32":
        return _windows_user()
    import pwd

    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # an account without a passwd entry (some containers)
        return f"uid{uid}"


def _windows_user() -> str:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    size = wintypes.DWORD(257)
    buf = ctypes.create_unicode_buffer(size.value)
    if ctypes.windll.advapi32.GetUserNameW(buf, ctypes.byref(size)):  # type: ignore[attr-defined]
        return str(buf.value)
    return "unknown"


def host_name() -> str:
    """This machine's name, as `socket.gethostname()` gives it.

    `os.uname()` answers the same on POSIX without importing `socket` (with its `selectors`
    and `array`), which is a few milliseconds of every window start.
    """
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - os.kill(pid, 0) would terminate it there
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _parse(text: str) -> LockInfo | None:
    try:
        data = json.loads(text)
        return LockInfo(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["since"]))
    except (ValueError, KeyError, TypeError):
        return None


def read_lock(db_path: Path) -> LockInfo | None:
    try:
        return _parse(lock_path(db_path).read_text(encoding="utf-8"))
    except OSError:
        return None


def _same_file(fd: int, path: Path) -> bool:
    """Whether the open lock file is still the one at `path` (the holder may have removed it
    between our open and our lock: then a third process could create a new one and also lock it)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    here = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (here.st_dev, here.st_ino)


class LockError(OSError):
    """The lock file cannot be created or written (read-only place, full disk)."""


class WriteLock:
    """Held for as long as a store is open for writing."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.info = LockInfo(
            current_user(), host_name(), os.getpid(), dt.datetime.now().isoformat(timespec="seconds")
        )
        self.held = False
        self._fd: int | None = None

    def acquire(self) -> LockInfo | None:
        """Take the lock; return None on success, else who holds it.

        Raises `LockError` (an OSError) when no lock file can be made here: the caller opens
        the file read-only and says why.
        """
        for _ in range(20):
            try:
                # O_EXCL first: whoever creates the file is the only one who can be writing a
                # fresh lock; everyone else opens the existing file and competes for its OS lock.
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
            except FileExistsError:
                try:
                    fd = os.open(self.path, os.O_RDWR)
                except FileNotFoundError:
                    continue  # released between the two calls: try again
                except OSError as exc:
                    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                        # Another user's lock file, or a read-only place: who holds it still matters.
                        holder = read_lock(self.db_path)
                        if holder is not None and holder.host == self.info.host and not _pid_alive(holder.pid):
                            try:  # a dead holder's file: removable where the folder is writable
                                self.path.unlink()
                                continue
                            except OSError:
                                holder = None
                        if holder is not None:
                            return holder
                    raise LockError(exc.errno, exc.strerror, str(self.path)) from None
            except OSError as exc:
                raise LockError(exc.errno, exc.strerror, str(self.path)) from None
            try:
                if not try_lock(fd):
                    os.close(fd)
                    return self._holder()
            except OSError:
                # No OS locks here (some network shares): fall back to the JSON alone.
                pass
            if not _same_file(fd, self.path):
                os.close(fd)
                continue
            previous = _parse(os.pread(fd, 4096, 0).decode("utf-8", "replace")) if hasattr(os, "pread") else None
            if previous is not None and previous != self.info and self._respect(previous):
                os.close(fd)
                return previous
            try:
                data = json.dumps(asdict(self.info)).encode("utf-8")
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, data)
                os.fsync(fd)
            except OSError as exc:  # a full disk: no writer without its name in the lock
                try:
                    self.path.unlink()
                except OSError:
                    pass
                os.close(fd)
                raise LockError(exc.errno, exc.strerror, str(self.path)) from None
            self._fd = fd
            self.held = True
            return None
        return self._holder()

    def _respect(self, previous: LockInfo) -> bool:
        """A lock whose OS lock is free: taken over when its process is known to be gone."""
        if previous.host != self.info.host:
            return True  # cannot check another computer's processes
        return previous.pid != self.info.pid and _pid_alive(previous.pid)

    def _holder(self) -> LockInfo:
        """Who has the OS lock; they may still be writing their name, so read a few times."""
        for delay in (0, 0.002, 0.01, 0.05):
            time.sleep(delay)
            holder = read_lock(self.db_path)
            if holder is not None:
                return holder
        return SOMEONE

    def release(self) -> None:
        if not self.held or self._fd is None:
            return
        # Removed while still locked (POSIX): a process waiting on the old file then finds it is
        # no longer the lock file (`_same_file`) and starts again. Windows cannot remove an open
        # file, so it is closed first there.
        if sys.platform != "win32":
            try:
                self.path.unlink()
            except OSError:
                pass
            os.close(self._fd)
        else:  # pragma: no cover - Windows only
            os.close(self._fd)
            try:
                self.path.unlink()
            except OSError:
                pass
        self._fd = None
        self.held = False


def how_to_clear(db_path: Path, holder: LockInfo) -> str:
    """What to tell a user whose file is held by a lock this process cannot verify."""
    lock = lock_path(db_path).name
    if holder is SOMEONE:
        return ""
    if holder.host != host_name():
        return (f"if nobody uses it on {holder.host} any more (y90gui closed there, or that computer "
                f"crashed), delete {lock} beside the file and open it again")
    if holder.pid != os.getpid() and _pid_alive(holder.pid):
        return (f"the lock names process {holder.pid}, which still runs; if no y90gui window or command "
                f"has the file open, delete {lock} beside the file and open it again")
    return ""
