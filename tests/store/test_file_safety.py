"""Files that are not ours, truncated or too new are refused and left byte-for-byte unchanged;
a second process gets read-only access and is told by whom; a dead holder's lock is taken over."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.store.conftest import small_case
from y90gui.store import schema
from y90gui.store.errors import NotACaseSeriesError, StoreError, TooNewError, TruncatedError
from y90gui.store.lock import lock_path
from y90gui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def make_case_file(path: Path, n: int = 20) -> Path:
    with Store.create(path) as s:
        s.replace_patients(small_case(n=n, labs_per_patient=20))
    return path


def assert_refused_unchanged(path: Path, error: type[Exception], match: str) -> None:
    before, names = digest(path), siblings(path)
    with pytest.raises(error, match=match):
        Store.open(path)
    assert digest(path) == before
    assert siblings(path) == names  # no journal, WAL, shm or lock file left behind


def test_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.y90"
    path.write_text("patient_id,center\nP1,Utrecht\n" * 50)
    assert_refused_unchanged(path, NotACaseSeriesError, "not a y90gui case series")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.y90"
    path.write_bytes(b"")
    assert_refused_unchanged(path, NotACaseSeriesError, "not a y90gui")


def test_other_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    assert_refused_unchanged(path, NotACaseSeriesError, "SQLite database, but not a y90gui")


@pytest.mark.parametrize("keep", [0.5, 0.9, 60 / 4096])
def test_truncated_file_is_refused(tmp_path: Path, keep: float) -> None:
    full = make_case_file(tmp_path / "full.y90")
    data = full.read_bytes()
    path = tmp_path / "cut.y90"
    path.write_bytes(data[: int(len(data) * keep)])
    assert_refused_unchanged(path, TruncatedError, "truncated")


def test_file_of_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = make_case_file(tmp_path / "new.y90")
    raw = bytearray(path.read_bytes())
    raw[60:64] = struct.pack(">i", schema.SCHEMA_VERSION + 1)
    path.write_bytes(bytes(raw))
    assert_refused_unchanged(path, TooNewError, "newer y90gui")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotACaseSeriesError):
        Store.open(tmp_path)


HOLDER = textwrap.dedent(
    """
    import sys, time
    from y90gui.store.store import Store
    s = Store.open(sys.argv[1])
    print("read_only" if s.read_only else "holding", flush=True)
    sys.stdin.readline()
    """
)


def test_second_process_gets_read_only_and_learns_who(tmp_path: Path) -> None:
    path = make_case_file(tmp_path / "shared.y90", n=2)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        second = Store.open(path)
        try:
            assert second.read_only
            assert second.locked_by is not None
            assert second.locked_by.pid == holder.pid
            assert second.locked_by.host == socket.gethostname()
            assert second.locked_by.user and second.locked_by.since
            assert str(holder.pid) not in second.locked_by.describe()  # user, host and time, for humans
            assert second.counts()["patients"] == 2  # reading works while the other writes
        finally:
            second.close()
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_dead_process_on_this_host_is_taken_over(tmp_path: Path) -> None:
    path = make_case_file(tmp_path / "stale.y90", n=2)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert lock_path(path).exists()  # the killed process could not clean up
    with Store.open(path) as s:
        assert not s.read_only
        s.update_row("patients", "P000", {"center": "Leuven"})
    assert not lock_path(path).exists()


def test_lock_from_another_host_is_respected(tmp_path: Path) -> None:
    path = make_case_file(tmp_path / "remote.y90", n=1)
    lock_path(path).write_text('{"user": "anna", "host": "ward-pc-7", "pid": 1, "since": "2026-01-01T08:00:00"}')
    with Store.open(path) as s:
        assert s.read_only
        assert s.locked_by is not None and s.locked_by.describe() == "anna on ward-pc-7 (since 2026-01-01T08:00:00)"


def test_migration_mechanism_upgrades_step_by_step_after_a_backup(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_case_file(tmp_path / "old.y90", n=2)
    v = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", v + 2)
    monkeypatch.setattr(schema, "MIGRATIONS", {
        v: ["ALTER TABLE patients ADD COLUMN ecog INTEGER"],
        v + 1: ["UPDATE patients SET ecog = 1"],
    })
    with Store.open(path) as s:
        assert s.schema_version == v + 2
        assert {r[0] for r in s.conn.execute("SELECT ecog FROM patients")} == {1}
        assert s.counts()["patients"] == 2
    backup = path.with_name(f"old.y90.v{v}.bak")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == v


def test_failed_migration_leaves_the_old_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_case_file(tmp_path / "old.y90", n=2)
    v = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", v + 1)
    monkeypatch.setattr(schema, "MIGRATIONS", {v: ["ALTER TABLE patients ADD COLUMN x TEXT", "SELECT * FROM nowhere"]})
    with pytest.raises(StoreError, match=f"upgrade from file format {v} failed"):
        Store.open(path)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", v)
    with Store.open(path) as s:
        assert s.schema_version == v
        assert "x" not in [r[1] for r in s.conn.execute("PRAGMA table_info(patients)")]


def test_creating_over_an_existing_file_is_refused(tmp_path: Path) -> None:
    path = make_case_file(tmp_path / "c.y90", n=1)
    with pytest.raises(StoreError, match="already exists"):
        Store.create(path)
