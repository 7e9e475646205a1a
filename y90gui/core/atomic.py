"""Write a file so that it appears complete or not at all: a temporary file beside it, renamed
into place only when the writer finished. Cancel or any error removes the temporary file and
leaves an existing file as it was. Every exporter (workbook, report, figure) writes through here.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _normal_permissions(path: Path) -> None:
    # mkstemp creates 0600; a shared export must get what a plain open() would give it
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to `path` for a writer that wants a file name."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=f"{path.suffix}.partial",
                                    dir=path.parent if str(path.parent) else ".")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        _normal_permissions(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[IO[bytes]]:
    """Yield an open binary file for a writer that streams bytes."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        yield f
        f.flush()
