"""Exports appear complete or not at all, with the permissions a plain open() gives."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from y90gui.core.atomic import atomic_file, atomic_path
from y90gui.core.progress import Cancelled


def test_written_file_replaces_old_one_with_normal_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with atomic_file(target) as f:
        f.write(b"new")
    assert target.read_bytes() == b"new"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


@pytest.mark.parametrize("error", [Cancelled, RuntimeError])
def test_failure_or_cancel_leaves_the_old_file_and_no_temporary(tmp_path: Path, error: type[Exception]) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")
    def write_half_then_fail() -> None:
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise error()

    with pytest.raises(error):
        write_half_then_fail()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
