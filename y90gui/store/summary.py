"""One row per patient for the review table, from a single SQL query (sqlite3 only).

The patient table is the first thing the window paints, so its rows must not wait for pandas
or the analysis package: everything that SQL can say directly (counts, sums, first procedure,
intervals) is computed here in one pass over the file. Columns that need the CTCAE and RECIST
rules (3-month response, worst lab grade) are filled in later by the GUI, off its thread.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from y90gui.core.definitions import PRRT_BEFORE_FIRST_RE

#: Column keys of a summary row, in order (the table shows them in this order too).
SUMMARY_COLUMNS: tuple[str, ...] = (
    "patient_id",
    "center",
    "sex",
    "age_first_re",
    "primary_site",
    "who_grade",
    "prrt_cycles",
    "prrt_gbq",
    "prrt_to_re_days",
    "re_procedures",
    "first_extent",
    "vital_status",
    "followup_years",
    "first_re_date",
    "notes",
    # None: analysed; else the exclusion reason ('' when none given): `analysis.inclusion`'s flag
    "excluded",
)

def _first_rows_sql() -> str:
    """The first `?` patients' rows in table order (the first screenful), by index lookups.

    Every per-patient figure is a correlated lookup in an index on (patient_id, ...) —
    `radioembolization_first` gives the first procedure's date and extent from the index
    alone — so 200 rows cost milliseconds at any size, where the whole table's grouped query
    (`_SQL`) takes a second or more at 100,000 patients: the window paints these first. The
    PRRT sums run over `prrt_patient` in row order, as in `_SQL`, so the rows are bit for bit
    the same.
    """
    first = "(SELECT min(r.date) FROM radioembolization r WHERE r.patient_id = pt.patient_id)"
    return f"""
WITH b AS MATERIALIZED (
    SELECT pt.patient_id, pt.center, pt.sex, pt.birth_year, pt.primary_site, pt.who_grade,
           pt.vital_status, pt.followup_date, pt.notes, pt.excluded_from_analysis, pt.exclusion_reason,
           {first} AS first_date,
           (SELECT count(*) FROM radioembolization r WHERE r.patient_id = pt.patient_id) AS n_re,
           (SELECT r.extent FROM radioembolization r WHERE r.patient_id = pt.patient_id
            ORDER BY r.date, r.procedure LIMIT 1) AS extent,
           (SELECT count(*) FROM prrt p WHERE p.patient_id = pt.patient_id) AS cycles,
           (SELECT sum(p.activity_gbq) FROM prrt p WHERE p.patient_id = pt.patient_id) AS gbq,
           (SELECT count(p.activity_gbq) FROM prrt p WHERE p.patient_id = pt.patient_id) AS n_gbq,
           (SELECT max(p.date) FROM prrt p
            WHERE p.patient_id = pt.patient_id AND p.date {PRRT_BEFORE_FIRST_RE} {first}) AS last_before
    FROM patients pt
    ORDER BY pt.patient_id LIMIT ?
)
SELECT patient_id,
       center,
       sex,
       CASE WHEN birth_year IS NOT NULL AND first_date IS NOT NULL
            THEN CAST(substr(first_date, 1, 4) AS INTEGER) - birth_year END,
       primary_site,
       who_grade,
       cycles,
       CASE WHEN n_gbq > 0 THEN gbq END,
       CASE WHEN last_before IS NOT NULL
            THEN CAST(julianday(first_date) - julianday(last_before) AS INTEGER) END,
       n_re,
       extent,
       vital_status,
       CASE WHEN first_date IS NOT NULL
            THEN (julianday(followup_date) - julianday(first_date)) / 365.25 END,
       first_date,
       notes,
       CASE WHEN excluded_from_analysis = 1 THEN coalesce(exclusion_reason, '') END
