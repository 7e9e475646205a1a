"""Who has a case series open for writing: a lock file beside it.

SQLite's own locks protect single transactions, not a working session: two coordinators
editing the same file at once would undo each other's review. The first y90gui to open a file
writes `<file>.lock` (user, host, pid, since); a second one opens the file read-only and can
tell the user who has it. A lock left by a process that no longer exists on this host is taken
over; a lock from another host is respected (its process cannot be checked from here).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class LockInfo:
    user: str
    host: str
    pid: int
    since: str

    def describe(self) -> str:
        return f"{self.user} on {self.host} (since {self.since})"


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers and services
        return f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"


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
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def read_lock(db_path: Path) -> LockInfo | None:
    try:
        data = json.loads(lock_path(db_path).read_text(encoding="utf-8"))
        return LockInfo(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class WriteLock:
    """Held for as long as a store is open for writing."""

    def __init__(self, db_path: Path) -> None:
        self.path = lock_path(db_path)
        self.info = LockInfo(
            current_user(), host_name(), os.getpid(), dt.datetime.now().isoformat(timespec="seconds")
        )
        self.held = False

    def acquire(self) -> LockInfo | None:
        """Take the lock; return None on success, else who holds it."""
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = read_lock(self.path.with_name(self.path.name[: -len(".lock")]))
                if holder is None or (holder.host == self.info.host and not _pid_alive(holder.pid)):
                    # Stale (dead process on this host) or unreadable half-written lock: take it over.
                    try:
                        self.path.unlink()
                    except FileNotFoundError:
                        pass
                    continue
                if holder.host == self.info.host and holder.pid == self.info.pid:
                    return holder  # this very process has it open already
                return holder
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(asdict(self.info), f)
                f.flush()
                os.fsync(f.fileno())
            self.held = True
            return None
        holder = read_lock(self.path.with_name(self.path.name[: -len(".lock")]))
        return holder or self.info

    def release(self) -> None:
        if not self.held:
            return
        current = read_lock(self.path.with_name(self.path.name[: -len(".lock")]))
        if current is not None and current.pid == self.info.pid and current.host == self.info.host:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
        self.held = False
