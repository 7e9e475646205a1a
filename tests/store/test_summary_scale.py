"""store.summary at scale: the query seeks in real indexes (none built per run), older files get
them when opened for writing, and a first screenful is ready before the whole table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.store.conftest import small_case
from y90gui.store.store import Store
from y90gui.store.summary import _SQL_FIRST, SummaryPrefetch, patient_summary


def _indexes(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        conn.close()


def test_first_screenful_query_builds_no_automatic_index(store: Store) -> None:
    store.replace_patients(small_case(n=3), "fixture")
    plan = " ".join(str(r[3]) for r in store.conn.execute("EXPLAIN QUERY PLAN " + _SQL_FIRST, (200,)))
    assert "AUTOMATIC" not in plan  # an automatic index is built over the whole table on every run
    assert "radioembolization_first" in plan
    whole = patient_summary(store.conn)
    assert store.conn.execute(_SQL_FIRST, (2,)).fetchall() == whole.rows[:2]


def test_older_file_gets_the_index_when_opened_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "old.y90"
    with Store.create(path) as s:
        s.replace_patients(small_case(n=3), "fixture")
        before = patient_summary(s.conn)
        s.conn.execute("DROP INDEX radioembolization_first")  # as a file made before the index
    assert "radioembolization_first" not in _indexes(path)
    with Store.open(path, read_only=True) as s:
        assert patient_summary(s.conn) == before  # answers without it
        prefetch = SummaryPrefetch(str(path))
        assert prefetch.first_rows(s.conn, 2) == type(before)(before.columns, before.rows[:2])
        assert prefetch.result(s.conn) == before
    assert "radioembolization_first" not in _indexes(path)  # reading never writes
    with Store.open(path) as s:
        assert patient_summary(s.conn) == before
        assert s.schema_version == s.conn.execute("PRAGMA user_version").fetchone()[0]
    assert "radioembolization_first" in _indexes(path)


def test_first_rows_of_the_prefetch_are_the_tables_first_rows(tmp_path: Path) -> None:
    path = tmp_path / "many.y90"
    with Store.create(path) as s:
        s.replace_patients(small_case(n=30), "fixture")
        whole = patient_summary(s.conn)
        prefetch = SummaryPrefetch(str(path), first_n=10)
        first = prefetch.first_rows(s.conn, 10)
        assert first is not None and first.rows == whole.rows[:10]
        assert prefetch.result(s.conn) == whole
        # more rows than were computed first: taken from the whole result
        assert SummaryPrefetch(str(path), first_n=10).first_rows(s.conn, 20) == type(whole)(whole.columns,
                                                                                          whole.rows[:20])
        stale = SummaryPrefetch(str(path), first_n=10)
        stale._first_done.wait(10)
        s.update_row("patients", "P001", {"center": "Leuven"})
        assert stale.first_rows(s.conn, 10) is None  # the file changed since: the caller reads again
        stale.close()
