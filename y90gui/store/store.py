"""A case series: one SQLite file, opened through `Store`.

Every write goes through `Store.action()`, one transaction that also records who did what in
`actions`, while the triggers of `store.schema` write each row change into `audit`. Undo and
redo replay the audit rows of an action backwards (or forwards) as a new action, so the audit
trail is never rewritten and undo survives a restart.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from y90gui.core.atomic import atomic_path
from y90gui.core.casefile import is_case_series
from y90gui.core.errors import disk_full, is_disk_full
from y90gui.core.sheets import PATIENT_CHILD_SHEETS, SHEET_BY_NAME, SHEETS, Sheet
from y90gui.core.validate import CaseData
from y90gui.store import places, schema
from y90gui.store.cohorts import CohortsMixin
from y90gui.store.errors import (
    NotACaseSeriesError,
    ReadOnlyError,
    StoreError,
)
from y90gui.store.header import check_header
from y90gui.store.lock import LockError, LockInfo, WriteLock, current_user, host_name, how_to_clear
from y90gui.store.sqlrows import audit_select, exact_number, from_sql, insert_sql, read_order, sql_rows, to_sql
from y90gui.store.undo import UndoMixin

if TYPE_CHECKING:
    from y90gui.store.summary import PatientSummary


@dataclass
class Change:
    """What one action wrote: the GUI refreshes just these tables and patients."""

    action_id: int | None
    description: str
    tables: set[str] = field(default_factory=set)
    patient_ids: set[str] = field(default_factory=set)


class Store(UndoMixin, CohortsMixin):
    """An open `.y90` file. Use `Store.open` / `Store.create`, and close it (or `with`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool, lock: WriteLock | None,
                 locked_by: LockInfo | None, read_only_reason: str | None = None) -> None:
        self.path = path
        self.conn = conn
        self.read_only = read_only
        self._lock = lock
        #: Who holds the write lock when this store was opened read-only because of it.
        self.locked_by = locked_by
        #: Why the store is read-only, in words for the user (the window's banner, the CLI):
        #: a read-only drive, folder or file, a full disk, or who holds the write lock.
        self.read_only_reason = read_only_reason if read_only else None
        if read_only and self.read_only_reason is None:
            self.read_only_reason = (f"{locked_by.describe()} has it open for writing" if locked_by
                                     else "it was opened for reading only")
        self._action_id: int | None = None
        self._action_time = ""
        # The audit triggers ask these for the action in progress (one time per action), and
        # write numbers through y90_exact so that undo gives back every digit.
        conn.create_function("y90_action", 0, lambda: self._action_id)
        conn.create_function("y90_now", 0, lambda: self._action_time or _now())
        conn.create_function("y90_exact", 1, exact_number, deterministic=True)

    # ----------------------------------------------------------------------------- opening

    @classmethod
    def create(cls, path: str | Path, *, exist_ok: bool = False) -> Store:
        """Create an empty case series (or open it when `exist_ok` and it exists)."""
        path = Path(path)
        if path.exists() and path.stat().st_size > 0:
            if exist_ok:
                return cls.open(path)
            raise StoreError(f"{path.name} already exists")
        # A half-created file never appears under the real name; a full disk is DiskFullError.
        with atomic_path(path, case_series=True) as tmp:
            conn = sqlite3.connect(tmp, isolation_level=None)
            _register_functions(conn)
            try:
                conn.execute("BEGIN")
                for stmt in schema.create_statements():
                    conn.execute(stmt)
                conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
                conn.execute("INSERT INTO meta VALUES ('created', ?), ('created_by', ?), ('created_on', ?)",
                             (dt.datetime.now().isoformat(timespec="seconds"), current_user(), host_name()))
                conn.execute("COMMIT")
            finally:
                conn.close()
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Store:
        """Open an existing case series; read-only when asked or when another process has it."""
        path = Path(path)
        if not path.exists():
            raise StoreError(f"{path} does not exist")
        if path.is_dir():
            raise NotACaseSeriesError(f"{path} is a folder, not a y90gui case series")
        header = check_header(path, schema.APPLICATION_ID, schema.SCHEMA_VERSION)
        lock: WriteLock | None = None
        locked_by: LockInfo | None = None
        reason: str | None = None
        if not read_only:
            lock, locked_by, reason = _take_write_lock(path)
            read_only = lock is None
        conn: sqlite3.Connection | None = None
        try:
            conn = places.connect_read_only(path) if read_only else sqlite3.connect(path, isolation_level=None)
            _register_functions(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 5000")
            if not read_only:
                # WAL needs shared memory between the processes using the file, which network
                # file systems do not give between computers: a rollback journal there.
                mode = "DELETE" if places.is_network_filesystem(path) else "WAL"
                conn.execute(f"PRAGMA journal_mode = {mode}")
                conn.execute("PRAGMA synchronous = FULL")
            store = cls(path, conn, read_only, lock, locked_by, reason)
            if header.user_version < schema.SCHEMA_VERSION:
                if read_only:
                    raise StoreError(
                        f"{path.name} has the older file format {header.user_version}: open it for writing once "
                        "to upgrade it"
                    )
                store._migrate(header.user_version)
            if not read_only:
                _ensure_indexes(conn)
            return store
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if lock:
                lock.release()
            if is_disk_full(exc):
                raise disk_full(f"{path.name} is unchanged") from None
            raise NotACaseSeriesError(f"{path.name} cannot be read as a case series: {exc}") from None
        except Exception:
            if conn is not None:
                conn.close()
            if lock:
                lock.release()
            raise

    def _migrate(self, version: int) -> None:
        """Upgrade step by step in one exclusive transaction, after a copy of the old file."""
        start = version
        backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
        self.backup(backup)
        self.conn.execute("BEGIN EXCLUSIVE")
        try:
            while version < schema.SCHEMA_VERSION:
                if version not in schema.MIGRATIONS:
                    raise StoreError(f"no upgrade path from file format {version}")
                for stmt in schema.MIGRATIONS[version]:
                    self.conn.execute(stmt)
                version += 1
            self.conn.execute(f"PRAGMA user_version = {version}")
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.conn.execute("ROLLBACK")
            raise StoreError(
                f"upgrade from file format {start} failed ({exc}); the file is unchanged, a copy is at {backup.name}"
            ) from None
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        try:
            if not self.read_only:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self.conn.close()
        if self._lock:
            self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # ----------------------------------------------------------------------------- writing

    @contextmanager
    def action(self, description: str, kind: str = "edit", reverses: int | None = None) -> Iterator[Change]:
        """One user action = one transaction = one row in `actions`; undone as a whole."""
        self.check_writable()
        if self._action_id is not None:
            raise StoreError("actions cannot be nested")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self._action_time = _now()
            cur = self.conn.execute(
                "INSERT INTO actions(time, user, host, description, kind, reverses) VALUES (?, ?, ?, ?, ?, ?)",
                (self._action_time, current_user(), host_name(), description, kind, reverses),
            )
            self._action_id = cur.lastrowid
            change = Change(self._action_id, description)
            yield change
            self.conn.execute("COMMIT")
        except BaseException as exc:
            # SQLite rolls back by itself on some errors (a full disk): a second ROLLBACK would
            # only hide the cause behind "cannot rollback - no transaction is active".
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error) and is_disk_full(exc):
                raise disk_full(f"{self.path.name} is unchanged") from None
            raise
        finally:
            self._action_id = None
            self._action_time = ""

    def check_writable(self) -> None:
        """Raise ReadOnlyError saying why, before anything is done, when the store cannot be written."""
        if self.read_only and self.read_only_reason == _DISK_FULL:
            raise disk_full(f"{self.path.name} is unchanged")
        if self.read_only:
            raise ReadOnlyError(f"{self.path.name} is open read-only: {self.read_only_reason}")

    def replace_patients(self, data: CaseData, description: str = "import", kind: str = "import") -> Change:
        """Replace the whole record of every patient in `data` (spec: import semantics).

        Patients not in `data` are untouched. Reference ranges in `data` replace the rows with
        the same centre, test and unit.
        """
        with self.action(description, kind=kind) as change:
            self.write_patients(data, change)
        return change

    def write_patients(self, data: CaseData, change: Change) -> None:
        """The body of `replace_patients`, for callers that hold an action already.

        Large writes (an import of thousands of patients) take the set-based path: the same
        rows and the same audit rows, at a fraction of the per-row trigger cost.
        """
        if sum(len(data.get(s.name, ())) for s in SHEETS) >= BULK_ROWS and self._action_id is not None:
            self._write_patients_bulk(data, change)
            return
        pids = [r["patient_id"] for r in data.get("patients", [])]
        self._delete_patients(pids)
        for sheet in SHEETS:
            rows = data.get(sheet.name, [])
            if not rows:
                continue
            if sheet.name == "reference_ranges":
                self.conn.executemany(
                    "DELETE FROM reference_ranges WHERE center = ? AND test = ? AND unit = ?",
                    [(r["center"], r["test"], r["unit"]) for r in rows],
                )
            self.conn.executemany(insert_sql(sheet.name, sheet.column_names), sql_rows(sheet, rows))
            change.tables.add(sheet.name)
        change.patient_ids.update(pids)

    def _write_patients_bulk(self, data: CaseData, change: Change) -> None:
        """`write_patients` with the audit rows written set-based instead of by the row triggers.

        Inside the action's transaction the audit triggers are dropped, the deletes and inserts
        run as bulk statements, each followed (deletes: preceded) by one INSERT INTO audit ...
        SELECT producing exactly the rows the triggers would (same JSON, same order), and the
        triggers are created again before the transaction commits. A failure or crash rolls the
        whole transaction back, triggers included, so the file never lacks them.
        """
        conn = self.conn
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit%'").fetchall()
        stamp = (self._action_id, self._action_time or _now(), current_user())
        for name, _ in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        # A larger page cache for this connection while the B-trees grow (SQLite's default is
        # 2 MiB); set back below. Valid inside the transaction, unlike journal or sync settings.
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        incoming = {s.name: len(data.get(s.name, ())) for s in SHEETS}
        # Secondary indexes of a table that at least doubles are dropped and built again after
        # the inserts (one sort instead of a B-tree insert per row); same transaction, so a
        # failure or crash brings them back with the rest. The audit grows by ~2 rows a row.
        audit_indexes = self._indexes_to_rebuild({"audit": 2 * sum(incoming.values())})
        for name, _ in audit_indexes:
            conn.execute(f'DROP INDEX "{name}"')
        # No try/finally: on any failure the action's rollback brings the dropped triggers back.
        pids = [r["patient_id"] for r in data.get("patients", [])]
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS _bulk_pids(pid TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp._bulk_pids")
        conn.executemany("INSERT OR IGNORE INTO temp._bulk_pids VALUES (?)", [(p,) for p in pids])
        for sheet in (*reversed(PATIENT_CHILD_SHEETS), SHEET_BY_NAME["patients"]):
            where = "patient_id IN (SELECT pid FROM temp._bulk_pids)"
            conn.execute(audit_select(sheet, "delete", where), stamp)
            conn.execute(f'DELETE FROM "{sheet.name}" WHERE {where}')
        refs = data.get("reference_ranges", [])
        if refs:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS _bulk_refs(center TEXT, test TEXT, unit TEXT)")
            conn.execute("DELETE FROM temp._bulk_refs")
            conn.executemany("INSERT INTO temp._bulk_refs VALUES (?, ?, ?)",
                             [(r["center"], r["test"], r["unit"]) for r in refs])
            where = "(center, test, unit) IN (SELECT center, test, unit FROM temp._bulk_refs)"
            conn.execute(audit_select(SHEET_BY_NAME["reference_ranges"], "delete", where), stamp)
            conn.execute(f"DELETE FROM reference_ranges WHERE {where}")
        sheet_indexes = self._indexes_to_rebuild(incoming)  # after the deletes, which seek in them
        for name, _ in sheet_indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for sheet in SHEETS:
            rows = data.get(sheet.name, [])
            if not rows:
                continue
            before = conn.execute(f'SELECT coalesce(max(rowid), 0) FROM "{sheet.name}"').fetchone()[0]
            # Straight in with the CHECK constraints off, then one query tests the new rows
            # against the same expressions (`_refuse_unchecked`): SQLite 3.40 evaluates a CHECK's
            # IN-list as if anew for every row (3x the whole insert), a plain WHERE builds it
            # once. A refusal raises inside the action's transaction, which then writes nothing.
            with _checks_off(conn):
                conn.executemany(insert_sql(sheet.name, sheet.column_names), sql_rows(sheet, rows))
            _refuse_unchecked(conn, sheet, int(before))
            conn.execute(audit_select(sheet, "insert", f"rowid > {int(before)}"), stamp)
            change.tables.add(sheet.name)
        change.patient_ids.update(pids)
        for _, sql in (*sheet_indexes, *audit_indexes):
            conn.execute(sql)
        for _, sql in triggers:
            conn.execute(sql)
        conn.execute(f"PRAGMA cache_size = {int(cache)}")

    def _indexes_to_rebuild(self, incoming: dict[str, int]) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the secondary indexes on the tables that get at least as
        many new rows as they hold (`incoming`: table -> rows to add)."""
        out: list[tuple[str, str]] = []
        for table, adding in incoming.items():
            if adding < BULK_ROWS:
                continue
            held = self.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if adding >= held:
                out.extend(self.conn.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
                    "ORDER BY name", (table,)).fetchall())
        return out

    def delete_patients(self, patient_ids: Sequence[str], description: str | None = None) -> Change:
        with self.action(description or f"delete {len(patient_ids)} patient(s)") as change:
            self._delete_patients(patient_ids)
            change.tables.update(s.name for s in SHEETS[:7])
            change.patient_ids.update(patient_ids)
        return change

    def _delete_patients(self, patient_ids: Sequence[str]) -> None:
        if not patient_ids:
            return
        params = [(p,) for p in patient_ids]
        for sheet in reversed(PATIENT_CHILD_SHEETS):
            self.conn.executemany(f'DELETE FROM "{sheet.name}" WHERE patient_id = ?', params)
        self.conn.executemany("DELETE FROM patients WHERE patient_id = ?", params)

    def insert_row(self, table: str, values: dict[str, Any], description: str | None = None) -> tuple[Change, str]:
        """Insert one parsed row (values from `core.validate.validate_record`)."""
        sheet = _data_sheet(table)
        names = [c.name for c in sheet.columns]
        with self.action(description or f"add {table} row") as change:
            cur = self.conn.execute(insert_sql(table, names),
                                    [to_sql(c.type, values.get(c.name)) for c in sheet.columns])
            key = values["patient_id"] if table == "patients" else str(cur.lastrowid)
            change.tables.add(table)
            if values.get("patient_id"):
                change.patient_ids.add(values["patient_id"])
        return change, key

    def update_row(self, table: str, key: str | int, values: dict[str, Any], description: str | None = None) -> Change:
        """Set some columns of one row (parsed values); key = patient_id or row id."""
        sheet = _data_sheet(table)
        key_col = "patient_id" if table == "patients" else "id"
        sets = ", ".join(f'"{n}" = ?' for n in values)
        params = [to_sql(sheet.by_name[n].type, v) for n, v in values.items()]
        with self.action(description or f"edit {table} {key}") as change:
            pid = self._patient_of(table, key)
            cur = self.conn.execute(f'UPDATE "{table}" SET {sets} WHERE {key_col} = ?', [*params, key])
            if cur.rowcount != 1:
                raise StoreError(f"{table} row {key} no longer exists")
            change.tables.add(table)
            if pid:
                change.patient_ids.add(pid)
            if table == "patients" and "patient_id" in values:
                change.patient_ids.add(values["patient_id"])
                change.tables.update(s.name for s in PATIENT_CHILD_SHEETS)
        return change

    def delete_row(self, table: str, key: str | int, description: str | None = None) -> Change:
        _data_sheet(table)
        if table == "patients":
            return self.delete_patients([str(key)], description)
        with self.action(description or f"delete {table} row {key}") as change:
            pid = self._patient_of(table, key)
            self.conn.execute(f'DELETE FROM "{table}" WHERE id = ?', (key,))
            change.tables.add(table)
            if pid:
                change.patient_ids.add(pid)
        return change

    def _patient_of(self, table: str, key: str | int) -> str | None:
        if table == "patients":
            return str(key)
        if table == "reference_ranges":
            return None
        row = self.conn.execute(f'SELECT patient_id FROM "{table}" WHERE id = ?', (key,)).fetchone()
        return row[0] if row else None

    # ----------------------------------------------------------------------------- reading

    def counts(self) -> dict[str, int]:
        out = {}
        for sheet in SHEETS:
            out[sheet.name] = int(self.conn.execute(f'SELECT count(*) FROM "{sheet.name}"').fetchone()[0])
        return out

    def patient_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT patient_id FROM patients ORDER BY patient_id")]

    def read_table(self, table: str, patient_ids: Iterable[str] | None = None, *, with_ids: bool = False
                   ) -> list[dict[str, Any]]:
        """Rows of one sheet as parsed values (dates as `datetime.date`, yes/no as bool)."""
        sheet = SHEET_BY_NAME[table]
        names = list(sheet.column_names)
        cols = ", ".join(f'"{n}"' for n in names)
        if with_ids and table != "patients":
            cols = "id, " + cols
        order = read_order(table)
        sql = f'SELECT {cols} FROM "{table}"'
        params: list[Any] = []
        if patient_ids is not None and table != "reference_ranges":
            ids = list(patient_ids)
            self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _sel(pid TEXT PRIMARY KEY)")
            self.conn.execute("DELETE FROM temp._sel")
            self.conn.executemany("INSERT OR IGNORE INTO temp._sel VALUES (?)", [(p,) for p in ids])
            sql += " WHERE patient_id IN (SELECT pid FROM temp._sel)"
        sql += f" ORDER BY {order}"
        types = [sheet.by_name[n].type for n in names]
        converters = [(i + (1 if with_ids and table != "patients" else 0), n, t)
                      for i, (n, t) in enumerate(zip(names, types, strict=True))]
        out = []
        for row in self.conn.execute(sql, params):
            d = {n: (from_sql(t, row[i]) if t in ("date", "yesno") else row[i]) for i, n, t in converters}
            if with_ids and table != "patients":
                d["id"] = row[0]
            out.append(d)
        return out

    def read_case_data(self, patient_ids: Iterable[str] | None = None) -> CaseData:
        """The whole case series (or some patients) in the format-neutral `CaseData` shape."""
        ids = list(patient_ids) if patient_ids is not None else None
        return {s.name: self.read_table(s.name, ids) for s in SHEETS}

    # ----------------------------------------------------------------------------- the CaseSeries reads
    # (store.backend.CaseSeries: the same calls answered by registry.database.Registry in its SQL)

    @property
    def name(self) -> str:
        """How reports and exports name the source: the file's name."""
        return self.path.name

    def mark(self) -> int | None:
        """The last action's id (None for a file never written): an import plan made at one mark
        is applied only at it."""
        row = self.conn.execute("SELECT max(id) FROM actions").fetchone()
        return None if row is None or row[0] is None else int(row[0])

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A series of reads on the current thread: this store, or (on a worker thread, where
        the sqlite3 connection of another thread cannot be used) the same file opened read-only
        for the duration."""
        try:
            self.conn.execute("SELECT 1")
        except sqlite3.ProgrammingError:
            with Store.open(self.path, read_only=True) as own:
                yield own
            return
        yield self

    def _selection(self, patient_ids: Sequence[str] | None) -> str:
        """A WHERE limiting rows to `patient_ids` (through a temp table; "" for all)."""
        if patient_ids is None:
            return ""
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _sel(pid TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM temp._sel")
        self.conn.executemany("INSERT OR IGNORE INTO temp._sel VALUES (?)", [(p,) for p in patient_ids])
        return " WHERE patient_id IN (SELECT pid FROM temp._sel)"

    def sheet_rows(self, sheet: Sheet, patient_ids: Sequence[str] | None = None) -> list[tuple[Any, ...]]:
        """One sheet in the analysis' shape (`analysis.frames.frame_from_rows`): dates as day
        numbers since 1970-01-01 (julianday), numbers, integers and yes/no as floats, texts as
        they are; patients by ID, every other sheet in the order its rows were written."""
        return [row for chunk in self.sheet_chunks(sheet, patient_ids) for row in chunk]

    def sheet_chunks(self, sheet: Sheet, patient_ids: Sequence[str] | None = None,
                     size: int = 100_000) -> Iterator[list[tuple[Any, ...]]]:
        """`sheet_rows` in chunks of `size` rows: the labs of 100,000 patients are ~4 million
        rows, and as one list of tuples they alone took over 2 GB (`analysis.frames`)."""
        exprs = []
        for c in sheet.columns:
            q = f'"{c.name}"'
            if c.type == "date":
                exprs.append(f"julianday({q}) - 2440587.5 AS {q}")  # julianday('1970-01-01')
            elif c.type in ("number", "integer", "yesno"):
                exprs.append(f"CAST({q} AS REAL) AS {q}")
            else:
                exprs.append(q)
        where = self._selection(patient_ids) if sheet.name != "reference_ranges" else ""
        order = "rowid" if sheet.name != "patients" else "patient_id"
        cur = self.conn.execute(f'SELECT {", ".join(exprs)} FROM "{sheet.name}"{where} ORDER BY {order}')
        while chunk := cur.fetchmany(size):
            yield chunk

    def iter_rows(self, sheet: Sheet, patient_ids: Sequence[str] | None = None) -> Iterator[tuple[Any, ...]]:
        """A sheet's rows as value tuples in column order (dates `datetime.date`, yes/no 0/1 or
        bool), in `read_table`'s order: the exporter's rows, without building dicts."""
        cols = ", ".join(f'"{n}"' for n in sheet.column_names)
        where = self._selection(patient_ids) if sheet.name != "reference_ranges" else ""
        dates = [i for i, c in enumerate(sheet.columns) if c.type == "date"]
        fromiso = dt.date.fromisoformat
        cur = self.conn.execute(f'SELECT {cols} FROM "{sheet.name}"{where} ORDER BY {read_order(sheet.name)}')
        while chunk := cur.fetchmany(5000):
            if not dates:
                yield from chunk
                continue
            for t in chunk:
                row = list(t)
                for i in dates:
                    if row[i] is not None:
                        row[i] = fromiso(row[i])
                yield tuple(row)

    def patient_summary(self) -> PatientSummary:
        """The review table's rows (`store.summary`, one SQL query)."""
        from y90gui.store.summary import patient_summary

        return patient_summary(self.conn)

    def remember(self, key: str, value: str) -> bool:
        """Keep `value` under `key` in the file's `meta` table; False when the file is read-only."""
        if self.read_only:
            return False
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return True

    # ----------------------------------------------------------------------------- safety

    def integrity(self) -> str:
        """"ok", or what SQLite found wrong; a file too damaged to be checked through says so
        (the check is what a user runs on a file they doubt: it must not fail on one)."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
            fk = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.DatabaseError as exc:
            return f"damaged: the check stopped at: {exc}"
        if rows == ["ok"] and not fk:
            return "ok"
        problems = [r for r in rows if r != "ok"]
        if fk:
            problems.append(f"{len(fk)} row(s) violate foreign keys")
        return "; ".join(problems)

    def backup(self, dest: str | Path) -> Path:
        """SQLite online backup: a consistent copy even while this store is in use."""
        dest = Path(dest)
        if dest.resolve() == self.path.resolve():
            raise StoreError("a backup cannot overwrite the file it copies")
        # Replacing another case series is writing it: only with its write lock, as any writer.
        # Renamed over a file someone has open, the copy would take its place while their later
        # changes went on into the file no longer under that name, and were lost.
        guard = WriteLock(dest) if is_case_series(dest) else None
        if guard is not None:
            try:
                holder = guard.acquire()
            except LockError:
                holder = None  # no lock can be made there: nor can the file be replaced
            if holder is not None:
                raise StoreError(f"{dest.name} is open for writing by {holder.describe()}: it is not replaced "
                                 "by the backup (nothing was written); close it there, or choose another name")
        try:
            dest.with_name(dest.name + ".partial").unlink(missing_ok=True)  # what earlier versions left
            with atomic_path(dest, case_series=True) as tmp:  # complete or absent; a full disk is DiskFullError
                target = sqlite3.connect(tmp)
                try:
                    self.conn.backup(target)
                    target.execute("PRAGMA journal_mode = DELETE")
                finally:
                    target.close()
        finally:
            if guard is not None:
                guard.release()
        return dest

    @property
    def journal_mode(self) -> str:
        """"wal", or "delete" on a network file system (see `store.places`)."""
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()


#: From this many rows on, `write_patients` writes set-based (see `_write_patients_bulk`).
BULK_ROWS = 5000
#: The page cache of a bulk write (KiB; SQLite's default is 2 MiB): the growing B-trees' upper levels
#: stay in memory. Bounded, so a 100,000-patient import stays within its 1.5 GiB peak.
BULK_CACHE_KIB = 64 * 1024


def _data_sheet(table: str) -> Sheet:
    """The sheet of a table the API may edit; the bookkeeping tables (audit trail) are refused."""
    sheet = SHEET_BY_NAME.get(table)
    if sheet is None:
        if table in schema.BOOKKEEPING_TABLES:
            raise StoreError(f"{table} is the case series' own record of changes: it cannot be edited")
        raise StoreError(f"{table} is not a sheet of the case series")
    return sheet


_DISK_FULL = "the disk is full, so it cannot be opened for writing"


def _refuse_unchecked(conn: sqlite3.Connection, sheet: Sheet, before: int) -> None:
    """Raise the IntegrityError SQLite's CHECK would, naming the first row of `sheet` written after
    rowid `before` that fails one of its table's CHECK constraints (`schema.check_predicates`)."""
    checks = schema.check_predicates(sheet)
    if not checks:
        return
    # WHERE NOT (...) skips a NULL result as a CHECK passes it: only a false one fails.
    found = conn.execute(
        "SELECT rowid, " + ", ".join(f"NOT ({p})" for _, p in checks) + f' FROM "{sheet.name}" WHERE rowid > ?'
        " AND NOT (" + " AND ".join(f"({p})" for _, p in checks) + ") ORDER BY rowid LIMIT 1", (before,)).fetchone()
    if found is None:
        return
    column, predicate = next(c for c, failed in zip(checks, found[1:], strict=True) if failed)
    value = conn.execute(f'SELECT "{column}" FROM "{sheet.name}" WHERE rowid = ?', (found[0],)).fetchone()[0]
    raise sqlite3.IntegrityError(f"CHECK constraint failed: {sheet.name}.{column} = {value!r} "
                                 f"(row {found[0] - before} of the write): {predicate}")


