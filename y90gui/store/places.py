"""Where a case series lives, as far as writing it is concerned.

Clinics keep files on read-only media, in folders a user may read but not write, and on
network shares. Each needs its own handling when a store is opened:

- `read_only_reason`: why this process cannot write the file (read-only drive, folder or
  file), so it is opened read-only and the window and the CLI can say why;
- `connect_read_only`: an SQLite connection that only reads, also where SQLite cannot create
  the `-shm` file a WAL database needs (then `immutable=1`);
- `filesystem_type` / `is_network_filesystem`: SQLite's WAL mode needs shared memory that
  network file systems (SMB/CIFS, NFS) do not provide between computers, so a file there is
  written in rollback-journal mode instead (see docs/FORMAT-EXTENSIONS.md).
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from pathlib import Path

from y90gui.store.errors import StoreError

#: File system types (Linux mountinfo names, macOS f_fstypename) that are network file systems.
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb2", "afs", "ncpfs", "9p", "ceph", "glusterfs", "lustre",
    "gpfs", "davfs", "webdav", "afpfs", "fuse.sshfs", "fuse.glusterfs", "fuse.davfs2", "fuse.cephfs", "fuse.smbnetfs",
    "remote",  # what `filesystem_type` says for a Windows network drive
})


def read_only_reason(path: Path) -> str | None:
    """Why `path` cannot be written by this process, in words for the user; None if it can.

    The folder matters as much as the file: the lock file, SQLite's `-wal`/`-shm` files and the
    backups before an import are all created beside it.
    """
    folder = path.resolve().parent
    if _on_read_only_mount(folder):
        return f"{path.name} is on a read-only drive or share ({folder})"
    if not os.access(folder, os.W_OK):
        return f"you may not write in the folder {folder}, where {path.name} is"
    if not os.access(path, os.W_OK):
        return f"{path.name} is a read-only file (its permissions or attributes forbid changes)"
    return None


def _on_read_only_mount(folder: Path) -> bool:
    try:
        flags = os.statvfs(folder).f_flag
    except (OSError, AttributeError):  # Windows has no statvfs
        return False
    return bool(flags & getattr(os, "ST_RDONLY", 1))


#: SQLite's answer to a reader that finds a hot journal: a rollback-journal write (a file on a
#: network share) was cut off, and only a connection that may write can take it back.
SQLITE_READONLY_ROLLBACK = 776


def interrupted_change(path: Path) -> StoreError:
    """The refusal to read a file whose last write was cut off half-way (a hot `-journal`).

    `immutable=1` would read it as it lies, half of that write included (seen: a killed
    delete of half the rows, read back as a file with half the rows and an "ok" integrity
    check), so a report would be computed from a change that never happened.
    """
    journal = path.with_name(path.name + "-journal")
    return StoreError(
        f"{path.name} cannot be read as it is: its last change was cut off before it was complete "
        f"({journal.name}, beside it, holds what that change had overwritten). Open {path.name} for "
        "writing once, which takes the unfinished change back; where this place is read-only, copy "
        f"{path.name} together with {journal.name} to a folder you may write to and open it there")


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open `path` for reading only (SQLite `mode=ro`), wherever it is.

    A WAL-mode file needs its `-shm` index even to be read; where that cannot be created (a
    read-only folder or drive) SQLite refuses with "unable to open database file". If there
    is no write-ahead log with content beside it, nothing can change the file there, and
    `immutable=1` reads it without the index. A log with content holds the last changes of a
    session that ended abruptly; reading without it would show old data, so that is refused.
    A rollback journal left by a write that was cut off (network shares write that way) is
    refused too, rather than read around (`interrupted_change`).
    """
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorcode", None) == SQLITE_READONLY_ROLLBACK:
            raise interrupted_change(path) from None
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(
            f"{path.name} has changes in {wal.name} that are not yet part of the file (the program that "
            "wrote them ended abruptly), and they cannot be merged here because this place is read-only: "
            f"copy {path.name} together with {wal.name} to a folder you may write to and open it there")
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:  # nobody writes here: only a cut-off write leaves one
        raise interrupted_change(path)
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)


# ----------------------------------------------------------------------------- network shares

#: Where Linux lists the mounts this process sees (one line each, with the file system type).
MOUNTINFO = "/proc/self/mountinfo"
_OCTAL = re.compile(r"\\([0-7]{3})")


def parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of each line of Linux's /proc/self/mountinfo."""
    out: list[tuple[str, str]] = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        point = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), fields[4])  # a space arrives as \040
        out.append((point, right.split()[0]))
    return out


def type_of_mount(path: str, mounts: list[tuple[str, str]]) -> str | None:
    """The file system type of the mount holding `path` (the longest mount point above it)."""
    best: tuple[int, str] | None = None
    for point, fstype in mounts:
        inside = path == point or path.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), fstype)
    return best[1] if best else None


def filesystem_type(path: Path) -> str | None:
    """The type of file system `path` is on ("ext4", "nfs4", "cifs", "apfs", "remote"...), or None."""
    real = os.path.realpath(path)
    try:
        if sys.platform.startswith("linux"):
            with open(MOUNTINFO, encoding="utf-8", errors="replace") as f:
                return type_of_mount(real, parse_mountinfo(f.read()))
        if sys.platform == "darwin":  # pragma: no cover - macOS only
            return _macos_fstype(real)
        if sys.platform == "win32":  # pragma: no cover - Windows only
            return _windows_drive_type(real)
    except (OSError, ValueError):
        return None
    return None


def is_network_filesystem(path: Path) -> bool:
    return (filesystem_type(path) or "").lower() in NETWORK_FILESYSTEMS


def _macos_fstype(path: str) -> str | None:  # pragma: no cover - macOS only
    import ctypes

    class StatFs(ctypes.Structure):
        _fields_ = [
            ("f_bsize", ctypes.c_uint32), ("f_iosize", ctypes.c_int32),
            ("f_blocks", ctypes.c_uint64), ("f_bfree", ctypes.c_uint64), ("f_bavail", ctypes.c_uint64),
            ("f_files", ctypes.c_uint64), ("f_ffree", ctypes.c_uint64), ("f_fsid", ctypes.c_int32 * 2),
            ("f_owner", ctypes.c_uint32), ("f_type", ctypes.c_uint32), ("f_flags", ctypes.c_uint32),
            ("f_fssubtype", ctypes.c_uint32), ("f_fstypename", ctypes.c_char * 16),
            ("f_mntonname", ctypes.c_char * 1024), ("f_mntfromname", ctypes.c_char * 1024),
            ("f_reserved", ctypes.c_uint32 * 8),
        ]

    libc = ctypes.CDLL(None, use_errno=True)
    buf = StatFs()
    statfs = getattr(libc, "statfs$INODE64", None) or libc.statfs
    if statfs(path.encode(), ctypes.byref(buf)) != 0:
        return None
    return str(buf.f_fstypename.decode(errors="replace"))


def _windows_drive_type(path: str) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    if path.startswith(("\\\\", "//")) and not path.startswith(("\\\\?\\", "\\\\.\\")):
        return "remote"  # a UNC path \\server\share
    root = os.path.splitdrive(path)[0] + "\\"
    kind = ctypes.windll.kernel32.GetDriveTypeW(root)  # type: ignore[attr-defined]
    return {2: "removable", 3: "fixed", 4: "remote", 5: "cdrom", 6: "ramdisk"}.get(int(kind))
