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


def _case_series(path: Path) -> Path:
    from tests.store.conftest import small_case
    from y90gui.store.store import Store

    with Store.create(path) as store:
        store.replace_patients(small_case(n=3))
    return path


def test_nothing_but_a_case_series_writer_replaces_a_case_series(tmp_path: Path) -> None:
    """`export --db series.y90 --out series.y90` once put a workbook where every patient's data
    was: whatever is not a case series is refused there before a byte is written."""
    from y90gui.core.atomic import WouldReplaceCaseSeriesError
    from y90gui.core.casefile import is_case_series

    series = _case_series(tmp_path / "series.y90")
    renamed = _case_series(tmp_path / "series-copy.xlsx")  # a case series under a workbook's name
    for target in (series, renamed):
        before = target.read_bytes()
        with pytest.raises(WouldReplaceCaseSeriesError, match="is a y90gui case series"), atomic_file(target) as f:
            f.write(b"a workbook")
        assert target.read_bytes() == before and is_case_series(target)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    with atomic_path(renamed, case_series=True) as tmp:  # a backup may replace one
        tmp.write_bytes(b"backup")
    assert renamed.read_bytes() == b"backup"
    other = tmp_path / "other.sqlite"  # an SQLite file that is not ours is an ordinary file here
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.close()
    with atomic_file(other) as f:
        f.write(b"replaced")
    assert other.read_bytes() == b"replaced"


def test_export_over_the_case_series_it_reads_is_one_line_and_leaves_it(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from y90gui.cli import main
    from y90gui.store.store import Store

    series = _case_series(tmp_path / "series.y90")
    assert main(["export", "--db", str(series), "--out", str(series)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "series.y90 is a y90gui case series" in err, err
    assert main(["template", "--out", str(series)]) == 1
    with Store.open(series, read_only=True) as store:
        assert store.integrity() == "ok" and len(store.patient_ids()) == 3


def test_a_folder_a_missing_folder_or_one_not_writable_is_said_in_words(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The user named a folder, a folder that is not there, or one they may not write in: a
    sentence about where the file goes (not "Is a directory: ~x.y90gui.partial")."""
    from y90gui.core import atomic
    from y90gui.core.errors import Y90Error

    (tmp_path / "folder.xlsx").mkdir()
    folder_error = r"^folder.xlsx is a folder: give the name of the file to write in it$"
    with pytest.raises(Y90Error, match=folder_error), atomic_file(tmp_path / "folder.xlsx") as f:
        f.write(b"x")
    with pytest.raises(Y90Error, match="does not exist: out.xlsx was not written"), \
            atomic_file(tmp_path / "nope" / "out.xlsx") as f:
        f.write(b"x")

    def refused(path: Path) -> tuple[Path, int]:
        raise PermissionError(13, "Permission denied", str(path.with_name("~" + path.name + ".y90gui.partial")))

    monkeypatch.setattr(atomic, "_create_partial", refused)
    not_writable = f"you may not write in the folder {tmp_path}, where out.xlsx would go"
    with pytest.raises(Y90Error, match=not_writable), atomic_file(tmp_path / "out.xlsx") as f:
        f.write(b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.xlsx"]


def test_a_read_only_or_system_folder_is_said_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write-protected USB stick or share (EROFS), or a folder of the system where no file can be
    made: the folder and the system's reason, never the name of our temporary file."""
    import errno
    import re
    import sys

    from y90gui.core import atomic
    from y90gui.core.errors import Y90Error

    if sys.platform.startswith("linux"):  # a real one: /proc exists and takes no new file
        with pytest.raises(Y90Error, match=r"^k.png cannot be written in the folder /proc \(") as info, \
                atomic_file(Path("/proc/k.png")) as f:
            f.write(b"x")
        assert "partial" not in str(info.value)

    def read_only(path: Path) -> tuple[Path, int]:
        raise OSError(errno.EROFS, "Read-only file system", str(path.with_name("~" + path.name + ".y90gui.partial")))

    monkeypatch.setattr(atomic, "_create_partial", read_only)
    with pytest.raises(Y90Error, match=rf"^out.xlsx cannot be written in the folder {re.escape(str(tmp_path))} "
                                       r"\(Read-only file system\): nothing was written"), \
            atomic_file(tmp_path / "out.xlsx") as f:
        f.write(b"x")
    assert list(tmp_path.iterdir()) == []
