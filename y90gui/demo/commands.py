"""`y90gui demo` and the demo copy the window opens when it is given no file.

The demo copy lives in the user's data folder. It is created when missing and never
overwritten: a user may have edited it, and a file there that is not a case series (or that
this version cannot open) is left alone while the demo goes to `demo-2.y90`, `demo-3.y90`, ….
"""

from __future__ import annotations

import argparse
from pathlib import Path

from y90gui.core.errors import Y90Error
from y90gui.store.store import Store

DEMO_NAME = "demo"
ACTION = "demo cohort"


def write_demo(path: str | Path) -> Path:
    """Write the demo cohort to a new case-series file in one action; the file must not exist."""
    from y90gui.demo.cohort import build_demo

    path = Path(path)
    data = build_demo()
    with Store.create(path) as store:
        store.replace_patients(data, ACTION)
    return path


def cmd_demo(args: argparse.Namespace) -> int:
    path = Path(args.db)
    if path.is_dir():
        raise Y90Error(f"{path} is a folder: give the name of the .y90 file to write")
    if path.exists():
        if not args.force:
            raise Y90Error(f"{path} already exists: use --force to replace it with the demo cohort")
        path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not path.parent.exists():
        raise Y90Error(f"folder {path.parent} does not exist")
    write_demo(path)
    with Store.open(path, read_only=True) as store:
        counts = store.counts()
    print(f"wrote the synthetic demo cohort to {path}: {counts['patients']} patients, "
          f"{counts['radioembolization']} procedures, {counts['labs']} lab values")
    return 0


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
