"""An open registry: the PostgreSQL counterpart of `store.store.Store` (see `backend.CaseSeries`).

The same reading methods as the file (counts, patient IDs, tables, `CaseData`, the analysis'
column arrays) and the same write discipline: every write is one action = one transaction =
one row in `actions`, the audit rows are written by the server's triggers. What the file
cannot need and the registry must have: every row carries a version, and `update_row` takes
the version the user read, so a concurrent change is refused with who made it and when
instead of being overwritten; and every query runs as the user's own login, so row-level
security decides what exists for them (an editor of one centre never sees another's patients,
not even in a count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from y90gui.core.definitions import PRRT_BEFORE_FIRST_RE
from y90gui.core.sheets import PATIENT_CHILD_SHEETS, SHEET_BY_NAME, SHEETS, Sheet
from y90gui.registry.connection import connect, translated
from y90gui.registry.errors import ConflictError, NotARegistryError, RegistryAccessError, RegistryError
from y90gui.registry.schema import SCHEMA, SCHEMA_VERSION, quote_ident, table
from y90gui.registry.url import RegistryUrl, parse_registry_url
from y90gui.store.sqlrows import read_order

if TYPE_CHECKING:
    from y90gui.core.validate import CaseData
    from y90gui.registry.connection import Connection
    from y90gui.store.backend import CaseSeries
    from y90gui.store.cohorts import SavedCohort
    from y90gui.store.history import ReverseCounts
    from y90gui.store.store import Change
    from y90gui.store.summary import PatientSummary



@dataclass(frozen=True)
class Membership:
    """What the connected login is in this registry (from `members`)."""

    login: str
    role: str | None  # None: no role here (the owner, or nobody)
    centres: tuple[str, ...]
    admin: bool  # owns the registry's schema (or is a superuser)

    def describe(self) -> str:
        if self.role is None:
            return f"{self.login} (owner)" if self.admin else f"{self.login} (no role)"
        where = f" of {', '.join(self.centres)}" if self.centres else ""
        return f"{self.login} ({self.role}{where})"


def _cols(names: Iterable[str]) -> str:
    return ", ".join(quote_ident(n) for n in names)


class Registry:
    """A connection to a registry as one login. Use `Registry.open(url)`; close it (or `with`)."""

    read_only = False
    #: What a window says about this session (set by the window's registry controller).
    read_only_reason: str | None = None
    #: A registry has no write lock: concurrency is per row (row versions).
    locked_by: None = None
    #: The window's import, export, snapshot and undo all work on it.
    review_only = False
    #: `services.registry_session.is_registry`: the window's long work opens its own connection.
    is_registry = True

    def __init__(self, url: RegistryUrl, conn: Connection, password: str | None = None) -> None:
        self.url = url
        self.conn = conn
        self._password = password  # in memory only, for `reopen` (a worker's own connection)
        self._action_id: int | None = None
        self._descriptions: dict[int, str] = {}

    @classmethod
    def open(cls, url: str | RegistryUrl, *, password: str | None = None) -> Registry:
        target = url if isinstance(url, RegistryUrl) else parse_registry_url(url)
        conn = connect(target, password=password)
        try:
            registry = cls(target, conn, password)
            version = registry.schema_version
            if version is None:
                raise NotARegistryError(f"{target.label} holds no y90gui registry: run `y90gui registry init`")
            if version > SCHEMA_VERSION:
                raise RegistryError(f"{target.label} was set up by a newer y90gui (schema {version}, this "
                                    f"version knows up to {SCHEMA_VERSION}): update y90gui")
            if version < SCHEMA_VERSION:
                raise RegistryError(f"{target.label} has the older schema {version}: its owner upgrades it "
                                    "with `y90gui registry init`")
            return registry
        except BaseException:
            conn.close()
            raise

    @property
    def name(self) -> str:
        """What reports and exports call the case series (the file's name, for a file)."""
        return self.url.label

    def reopen(self) -> Registry:
        """A second connection as the same login (a worker thread's own: one connection runs
        one transaction at a time)."""
        return Registry.open(self.url, password=self._password)

    def is_alive(self) -> bool:
        """Whether the server still answers (a cheap round trip); False once the connection dropped."""
        if self.conn.closed or self.conn.broken:
            return False
        try:
            self.conn.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - any failure of the round trip means the connection is gone
            return False
        return True

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------------------- state

    @property
    def schema_version(self) -> int | None:
        with translated(f"reading {self.url.label}"):
            row = self.conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.meta",)).fetchone()
            if not row or not row[0]:
                return None
            got = self.conn.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema_version'").fetchone()
        return int(got[0]) if got else None

    def membership(self) -> Membership:
        with translated("reading the roles"):
            row = self.conn.execute(
                f"SELECT session_user, {SCHEMA}.is_admin(), {SCHEMA}.my_role(), {SCHEMA}.my_centres()").fetchone()
        assert row is not None
        login, admin, role, centres = row
        return Membership(login, role, tuple(sorted(centres or ())), bool(admin))

    def mark(self, before: int | None = None) -> int:
        """The registry's last action id (of anyone; below `before`): an import plan made at one
        mark is applied only at it."""
        with translated("reading the registry"):
            row = self.conn.execute(f"SELECT {SCHEMA}.last_action(%s)", (before,)).fetchone()
        return int(row[0]) if row else 0

    def integrity(self) -> str:
        """The server enforces the constraints; what can go missing is the audit (a disabled trigger)."""
        with translated("checking the registry"):
            rows = self.conn.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND NOT t.tgisinternal AND t.tgenabled = 'D'", (SCHEMA,)).fetchall()
        if rows:
            return "disabled trigger(s): " + ", ".join(f"{t}.{g}" for t, g in rows)
        return "ok"

    # ----------------------------------------------------------------------------- reading

    def counts(self) -> dict[str, int]:
        """Row counts per sheet, of what this login may see (row-level security counts too)."""
        sql = " UNION ALL ".join(f"SELECT {i}, count(*) FROM {table(s.name)}" for i, s in enumerate(SHEETS))
        with translated("counting"):
            rows: dict[int, int] = dict(self.conn.execute(sql).fetchall())
        return {s.name: int(rows[i]) for i, s in enumerate(SHEETS)}

    def patient_ids(self) -> list[str]:
        with translated("reading the patients"):
            return [r[0] for r in self.conn.execute(f"SELECT patient_id FROM {table('patients')} ORDER BY patient_id")]

    def _select(self, sheet: Sheet, exprs: str, patient_ids: Sequence[str] | None, order: str
                ) -> tuple[str, tuple[Any, ...]]:
        sql = f"SELECT {exprs} FROM {table(sheet.name)}"
        params: tuple[Any, ...] = ()
        if patient_ids is not None and sheet.name != "reference_ranges":
            sql += " WHERE patient_id = ANY(%s)"
            params = (list(patient_ids),)
        return f"{sql} ORDER BY {order}", params

    def read_table(self, table_name: str, patient_ids: Iterable[str] | None = None, *, with_ids: bool = False,
                   with_versions: bool = False) -> list[dict[str, Any]]:
        """Rows of one sheet as parsed values (dates `datetime.date`, yes/no bool), as `Store.read_table`.

        `with_versions` adds `row_version`, `changed_by`, `changed_at`: what an editor needs to
        send `update_row` the version it read.
        """
        sheet = SHEET_BY_NAME[table_name]
        names = list(sheet.column_names)
        if with_ids and table_name != "patients":
            names = ["id", *names]
        if with_versions:
            names += ["row_version", "changed_by", "changed_at"]
        ids = list(patient_ids) if patient_ids is not None else None
        order = read_order(table_name)
        sql, params = self._select(sheet, _cols(names), ids, order)
        with translated(f"reading {table_name}"):
            cur = self.conn.execute(sql, params)
            return [dict(zip(names, row, strict=True)) for row in cur]

    def read_case_data(self, patient_ids: Iterable[str] | None = None) -> CaseData:
        ids = list(patient_ids) if patient_ids is not None else None
        with self.snapshot():
            return {s.name: self.read_table(s.name, ids) for s in SHEETS}

    def sheet_rows(self, sheet: Sheet, patient_ids: Sequence[str] | None = None) -> list[tuple[Any, ...]]:
        """`sheet_chunks` as one list."""
        return [row for chunk in self.sheet_chunks(sheet, patient_ids) for row in chunk]

    def sheet_chunks(self, sheet: Sheet, patient_ids: Sequence[str] | None = None,
                     size: int = 100_000) -> Iterator[list[tuple[Any, ...]]]:
        """One sheet in the analysis' shape (`analysis.frames`): dates as day numbers since
        1970-01-01, numbers, integers and yes/no as floats (None when missing), texts as they
        are; patients by ID, every other sheet in the order its rows were written."""
        exprs = []
        for c in sheet.columns:
            q = quote_ident(c.name)
            if c.type == "date":
                exprs.append(f"({q} - DATE '1970-01-01')::float8")
            elif c.type == "yesno":
                exprs.append(f"{q}::int::float8")
            elif c.type in ("number", "integer"):
                exprs.append(f"{q}::float8")
            else:
                exprs.append(q)
        order = "patient_id" if sheet.name == "patients" else "id"
        sql, params = self._select(sheet, ", ".join(exprs), patient_ids, order)
        with translated(f"reading {sheet.name}"):
            cur = self.conn.execute(sql, params)
            while chunk := cur.fetchmany(size):
                yield chunk

    def iter_rows(self, sheet: Sheet, patient_ids: Sequence[str] | None = None) -> Iterator[tuple[Any, ...]]:
        """A sheet's rows as value tuples in the sheet's column order (dates `datetime.date`,
        yes/no bool), in the order `read_table` gives: the exporter's rows, without dicts."""
        order = read_order(sheet.name)
        sql, params = self._select(sheet, _cols(sheet.column_names), patient_ids, order)
        with translated(f"reading {sheet.name}"):
            cur = self.conn.execute(sql, params)
            while chunk := cur.fetchmany(5000):
                yield from chunk

    def patient_summary(self) -> PatientSummary:
        """The review table's rows, as `store.summary.patient_summary` computes them from a file."""
        from y90gui.store.summary import SUMMARY_COLUMNS, PatientSummary

        with translated("reading the patients"):
            rows = self.conn.execute(_SUMMARY_SQL).fetchall()
        return PatientSummary(SUMMARY_COLUMNS, rows)

    @contextmanager
    def reader(self) -> Iterator[Registry]:
        """`CaseSeries.reader`: reads from one snapshot (a psycopg connection serves any thread)."""
        with self.snapshot():
            yield self

    def remember(self, key: str, value: str) -> bool:
        """A de-identification's mapping is not kept on a shared registry (it would be readable
        by every coordinator); the exporter says so."""
        return False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one consistent state of the registry (REPEATABLE READ, read only)."""
        if self.conn.info.transaction_status != 0:  # already inside a transaction: that one's snapshot
            yield
            return
        with translated("reading the registry"), self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    # ----------------------------------------------------------------------------- writing

    @contextmanager
    def action(self, description: str, kind: str = "edit", reverses: int | None = None) -> Iterator[Change]:
        """One user action = one transaction = one `actions` row; all of it or nothing survives,
        a dropped connection included (the server rolls an unfinished transaction back)."""
        from y90gui.store.lock import host_name
        from y90gui.store.store import Change

        if self._action_id is not None:
            raise RegistryError("actions cannot be nested")
        with translated(description), self.conn.transaction():
            row = self.conn.execute(f"SELECT {SCHEMA}.begin_action(%s, %s, %s, %s)",
                                    (description, kind, host_name(), reverses)).fetchone()
            assert row is not None
            self._action_id = int(row[0])
            try:
                yield Change(self._action_id, description)
            finally:
                self._action_id = None

    def replace_patients(self, data: CaseData, description: str = "import", kind: str = "import") -> Change:
        """Replace the whole record of every patient in `data` (the file's import semantics)."""
        self.check_writable(data)
        with self.action(description, kind=kind) as change:
            self.write_patients(data, change)
        return change

    def check_writable(self, data: CaseData) -> None:
        """Refuse, naming the first of them, rows this login may not write (before the server would).

        The server's row-level security refuses them anyway; this says which patient and why.
        """
        refused = self.unwritable_centres(data)
        if refused:
            centre, first = refused[0]
            more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            raise RegistryAccessError(f"{first}{more}; nothing was imported")

    def unwritable_centres(self, data: CaseData) -> list[tuple[str, str]]:
        """(centre, why) for every row of `data` this login may not write, in the workbook's
        order: the import preview's errors and `check_writable`'s refusal, said once here."""
        me = self.membership()
        if me.admin or me.role == "coordinator":
            return []
        if me.role != "editor":
            return [("", f"{me.describe()} may not change {self.url.label}")]
        may = f"{me.describe()} may write only {', '.join(me.centres)}"
        refused = [(str(r["center"]), f"{r['patient_id']} belongs to centre {r['center']}: {may}")
                   for r in data.get("patients", []) if r["center"] not in me.centres]
        refused += [(str(r["center"]),
                     f"reference range {r['test']} {r['unit']} belongs to centre {r['center']}: {may}")
                    for r in data.get("reference_ranges", []) if r["center"] not in me.centres]
        return refused

    def write_patients(self, data: CaseData, change: Change) -> None:
        """Delete the records of the patients in `data`, then write theirs (inside an action).

        Rows go in through COPY into an unconstrained temporary table and one INSERT ... SELECT
        per sheet (COPY itself is not allowed on tables with row-level security): the server
        checks constraints and policies once per statement and the audit triggers run per
        statement, so 10,000 patients are a few dozen statements.
        """
        if self._action_id is None:
            raise RegistryError("write_patients needs an action")
        conn = self.conn
        if sum(len(rows) for rows in data.values()) > 50_000:  # the staging sort stays in memory
            conn.execute("SET LOCAL work_mem = '128MB'")
        pids = [r["patient_id"] for r in data.get("patients", [])]
        if pids:
            for sheet in (*reversed(PATIENT_CHILD_SHEETS), SHEET_BY_NAME["patients"]):
                conn.execute(f"DELETE FROM {table(sheet.name)} WHERE patient_id = ANY(%s)", (pids,))
        refs = data.get("reference_ranges", [])
        if refs:
            conn.execute(
                f"DELETE FROM {table('reference_ranges')} r USING unnest(%s::text[], %s::text[], %s::text[]) "
                "AS k(center, test, unit) WHERE (r.center, r.test, r.unit) = (k.center, k.test, k.unit)",
                ([r["center"] for r in refs], [r["test"] for r in refs], [r["unit"] for r in refs]))
        for sheet in SHEETS:
            rows = data.get(sheet.name, [])
            if rows:
                self._insert_rows(sheet, rows)
                change.tables.add(sheet.name)
        change.patient_ids.update(pids)

    def _insert_rows(self, sheet: Sheet, rows: Sequence[dict[str, Any]]) -> None:
        from y90gui.registry.schema import _SQL_TYPE

        names = sheet.column_names
        staging = f"_y90_rows_{sheet.name}"
        defs = ", ".join(f"{quote_ident(c.name)} {_SQL_TYPE[c.type]}" for c in sheet.columns)
        self.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staging} (_n bigint, {defs}) ON COMMIT DELETE ROWS")
        self.conn.execute(f"TRUNCATE {staging}")
        with self.conn.cursor().copy(f"COPY {staging} (_n, {_cols(names)}) FROM STDIN") as copy:
            for i, r in enumerate(rows):
                copy.write_row((i, *[r.get(n) for n in names]))
        self.conn.execute(f"INSERT INTO {table(sheet.name)} ({_cols(names)}) "
                          f"SELECT {_cols(names)} FROM {staging} ORDER BY _n")

    def update_row(self, table_name: str, key: str | int, values: dict[str, Any], row_version: int,
                   description: str | None = None) -> int:
        """`update_row_change` without the change: the row's new version."""
        return self.update_row_change(table_name, key, values, row_version, description)[1]

    def update_row_change(self, table_name: str, key: str | int, values: dict[str, Any], row_version: int,
                          description: str | None = None) -> tuple[Change, int]:
        """Set some columns of one row, if it is still at `row_version`; (the change, its new version).

        A row someone else changed since it was read is refused with who and when
        (ConflictError), never overwritten: the WHERE on the version is re-checked by the
        server against the latest committed row, so two concurrent editors cannot both win.
        """
        sheet = SHEET_BY_NAME[table_name]
        key_col = "patient_id" if table_name == "patients" else "id"
        unknown = [n for n in values if n not in sheet.by_name]
        if unknown:
            raise RegistryError(f"{table_name} has no column {', '.join(unknown)}")
        sets = ", ".join(f"{quote_ident(n)} = %s" for n in values)
        with self.action(description or f"edit {table_name} {key}") as change:
            row = self.conn.execute(
                f"UPDATE {table(table_name)} SET {sets} WHERE {key_col} = %s AND row_version = %s "
                "RETURNING row_version", (*values.values(), key, row_version)).fetchone()
            if row is None:
                now = self.conn.execute(
                    f"SELECT row_version, changed_by, changed_at FROM {table(table_name)} WHERE {key_col} = %s",
                    (key,)).fetchone()
                if now is None:
                    raise RegistryError(f"{table_name} row {key} no longer exists")
                version, who, when = now
                raise ConflictError(
                    f"{table_name} row {key} was changed by {who} at {_when(when)} after you read it "
                    f"(version {row_version}, now {version}): nothing was overwritten; reload it and edit again")
            change.tables.add(table_name)
            if table_name == "patients":
                change.patient_ids.add(str(key))
            elif table_name != "reference_ranges":
                pid = self.conn.execute(f"SELECT patient_id FROM {table(table_name)} WHERE id = %s",
                                        (key,)).fetchone()
                if pid:
                    change.patient_ids.add(str(pid[0]))
        return change, int(row[0])

    def insert_row(self, table_name: str, values: dict[str, Any], description: str | None = None
                   ) -> tuple[Change, str]:
        """Insert one parsed row (as `Store.insert_row`); (the change, the new row's key).

        The server's row-level security refuses a row of a centre this login may not write;
        the statement trigger writes its audit row with the new values and `session_user`.
        """
        sheet = SHEET_BY_NAME[table_name]
        unknown = [n for n in values if n not in sheet.by_name]
        if unknown:
            raise RegistryError(f"{table_name} has no column {', '.join(unknown)}")
        names = [c.name for c in sheet.columns if c.name in values]
        key_col = "patient_id" if table_name == "patients" else "id"
        with self.action(description or f"add {table_name} row") as change:
            row = self.conn.execute(
                f"INSERT INTO {table(table_name)} ({_cols(names)}) VALUES ({', '.join(['%s'] * len(names))}) "
                f"RETURNING {key_col}", [values[n] for n in names]).fetchone()
            assert row is not None
            change.tables.add(table_name)
            if values.get("patient_id"):
                change.patient_ids.add(str(values["patient_id"]))
        return change, str(row[0])

    def delete_row(self, table_name: str, key: str | int, row_version: int, description: str | None = None
                   ) -> Change:
        """Delete one row (a patient with all their rows), if it is still at `row_version`.

        A row someone else changed since it was read is refused with who and when, as in
        `update_row`: deleting it would throw their change away unseen.
        """
        sheet = SHEET_BY_NAME[table_name]
        key_col = "patient_id" if table_name == "patients" else "id"
        with self.action(description or f"delete {table_name} row {key}") as change:
            pid = ", patient_id" if sheet.name != "reference_ranges" else ""
            now = self.conn.execute(
                f"SELECT row_version, changed_by, changed_at{pid} FROM {table(table_name)} "
                f"WHERE {key_col} = %s FOR UPDATE", (key,)).fetchone()
            if now is None:
                raise RegistryError(f"{table_name} row {key} no longer exists")
            if now[0] != row_version:
                raise ConflictError(
                    f"{table_name} row {key} was changed by {now[1]} at {_when(now[2])} after you read it "
                    f"(version {row_version}, now {now[0]}): nothing was deleted; reload it and decide again")
            if table_name == "patients":
                # children first, so that the audit (and undo, which replays it backwards) has
                # the patient's row last
                for child in reversed(PATIENT_CHILD_SHEETS):
                    if self.conn.execute(f"DELETE FROM {table(child.name)} WHERE patient_id = %s", (key,)).rowcount:
                        change.tables.add(child.name)
            self.conn.execute(f"DELETE FROM {table(table_name)} WHERE {key_col} = %s", (key,))
            change.tables.add(table_name)
            if len(now) > 3 and now[3]:
                change.patient_ids.add(str(now[3]))
        return change

    # ----------------------------------------------------------------------------- undo (one's own)

    def undo_stack(self) -> tuple[list[int], list[int]]:
        """As `Store.undo_stack`, for this login only: (its latest undoable action, its latest
        redoable undo), each a list of at most one id (`registry.undo`: one's own actions)."""
        from y90gui.registry import undo

        can_undo, can_redo = undo.own_stack(self)
        for found in (can_undo, can_redo):
            if found:
                self._descriptions[found[0]] = found[1]
        return ([can_undo[0]] if can_undo else []), ([can_redo[0]] if can_redo else [])

    def action_description(self, action_id: int) -> str:
        """An action's description (`actions` is append-only: what was read once stays true)."""
        if action_id not in self._descriptions:
            with translated("reading the actions"):
                row = self.conn.execute(f"SELECT description FROM {SCHEMA}.actions WHERE id = %s",
                                        (action_id,)).fetchone()
            self._descriptions[action_id] = str(row[0]) if row else ""
        return self._descriptions[action_id]

    def action_row_count(self, action_id: int) -> int:
        """How many audit rows the action wrote (the window runs a big undo on a worker)."""
        with translated("reading the audit"):
            row = self.conn.execute(f"SELECT count(*) FROM {SCHEMA}.audit WHERE action_id = %s",
                                    (action_id,)).fetchone()
        return int(row[0]) if row else 0

    def undo(self) -> Change:
        """Undo this login's latest action; refused, naming who and when, when someone else changed
        its rows since (`registry.undo`)."""
        from y90gui.registry import undo

        return undo.undo(self)

    def redo(self) -> Change:
        from y90gui.registry import undo

        return undo.redo(self)

    def undo_preview(self, which: str = "undo") -> ReverseCounts | None:
        """What `undo()` (or `redo()`) would remove, restore and change, as `Store.undo_preview`
        (the window asks before an undo removes more than a handful of rows)."""
        from y90gui.registry import undo

        return undo.preview(self, which)

    # ----------------------------------------------------------------------------- named cohorts

    def saved_cohorts(self) -> list[SavedCohort]:
        from y90gui.registry.cohorts import list_cohorts

        return list_cohorts(self)

    def save_cohort(self, name: str, *, search: str, filters: dict[str, Any], description: str,
                    patient_ids: Sequence[str] | None, replace: bool = False) -> Change:
        from y90gui.registry.cohorts import save_cohort

        return save_cohort(self, name, search=search, filters=filters, description=description,
                           patient_ids=patient_ids, replace=replace)

    def rename_cohort(self, old: str, new: str) -> Change:
        from y90gui.registry.cohorts import rename_cohort

        return rename_cohort(self, old, new)

    def delete_cohort(self, name: str) -> Change:
        from y90gui.registry.cohorts import delete_cohort

        return delete_cohort(self, name)

    def history(self, patient_id: str | None = None, limit: int = 5000) -> list[dict[str, Any]]:
        """Audit rows this login may see, newest first, with the action that caused them."""
        where, params = ("WHERE a.patient_id = %s", [patient_id]) if patient_id else ("", [])
        keys = ("id", "time", "user", "table", "key", "patient_id", "op", "old", "new", "action_id",
                "action", "kind")
        with translated("reading the history"):
            rows = self.conn.execute(
                'SELECT a.id, a.time, a."user", a.tbl, a.row_key, a.patient_id, a.op, a.old, a.new, '
                f"ac.id, ac.description, ac.kind FROM {SCHEMA}.audit a LEFT JOIN {SCHEMA}.actions ac "
                f"ON ac.id = a.action_id {where} ORDER BY a.id DESC LIMIT %s", [*params, limit]).fetchall()
        return [dict(zip(keys, r, strict=True)) for r in rows]


#: `store.summary._SQL` in PostgreSQL: the same columns, values and order (dates as ISO text).
_SUMMARY_SQL = f"""
WITH first_re AS (
    SELECT patient_id, MIN(date) AS first_date, COUNT(*) AS n_re FROM {table("radioembolization")} GROUP BY patient_id
),
prrt_all AS (
    SELECT p.patient_id, COUNT(*) AS cycles, SUM(p.activity_gbq) AS gbq, COUNT(p.activity_gbq) AS n_gbq,
           MAX(CASE WHEN p.date {PRRT_BEFORE_FIRST_RE} f.first_date THEN p.date END) AS last_before
    FROM {table("prrt")} p LEFT JOIN first_re f ON f.patient_id = p.patient_id
    GROUP BY p.patient_id
)
SELECT pt.patient_id, pt.center, pt.sex,
       EXTRACT(YEAR FROM f.first_date)::bigint - pt.birth_year,
       pt.primary_site, pt.who_grade,
       COALESCE(pa.cycles, 0),
       CASE WHEN pa.n_gbq > 0 THEN pa.gbq END,
       f.first_date - pa.last_before,
       COALESCE(f.n_re, 0),
       (SELECT r.extent FROM {table("radioembolization")} r WHERE r.patient_id = pt.patient_id
        ORDER BY r.date, r.procedure LIMIT 1),
       pt.vital_status,
       (pt.followup_date - f.first_date) / 365.25::float8,
       to_char(f.first_date, 'YYYY-MM-DD'),
       pt.notes,
       CASE WHEN pt.excluded_from_analysis THEN coalesce(pt.exclusion_reason, '') END
FROM {table("patients")} pt
LEFT JOIN first_re f ON f.patient_id = pt.patient_id
LEFT JOIN prrt_all pa ON pa.patient_id = pt.patient_id
ORDER BY pt.patient_id
"""


def _when(value: dt.datetime) -> str:
    return value.astimezone().isoformat(timespec="seconds")


if TYPE_CHECKING:
    def _registry_is_a_case_series(reg: Registry) -> CaseSeries:
        return reg  # mypy checks that Registry implements the whole interface (store.backend)
