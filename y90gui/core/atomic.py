"""Write a file so that it appears complete or not at all: a temporary file beside it, renamed
into place only when the writer finished. Cancel or any error removes the temporary file and
leaves an existing file as it was. Every exporter (workbook, report, figure) and every backup of
a case series writes through here.

The temporary file is named `~<name>.y90gui.partial` (`~series.xlsx.y90gui.partial`), so a user
who finds one after a crash or a killed process recognises what it was and who made it. It is
held by an OS lock while it is written: the next run that writes into the same folder removes
every such leftover whose lock is free (a killed export's partial holds patient data), and
leaves alone the one another process is still writing. A full disk is reported as
`DiskFullError`, with nothing left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from y90gui.core.casefile import is_case_series
from y90gui.core.errors import Y90Error, disk_full, is_disk_full
from y90gui.core.oslock import try_lock

PARTIAL_SUFFIX = ".y90gui.partial"
#: What earlier versions named them: mkstemp's `.<stem>-XXXXXXXX<suffix>.partial`.
_OLD_PARTIAL = re.compile(r"^\..+-[a-z0-9_]{8}\.[A-Za-z0-9]+\.partial$")


def partial_name(path: Path, n: int = 1) -> Path:
    """The temporary file of `path` (the n-th, when other writers have the first ones)."""
    middle = "" if n == 1 else f".{n}"
    return path.with_name(f"~{path.name}{middle}{PARTIAL_SUFFIX}")


def _normal_permissions(path: Path) -> None:
    # a plain open() gives 0666 & ~umask; a shared export must get that, not 0600
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files of writers that died in `folder`; the removed paths.

    Also the names earlier versions used (`.<stem>-XXXX<suffix>.partial`, `<name>.partial`).
    A file whose OS lock is held belongs to a writer still at work and stays.
    """
    removed: list[Path] = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.endswith(PARTIAL_SUFFIX) or _OLD_PARTIAL.match(p.name)]
    except OSError:
        return removed
    for p in candidates:
        try:
            fd = os.open(p, os.O_RDWR)
        except OSError:
            continue
        try:
            if try_lock(fd):
                p.unlink()
                removed.append(p)
        except OSError:  # Windows: open elsewhere, or no locks here: leave it
            pass
        finally:
            os.close(fd)
    return removed


def _create_partial(path: Path) -> tuple[Path, int]:
    """Create and OS-lock the first free temporary name of `path`."""
    for n in range(1, 100):
        tmp = partial_name(path, n)
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        except FileExistsError:
            continue
        try:
            locked = try_lock(fd)
        except OSError:
            locked = True  # a file system without locks: the exclusive create is all we have
        if locked:
            return tmp, fd
        os.close(fd)
    raise FileExistsError(f"too many unfinished copies of {path.name} in {path.parent}")


class WouldReplaceCaseSeriesError(Y90Error):
    """An export, report, figure or template was asked to go where a case series is."""


@contextlib.contextmanager
def atomic_path(path: str | Path, *, case_series: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to `path` for a writer that wants a file name.

    Only a writer of a case series (`case_series=True`: a new file, a backup) may replace one.
    Anything else named like it (`export --db series.y90 --out series.y90`, a report or figure
    saved over the open file) is refused before a byte is written: renamed into place, the
    workbook would silently take the place of every patient's data.
    """
    path = Path(path)
    if not case_series and is_case_series(path):
        raise WouldReplaceCaseSeriesError(
            f"{path.name} is a y90gui case series: it is not replaced by this file (nothing was written); "
            "choose another file name")
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise Y90Error(f"{path.name or path} is a folder: give the name of the file to write in it")
    if not folder.is_dir():
        raise Y90Error(f"folder {folder} does not exist: {path.name} was not written")
    remove_leftovers(folder)
    try:
        tmp, fd = _create_partial(path)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(f"{path.name} was not written") from None
        if isinstance(exc, PermissionError):  # where the file goes, not the temporary beside it
            raise Y90Error(f"you may not write in the folder {folder}, where {path.name} would go: "
                           "nothing was written; choose another folder") from None
        # a write-protected stick or share (EROFS), a folder of the system (/proc): the folder
        # and the system's reason, not the temporary file's name
        raise Y90Error(f"{path.name} cannot be written in the folder {folder} ({exc.strerror or exc}): "
                       "nothing was written; choose another folder") from None
    # POSIX renames and removes a file that is open (and keeps it locked meanwhile); Windows
    # cannot, so the lock is given up just before there.
    early = sys.platform == "win32"
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        _normal_permissions(tmp)
        if early:
            fd = _close(fd)
        os.replace(tmp, path)
    except BaseException as exc:
        if early:
            fd = _close(fd)
        tmp.unlink(missing_ok=True)
        if isinstance(exc, Exception) and is_disk_full(exc):
            raise disk_full(f"{path.name} was not written" + (", the existing file is as it was"
                                                              if path.exists() else "")) from None
        raise
    finally:
        _close(fd)


def _close(fd: int) -> int:
    if fd >= 0:
        os.close(fd)
    return -1


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[IO[bytes]]:
    """Yield an open binary file for a writer that streams bytes."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        yield f
        f.flush()
