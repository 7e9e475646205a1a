"""A case series damaged after it was opened fine (a bad sector, a failing USB stick, a page
overwritten): every command says so in one line, `info` reports the damage instead of failing on
it, and the window words it the same way without calling it unexpected (`core.errors.storage_error`)."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from y90gui.core.errors import StorageError, storage_error
from y90gui.demo.cohort import build_demo
from y90gui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]


def y90gui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "y90gui", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo cohort with the b-tree page at the root of the labs table overwritten: the header,
    the schema and the other sheets are intact, so the file opens and breaks when labs are read."""
    db = tmp_path_factory.mktemp("damaged") / "c.y90"
    with Store.create(db) as store:
        store.replace_patients(build_demo(), "demo")
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'labs'").fetchone()[0]
    conn.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    return db


@pytest.mark.parametrize("command", [["report"], ["report", "--json"], ["export", "--out", "{tmp}/e.xlsx"],
                                     ["figure", "km", "--out", "{tmp}/k.png"]])
def test_every_command_says_the_file_is_damaged_in_one_line(damaged: Path, tmp_path: Path, command: list[str]):
    out = y90gui(command[0], "--db", str(damaged), *[a.format(tmp=tmp_path) for a in command[1:]])
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "c.y90: it is damaged (SQLite: database disk image is malformed)" in out.stderr
    assert "c.y90.backups" in out.stderr  # where the copies from before each import are
    assert list(tmp_path.iterdir()) == []  # nothing half written


def test_info_reports_the_damage_instead_of_failing_on_it(damaged: Path):
    out = y90gui("info", "--db", str(damaged))
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert "integrity" in out.stdout and "damaged" in out.stdout


def test_the_window_words_it_alike_and_logs_no_bug(damaged: Path, caplog: pytest.LogCaptureFixture):
    from y90gui.analysis.frames import from_store
    from y90gui.ui.dialogs.progress import describe_failure

    with Store.open(damaged, read_only=True) as store, pytest.raises(sqlite3.DatabaseError) as info:
        from_store(store)
    with caplog.at_level(logging.ERROR):
        line = describe_failure(info.value)
    assert line.startswith("the case series file: it is damaged (SQLite: database disk image is malformed)")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def _sqlite_error(cls: type[sqlite3.Error], message: str, code: int) -> sqlite3.Error:
    exc = cls(message)
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]  # what SQLite sets on a real one
    return exc


@pytest.mark.parametrize(("code", "words"), [
    (10 | (4 << 8), "its disk reported an error (SQLite: disk I/O error)"),  # SQLITE_IOERR_SHORT_READ
    (5, "another program is using it (SQLite: database is locked)"),  # SQLITE_BUSY
    (8, "it cannot be written"),  # SQLITE_READONLY
    (14, "it cannot be opened"),  # SQLITE_CANTOPEN
    (26, "it is damaged or not a case series"),  # SQLITE_NOTADB
])
def test_the_file_or_its_disk_is_named_and_a_bug_is_not(code: int, words: str):
    messages = {10: "disk I/O error", 5: "database is locked"}
    said = storage_error(_sqlite_error(sqlite3.OperationalError, messages.get(code & 0xFF, "x"), code), "s.y90")
    assert isinstance(said, StorageError) and str(said).startswith(f"s.y90: {words}")
    # SQL the program got wrong, or a constraint it broke, stays a bug (logged, with its traceback)
    assert storage_error(_sqlite_error(sqlite3.OperationalError, "no such column: x", 1), "s.y90") is None
    assert storage_error(_sqlite_error(sqlite3.IntegrityError, "CHECK constraint failed", 275), "s.y90") is None
    assert storage_error(ValueError("not SQLite"), "s.y90") is None
    full = storage_error(_sqlite_error(sqlite3.OperationalError, "database or disk is full", 13), "s.y90")
    assert full is not None and "the disk is full" in str(full)


def test_one_rule_says_what_the_user_is_told_and_what_is_a_bug():
    """`user_error`: the CLI's one line, the window's box and the excepthook's title all ask it."""
    from y90gui.core.errors import Y90Error, user_error

    mistake = Y90Error("patients, row 2, column sex, value 'x': not a code")
    assert user_error(mistake) is mistake
    denied = PermissionError(13, "Permission denied", "/data/r.xlsx")
    assert str(user_error(denied)) == "Permission denied: /data/r.xlsx"
    assert str(user_error(OSError(5, "Input/output error"))) == "Input/output error"
    assert user_error(ValueError("a bug")) is None and user_error(KeyError("x")) is None
