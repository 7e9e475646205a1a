"""A file on a network share is written with a rollback journal; a writer killed half-way leaves
a hot `-journal` and a file that holds part of the change. Reading such a file without taking
the change back (`immutable=1`) would show the half change, so a read-only open refuses and
says what to do; an open for writing takes the change back, and then reading works again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.store.conftest import small_case
from y90gui.store import places
from y90gui.store.errors import StoreError
from y90gui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="os.fork")


def _labs(path: Path) -> int:
    with Store.open(path) as s:
        return int(s.conn.execute("SELECT count(*) FROM labs").fetchone()[0])


def _cut_off_write(path: Path) -> None:
    """A child process deletes half the labs in one action and is killed before its commit,
    after SQLite has written part of the change into the file (a page cache of 10 pages)."""
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            s = Store.open(path)
            s.conn.execute("PRAGMA cache_size = 10")
            with s.action("half the labs"):
                s.conn.execute("DELETE FROM labs WHERE id % 2 = 0")
                os.kill(os.getpid(), signal.SIGKILL)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status), "the writer was not killed"


@pytest.fixture
def on_a_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A case series that every open in this test (the forked writer too) treats as being on a
    network file system: rollback-journal mode."""
    monkeypatch.setattr(places, "is_network_filesystem", lambda path: True)
    path = tmp_path / "share.y90"
    with Store.create(path) as s:
        s.replace_patients(small_case(n=40, labs_per_patient=30))
        assert s.journal_mode == "delete"
    return path


def test_a_cut_off_write_is_refused_for_reading_and_taken_back_by_a_writer(on_a_share: Path) -> None:
    path = on_a_share
    before = _labs(path)
    assert before == 1200
    _cut_off_write(path)
    journal = path.with_name(path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0  # a hot journal: the case this is about

    with pytest.raises(StoreError, match="cut off before it was complete") as refused:
        Store.open(path, read_only=True)
    assert journal.name in str(refused.value) and "for writing once" in str(refused.value)
    assert journal.exists()  # the refusal wrote nothing and took nothing back

    with Store.open(path) as s:  # for writing: SQLite takes the unfinished change back
        assert s.integrity() == "ok"
        assert s.conn.execute("SELECT count(*) FROM labs").fetchone()[0] == before
        assert s.conn.execute("SELECT count(*) FROM actions WHERE description = 'half the labs'").fetchone()[0] == 0
    assert not journal.exists()
    with Store.open(path, read_only=True) as s:
        assert s.conn.execute("SELECT count(*) FROM labs").fetchone()[0] == before


def test_the_command_line_says_so_in_one_line(on_a_share: Path) -> None:
    """`info` opens read-only: the user gets the sentence, not a traceback or a half-changed count."""
    _cut_off_write(on_a_share)
    r = subprocess.run([sys.executable, "-m", "y90gui", "info", "--db", str(on_a_share)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode != 0
    assert "cut off before it was complete" in r.stderr and "Traceback" not in r.stderr, r.stderr