FROM b
ORDER BY patient_id
"""


_SQL_FIRST = _first_rows_sql()

#: The whole table: one grouped pass per child table (SQLite indexes the CTEs itself; the first
#: procedure's extent comes from `radioembolization_first`). For every row this beats the
#: per-patient lookups (1.3-1.5 s against 1.7-2.0 s at 100,000 patients, quiet machine), which
#: win only for a first screenful — and without their index would visit the table (20 s).
_SQL = f"""
WITH first_re AS (
    SELECT patient_id, MIN(date) AS first_date, COUNT(*) AS n_re FROM radioembolization GROUP BY patient_id
),
prrt_all AS (
    SELECT p.patient_id, COUNT(*) AS cycles, SUM(p.activity_gbq) AS gbq, COUNT(p.activity_gbq) AS n_gbq,
           MAX(CASE WHEN p.date {PRRT_BEFORE_FIRST_RE} f.first_date THEN p.date END) AS last_before
    FROM prrt p LEFT JOIN first_re f ON f.patient_id = p.patient_id
    GROUP BY p.patient_id
)
SELECT pt.patient_id,
       pt.center,
       pt.sex,
       CASE WHEN pt.birth_year IS NOT NULL AND f.first_date IS NOT NULL
            THEN CAST(substr(f.first_date, 1, 4) AS INTEGER) - pt.birth_year END,
       pt.primary_site,
       pt.who_grade,
       COALESCE(pa.cycles, 0),
       CASE WHEN pa.n_gbq > 0 THEN pa.gbq END,
       CASE WHEN pa.last_before IS NOT NULL
            THEN CAST(julianday(f.first_date) - julianday(pa.last_before) AS INTEGER) END,
       COALESCE(f.n_re, 0),
       (SELECT r.extent FROM radioembolization r WHERE r.patient_id = pt.patient_id
        ORDER BY r.date, r.procedure LIMIT 1),
       pt.vital_status,
       CASE WHEN f.first_date IS NOT NULL
            THEN (julianday(pt.followup_date) - julianday(f.first_date)) / 365.25 END,
       f.first_date,
       pt.notes,
       CASE WHEN pt.excluded_from_analysis = 1 THEN coalesce(pt.exclusion_reason, '') END
FROM patients pt
LEFT JOIN first_re f ON f.patient_id = pt.patient_id
LEFT JOIN prrt_all pa ON pa.patient_id = pt.patient_id
ORDER BY pt.patient_id
"""


def _has_index(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'radioembolization_first'"
                       ).fetchone()
    return row is not None


@dataclass(frozen=True)
class PatientSummary:
    """The table rows: `rows[i][SUMMARY_COLUMNS.index(key)]`, raw values (None when unknown)."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def index(self, key: str) -> int:
        return self.columns.index(key)

    def column(self, key: str) -> list[Any]:
        i = self.columns.index(key)
        return [r[i] for r in self.rows]


def patient_summary(conn: sqlite3.Connection) -> PatientSummary:
    """Every patient's summary row (ages in years from the birth year; follow-up from the first RE).

    Age is year of the first RE minus birth year, because the format keeps only the birth year.
    The PRRT -> RE interval is the report's definition (`core.definitions`, one comparison for
    this SQL and the report's pandas): the last cycle strictly before the first RE.
    """
    rows = conn.execute(_SQL).fetchall()
    return PatientSummary(SUMMARY_COLUMNS, rows)


def _stamp(conn: sqlite3.Connection) -> tuple[int, int]:
    """Changes to a case series always add a row to `actions`: its max id dates the content."""
    row = conn.execute("SELECT coalesce(max(id), 0), (SELECT count(*) FROM patients) FROM actions").fetchone()
    return int(row[0]), int(row[1])


#: Seconds the whole table's query waits for `result` once the first screenful is ready.
FULL_QUERY_DELAY = 5.0


