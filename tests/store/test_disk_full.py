"""A full disk: every write says "the disk is full: nothing was written", the case series is
unchanged, and no empty or partial file is left behind. On a real, tiny tmpfs (root), skipped
where mounting is not permitted."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from tests.store.conftest import small_case
from y90gui.cli import main
from y90gui.core.errors import DiskFullError
from y90gui.io.exporter import write_workbook
from y90gui.store.store import BULK_ROWS, Store

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="a tmpfs mount")
MESSAGE = "the disk is full: nothing was written"


@pytest.fixture
def tiny_disk() -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = Path(tempfile.mkdtemp(prefix="y90-full-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True).returncode:
        shutil.rmtree(mnt, ignore_errors=True)
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
        shutil.rmtree(mnt, ignore_errors=True)


def fill(folder: Path) -> None:
    """Take every free byte of the file system."""
    def write_until_full(f: BinaryIO) -> None:
        while True:
            f.write(b"\0" * 4096)

    with open(folder / "filler.bin", "wb", buffering=0) as f, pytest.raises(OSError) as full:
        write_until_full(f)
    assert full.value.errno == errno.ENOSPC
    with open(folder / "filler-small.bin", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 64)
        except OSError:
            pass


def data_digest(db: Path) -> str:
    with Store.open(db, read_only=True) as s:
        return hashlib.sha256(repr(s.read_case_data()).encode()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Empty or partial files (the filler aside; SQLite's own -wal/-shm of the open store aside)."""
    out = []
    for p in folder.rglob("*"):
        if p.name.startswith("filler") or p.name.endswith(("-wal", "-shm")) or p.is_dir():
            continue
        if p.stat().st_size == 0 or "partial" in p.name:
            out.append(p.name)
    return out


def case_on(disk: Path) -> Path:
    db = disk / "case.y90"
    with Store.create(db) as s:
        s.replace_patients(small_case(n=3))
    return db


@pytest.mark.parametrize("rows", ["row by row", "bulk"])
def test_an_import_that_fills_the_disk_writes_nothing(tiny_disk: Path, rows: str) -> None:
    db = case_on(tiny_disk)
    before = data_digest(db)
    big = small_case(prefix="B", n=60 if rows == "row by row" else 120, labs_per_patient=60)
    assert (sum(map(len, big.values())) >= BULK_ROWS) == (rows == "bulk")
    with Store.open(db) as s:
        fill(tiny_disk)
        with pytest.raises(DiskFullError) as caught:
            s.replace_patients(big)
        message = str(caught.value)
        assert message.startswith(MESSAGE), message
        assert "rollback" not in message and "trigger" not in message
        assert s.integrity() == "ok"
        assert s.counts()["patients"] == 3
    (tiny_disk / "filler.bin").unlink()
    assert data_digest(db) == before
    with Store.open(db) as s:  # the triggers are all there: a later write is audited as before
        s.update_row("patients", "P000", {"center": "Leuven"})
        assert s.conn.execute("SELECT count(*) FROM audit WHERE op = 'update'").fetchone()[0] == 1


def test_cli_import_backup_and_export_on_a_full_disk(tiny_disk: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = case_on(tiny_disk)
    before = data_digest(db)
    workbook = tmp_path / "more.xlsx"
    write_workbook(small_case(prefix="W", n=40, labs_per_patient=40), workbook)
    fill(tiny_disk)
    for args in (["import", str(workbook), "--db", str(db)],
                 ["backup", "--db", str(db), "--out", str(tiny_disk / "copy.y90")],
                 ["export", "--db", str(db), "--out", str(tiny_disk / "series.xlsx")]):
        assert main(args) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"y90gui {args[0]}: error: {MESSAGE}"), err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert leftovers(tiny_disk) == [], args
        assert not (tiny_disk / "copy.y90").exists() and not (tiny_disk / "series.xlsx").exists()
    (tiny_disk / "filler.bin").unlink()
    assert data_digest(db) == before
