"""`y90gui demo` and the demo copy the window opens when it is given no file.

The demo copy lives in the user's data folder. It is created when missing and never
overwritten: a user may have edited it, and a file there that is not a case series (or that
this version cannot open) is left alone while the demo goes to `demo-2.y90`, `demo-3.y90`, ….
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from y90gui.core.errors import Y90Error
from y90gui.core.validate import CaseData
from y90gui.store.lock import WriteLock
from y90gui.store.store import Store

DEMO_NAME = "demo"
ACTION = "demo cohort"


def write_demo(path: str | Path, data: CaseData | None = None) -> Path:
    """Write the demo cohort to a new case-series file in one action; the file must not exist."""
    from y90gui.demo.cohort import build_demo

    path = Path(path)
    data = data if data is not None else build_demo()
    with Store.create(path) as store:
        store.replace_patients(data, ACTION)
    return path


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the demo to a temporary file beside the target, then move it into place.

    An existing file is replaced only with --force, only while nobody has it open for writing,
    and only after the new demo is complete, so a failure leaves the old file as it was.
    """
    path = Path(args.db)
    if path.is_dir():
        raise Y90Error(f"{path} is a folder: give the name of the .y90 file to write")
    if not path.parent.exists():
        raise Y90Error(f"folder {path.parent} does not exist")
    if path.exists() and not args.force:
        raise Y90Error(f"{path} already exists: use --force to replace it with the demo cohort")
    from y90gui.demo.cohort import build_demo

    data = build_demo()
    tmp = path.with_name(path.name + ".demo-partial")
    _remove_with_sidecars(tmp)
    try:
        write_demo(tmp, data)
        Path(f"{tmp}-wal").unlink(missing_ok=True)
        Path(f"{tmp}-shm").unlink(missing_ok=True)
        if path.exists():
            lock = WriteLock(path)
            holder = lock.acquire()
            if holder is not None:
                raise Y90Error(f"{path.name} is open in y90gui by {holder.describe()}: close it there first")
            try:
                # The old file's write-ahead log must never be replayed onto the new file.
                Path(f"{path}-wal").unlink(missing_ok=True)
                Path(f"{path}-shm").unlink(missing_ok=True)
                os.replace(tmp, path)
            finally:
                lock.release()
        else:
            os.replace(tmp, path)
    finally:
        _remove_with_sidecars(tmp)
    print(f"wrote the synthetic demo cohort to {path}: {len(data['patients'])} patients, "
          f"{len(data['radioembolization'])} procedures, {len(data['labs'])} lab values")
    return 0


def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _usable(path: Path) -> bool:
    """True when `path` opens as a case series (read-only; the file is not touched)."""
    try:
        with Store.open(path, read_only=True):
            return True
    except Y90Error:
        return False


def demo_copy_path() -> Path:
    """The demo copy in the user's data folder: an existing usable one as is, else a new one."""
    from y90gui.paths import user_data_dir

    folder = user_data_dir()
    n = 1
    while True:
        path = folder / (f"{DEMO_NAME}.y90" if n == 1 else f"{DEMO_NAME}-{n}.y90")
        if path.exists():
            if _usable(path):
                return path
        else:
            return write_demo(path)
        n += 1