class SummaryPrefetch:
    """Run `patient_summary` on its own connection and thread while the window is being built.

    sqlite3 releases the GIL while a query runs, so on a second core the table rows are ready
    by the time the window wants them. `result(conn)` hands them over only if the file has not
    changed since (same last action, same patient count); otherwise the caller queries again.
    The first `first_n` rows are computed first, on their own (a few milliseconds at any size),
    so that the window's first screenful never waits for the whole table.
    """

    def __init__(self, path: str, first_n: int = 200) -> None:
        import threading

        self.path = path
        self._summary: PatientSummary | None = None
        self._conn: sqlite3.Connection | None = None
        self._stamp: tuple[int, int] | None = None
        self._first_n = first_n
        self._first: list[tuple[Any, ...]] | None = None
        self._first_done = threading.Event()
        #: set when every row is wanted: until then the whole table's query waits (at most
        #: FULL_QUERY_DELAY s) instead of taking a core from the window being built and painted
        self._go = threading.Event()
        self._thread = threading.Thread(target=self._run, name="summary-prefetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            # mode=rw: never create a file that is not there (Store.open reports that properly)
            uri = f"{Path(self.path).resolve().as_uri()}?mode=rw"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("BEGIN")  # one read snapshot for the stamp and the rows
                self._stamp = _stamp(conn)
                if _has_index(conn):  # without it a first screenful costs as much as the whole
                    self._first = conn.execute(_SQL_FIRST, (self._first_n,)).fetchall()
                self._first_done.set()
                if self._first is not None:
                    self._go.wait(FULL_QUERY_DELAY)
                # One statement computes every row with the GIL released. Fetching row by row
                # here would need the GIL for each row and stall behind the GUI thread, which
                # holds it while it imports and builds the window; `result` reads the rows.
                conn.execute(f"CREATE TEMP TABLE summary_rows AS {_SQL}")
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        except (sqlite3.Error, OSError):
            self._conn = None  # not a case series, locked, unreadable: the caller's open reports it
            self._first = None
        finally:
            self._first_done.set()

    @property
    def patient_count(self) -> int | None:
        """How many patients the file had when the rows were computed (None: not computed)."""
        return self._stamp[1] if self._stamp is not None else None

    def first_rows(self, conn: sqlite3.Connection, n: int, timeout: float = 30.0) -> PatientSummary | None:
        """The first `n` rows in table order, for a first screenful; `result` still gives them all.

        Turning 10,000 rows into Python objects takes ~20 ms of the GUI thread, the rows on
        screen a fraction of a millisecond: the window paints these and reads the rest just after.
        """
        if self._summary is None and n <= self._first_n and self._thread.is_alive():
            self._first_done.wait(timeout)
            first = self._first
            if first is not None and self._stamp is not None:
                try:
                    if _stamp(conn) == self._stamp:
                        return PatientSummary(SUMMARY_COLUMNS, first[:n])
                except sqlite3.Error:
                    pass
                return None  # the file changed meanwhile: the caller reads the rows itself
        if not self._ready(conn, timeout):
            return None
        if self._summary is not None:
            return PatientSummary(SUMMARY_COLUMNS, self._summary.rows[:n])
        assert self._conn is not None
        try:
            rows = self._conn.execute("SELECT * FROM temp.summary_rows ORDER BY rowid LIMIT ?", (n,)).fetchall()
        except sqlite3.Error:
            self.close()
            return None
        return PatientSummary(SUMMARY_COLUMNS, rows)

    def result(self, conn: sqlite3.Connection, timeout: float = 30.0) -> PatientSummary | None:
        """Every row, if the file is still as it was when they were computed (else None: query again)."""
        if not self._ready(conn, timeout):
            return None
        mine, self._conn = self._conn, None
        if mine is not None:
            try:
                rows = mine.execute("SELECT * FROM temp.summary_rows ORDER BY rowid").fetchall()
                self._summary = PatientSummary(SUMMARY_COLUMNS, rows)
            except sqlite3.Error:
                self._summary = None
            finally:
                mine.close()  # ends the read snapshot and drops the temporary table
        return self._summary

    def close(self) -> None:
        """Give up the rows not read yet (another file was opened meanwhile)."""
        self._go.set()
        mine, self._conn = self._conn, None
        if mine is not None:
            mine.close()

    def _ready(self, conn: sqlite3.Connection, timeout: float) -> bool:
        """The query has finished and `conn` (the window's own connection) still sees the same file."""
        self._go.set()
        self._thread.join(timeout)
        if self._thread.is_alive() or (self._conn is None and self._summary is None):
            return False
        try:
            fresh = _stamp(conn) == self._stamp
        except sqlite3.Error:
            fresh = False
        if not fresh:
            self.close()
            self._summary = None
        return fresh