@contextmanager
def _checks_off(conn: sqlite3.Connection) -> Iterator[None]:
    """CHECK constraints off for one write whose rows `_refuse_unchecked` tests right after; on
    again afterwards whatever happens (NOT NULL, STRICT types, keys and foreign keys stay on)."""
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


def _take_write_lock(path: Path) -> tuple[WriteLock | None, LockInfo | None, str | None]:
    """(lock, None, None) when this process may write `path`; else (None, holder or None, why not)."""
    reason = places.read_only_reason(path)
    if reason is not None:
        return None, None, reason
    lock = WriteLock(path)
    try:
        holder = lock.acquire()
    except LockError as exc:
        if is_disk_full(exc):
            return None, None, _DISK_FULL
        return None, None, f"the lock file {lock.path.name} cannot be created beside it ({exc.strerror})"
    if holder is None:
        return lock, None, None
    reason = f"{holder.describe()} has it open for writing"
    hint = how_to_clear(path, holder)
    return None, holder, f"{reason}; {hint}" if hint else reason


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _register_functions(conn: sqlite3.Connection) -> None:
    user = current_user()
    conn.create_function("y90_user", 0, lambda: user)
    conn.create_function("y90_now", 0, _now)
    conn.create_function("y90_action", 0, lambda: None)


def _ensure_indexes(conn: sqlite3.Connection) -> None:
    """Indexes added without a format change (`schema.SUMMARY_INDEXES`), built once for older files.

    Best effort: without them every query still answers, only the patient table's summary is
    slower, so a file that cannot take them now (a full disk) opens all the same.
    """
    try:
        schema.ensure_indexes(conn)
    except sqlite3.Error:
        pass
