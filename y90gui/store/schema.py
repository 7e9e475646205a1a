"""The SQLite schema of a `.y90` case-series file, generated from `core.sheets`.

Data tables mirror the workbook sheets column for column, so the store can hold exactly what
a workbook says (the lossless round trip depends on it). CHECK constraints repeat the code
lists and ranges as a last line of defence: the validator should have refused a bad value
already, but a bug there must not reach the file. Audit triggers write every insert, update
and delete into `audit`, tagged with the user action that caused it; undo reads them back.
"""

from __future__ import annotations

import sqlite3

from y90gui.core.casefile import CASE_SERIES_APPLICATION_ID
from y90gui.core.sheets import PATIENT_CHILD_SHEETS, SHEETS, Column, Sheet

#: Named cohorts (`store.cohorts`): a saved filter of the window. Not a workbook sheet (it
#: describes a view of the case series, not a patient), but audited like one so that saving,
#: renaming and deleting a cohort are undoable actions. `filters` and `patient_ids` are JSON.
COHORTS = Sheet(
    "cohorts",
    (
        Column("name", "text", required=True),
        Column("search", "text"),
        Column("filters", "text", help="JSON object {column: value}"),
        Column("description", "text"),
        Column("patient_ids", "text", help="JSON array of the patients the filter showed when saved"),
        Column("saved", "text", help="ISO time it was saved"),
    ),
    key=("name",),
    help="named cohorts: saved filters of the window",
)
#: Audited tables whose rows belong to no patient (`audit.patient_id` is NULL).
NO_PATIENT_TABLES = frozenset({"reference_ranges", "cohorts"})
#: Columns each file format version added to a sheet: an upgrade step builds the triggers of its
#: own version, without the columns a later step adds (`sheet_at`).
ADDED_IN: dict[int, dict[str, tuple[str, ...]]] = {3: {"patients": ("excluded_from_analysis", "exclusion_reason")}}


def sheet_at(sheet: Sheet, version: int) -> Sheet:
    """The sheet as file format `version` had it (columns of later versions left out)."""
    later = {n for v, added in ADDED_IN.items() if v > version for n in added.get(sheet.name, ())}
    if not later:
        return sheet
    return Sheet(sheet.name, tuple(c for c in sheet.columns if c.name not in later), sheet.key, sheet.help)

#: "Y90G": identifies a y90gui file among SQLite databases (PRAGMA application_id); defined in
#: `core.casefile`, which `core.atomic` reads to refuse writing anything else over such a file.
APPLICATION_ID = CASE_SERIES_APPLICATION_ID
#: PRAGMA user_version of files this version writes. Bump it and add a step to MIGRATIONS.
#: 1: the first format. 2: audit values keep every digit of a number (`y90_exact`), and the
#: audit trail (`audit`, `actions`) is append-only. 3: the patients' `excluded_from_analysis` and
#: `exclusion_reason` columns, and the `cohorts` table of named cohorts (format extensions).
SCHEMA_VERSION = 3

_SQL_TYPE = {
    "text": "TEXT",
    "date": "TEXT",
    "number": "REAL",
    "integer": "INTEGER",
    "yesno": "INTEGER",
    "code": "TEXT",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _column_predicate(c: Column) -> str:
    """What a value of `c` must satisfy, as an SQL expression (NULL allowed unless required)."""
    n = f'"{c.name}"'
    checks: list[str] = []
    if c.type == "date":
        checks.append(f"{n} GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'")
    elif c.type == "code":
        checks.append(f"{n} IN ({', '.join(_quote(v) for v in c.codes)})")
    elif c.type == "yesno":
        checks.append(f"{n} IN (0, 1)")
    elif c.type == "integer":
        checks.append(f"typeof({n}) = 'integer'")
    elif c.type == "number":
        checks.append(f"typeof({n}) IN ('real', 'integer')")
    elif c.type == "text":
        checks.append(f"typeof({n}) = 'text' AND length(trim({n})) > 0")
    if c.minimum is not None:
        op = ">" if c.exclusive_minimum else ">="
        checks.append(f"{n} {op} {c.minimum:g}")
    if c.maximum is not None:
        checks.append(f"{n} <= {c.maximum:g}")
    body = " AND ".join(checks)
    if c.required:
        return body
    return f"{n} IS NULL OR ({body})"


def _column_check(c: Column) -> str:
    return f"CHECK ({_column_predicate(c)})"


#: The patients' key: not empty (the other sheets' patient_id is held by its foreign key).
_PATIENT_ID_CHECK = 'length(trim("patient_id")) > 0'


def check_predicates(sheet: Sheet) -> list[tuple[str, str]]:
    """(column, expression) of every CHECK constraint `table_ddl` gives the sheet's table, in
    column order: the bulk write tests its rows against these before it copies them in with
    the constraints switched off (`Store._write_patients_bulk`), from the same text as the DDL."""
    out = []
    for c in sheet.columns:
        if c.name == "patient_id":
            if sheet.name == "patients":
                out.append((c.name, _PATIENT_ID_CHECK))
            continue
        out.append((c.name, _column_predicate(c)))
    return out


def _column_def(c: Column) -> str:
    null = " NOT NULL" if c.required else ""
    return f'"{c.name}" {_SQL_TYPE[c.type]}{null} {_column_check(c)}'


def table_ddl(sheet: Sheet) -> str:
    lines: list[str] = []
    if sheet.name == "patients":
        cols = [_column_def(c) for c in sheet.columns]
        cols[0] = f'"patient_id" TEXT NOT NULL PRIMARY KEY CHECK ({_PATIENT_ID_CHECK})'
        lines.extend(cols)
    else:
        lines.append("id INTEGER PRIMARY KEY")
        for c in sheet.columns:
            if c.name == "patient_id":
                lines.append(
                    '"patient_id" TEXT NOT NULL REFERENCES patients(patient_id) ON UPDATE CASCADE ON DELETE CASCADE'
                )
            else:
                lines.append(_column_def(c))
        if sheet.key:
            scope = ("patient_id",) if sheet in PATIENT_CHILD_SHEETS else ()
            lines.append(f"UNIQUE ({', '.join(scope + sheet.key)})")
    body = ",\n    ".join(lines)
    return f'CREATE TABLE "{sheet.name}" (\n    {body}\n) STRICT'


def audit_json(sheet: Sheet, ref: str, exact: bool = True) -> str:
    """The row as a JSON object for the audit trail.

    SQLite's json_object writes a REAL with 15 significant digits (1/3 -> 0.333333333333333),
    so undo would give back a different number. A number column goes in as the exact text of
    its value instead (`y90_exact`: Python's shortest round-trip repr, "0.3333333333333333"),
    which `sqlrows.audit_values` turns back into the same float. `exact=False` is the format
    of file version 1 (its triggers, for the upgrade test; its old audit rows still read).
    """
    names = (() if sheet.name == "patients" else ("id",)) + sheet.column_names
    numbers = {c.name for c in sheet.columns if c.type == "number"} if exact else set()

    def value(n: str) -> str:
        return f'y90_exact({ref}."{n}")' if n in numbers else f'{ref}."{n}"'

    return "json_object(" + ", ".join(f"'{n}', {value(n)}" for n in names) + ")"


def audit_triggers(sheet: Sheet, exact: bool = True) -> list[str]:
    key = "patient_id" if sheet.name == "patients" else "id"
    pid = "NULL" if sheet.name in NO_PATIENT_TABLES else "{ref}.patient_id"
    out = []
    for op, ref, old, new in (
        ("INSERT", "NEW", "NULL", audit_json(sheet, "NEW", exact)),
        ("UPDATE", "NEW", audit_json(sheet, "OLD", exact), audit_json(sheet, "NEW", exact)),
        ("DELETE", "OLD", audit_json(sheet, "OLD", exact), "NULL"),
    ):
        when = f" WHEN {old} IS NOT {new}" if op == "UPDATE" else ""
        out.append(
            f'CREATE TRIGGER "audit_{sheet.name}_{op.lower()}" AFTER {op} ON "{sheet.name}"{when}\n'
            "BEGIN\n"
            "  INSERT INTO audit(action_id, time, user, tbl, row_key, patient_id, op, old, new)\n"
            f"  VALUES (y90_action(), y90_now(), y90_user(), '{sheet.name}', CAST({ref}.{key} AS TEXT),"
            f" {pid.format(ref=ref)}, '{op.lower()}', {old}, {new});\n"
            "END"
        )
    return out


BOOKKEEPING_DDL = (
    """CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
) STRICT""",
    """CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    user TEXT NOT NULL,
    host TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'edit' CHECK (kind IN ('edit', 'import', 'undo', 'redo', 'system')),
    reverses INTEGER REFERENCES actions(id)
) STRICT""",
    """CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    action_id INTEGER REFERENCES actions(id),
    time TEXT NOT NULL,
    user TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_key TEXT NOT NULL,
    patient_id TEXT,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    old TEXT,
    new TEXT
) STRICT""",
    "CREATE INDEX audit_patient ON audit(patient_id)",
    "CREATE INDEX audit_action ON audit(action_id)",
)


#: The store's own tables: never edited through the Store API (`Store._data_sheet`).
BOOKKEEPING_TABLES = frozenset({"meta", "actions", "audit"})
#: Tables that are only ever appended to: undo and redo are new actions, never rewrites.
APPEND_ONLY_TABLES = ("audit", "actions")


def append_only_triggers() -> list[str]:
    """Triggers that refuse to change or delete a row of the audit trail, whoever asks (also raw SQL)."""
    out = []
    for table in APPEND_ONLY_TABLES:
        for op in ("UPDATE", "DELETE"):
            out.append(
                f'CREATE TRIGGER "append_only_{table}_{op.lower()}" BEFORE {op} ON "{table}"\n'
                "BEGIN\n"
                f"  SELECT RAISE(ABORT, 'the audit trail is append-only: rows of {table} cannot be changed "
                "or deleted');\n"
                "END"
            )
    return out


def _indexes() -> list[str]:
    return [
        f'CREATE INDEX "{s.name}_patient" ON "{s.name}"(patient_id)'
        for s in PATIENT_CHILD_SHEETS
    ] + list(SUMMARY_INDEXES) + list(HISTORY_INDEXES)


#: Indexes the patient table's summary query (`store.summary`) seeks in: each patient's first
#: radioembolization (date, then procedure) and its extent from the index alone. Not part of the
#: file format's version: files made before get them when opened for writing (`ensure_indexes`).
SUMMARY_INDEXES = (
    "CREATE INDEX IF NOT EXISTS radioembolization_first ON radioembolization(patient_id, date, procedure, extent)",
)


#: The History tab's per-action summary of the whole audit trail (`store.history.action_spans`)
#: from the index alone: ~0.3 s at 1.5 M audit rows instead of a 3 s scan of the rows' JSON.
#: Not part of the format's version either (`ensure_indexes`).
HISTORY_INDEXES = ("CREATE INDEX IF NOT EXISTS audit_action_tbl_op ON audit(action_id, tbl, op)",)


def ensure_indexes(conn: sqlite3.Connection) -> None:
    """Create the indexes a file of this version may lack (made before they were added); cheap when present."""
    for stmt in (*SUMMARY_INDEXES, *HISTORY_INDEXES):
        conn.execute(stmt)


def create_statements() -> list[str]:
    """Every statement that builds an empty schema of SCHEMA_VERSION."""
    stmts = list(BOOKKEEPING_DDL)
    for sheet in (*SHEETS, COHORTS):
        stmts.append(table_ddl(sheet))
    stmts.extend(_indexes())
    for sheet in (*SHEETS, COHORTS):
        stmts.extend(audit_triggers(sheet))
    stmts.extend(append_only_triggers())
    return stmts


def _upgrade_1_to_2() -> list[str]:
    """Exact numbers in the audit triggers, and the append-only triggers (rows already there stay)."""
    stmts = [f'DROP TRIGGER IF EXISTS "audit_{s.name}_{op}"' for s in SHEETS for op in ("insert", "update", "delete")]
    for sheet in SHEETS:
        stmts.extend(audit_triggers(sheet_at(sheet, 2)))
    stmts.extend(append_only_triggers())
    return stmts


def _upgrade_2_to_3() -> list[str]:
    """The exclusion flag and reason on `patients` (empty = not excluded, so every existing
    patient stays analysed), the patients' audit triggers with them, and the `cohorts` table."""
    patients = next(s for s in SHEETS if s.name == "patients")
    stmts = [f'ALTER TABLE patients ADD COLUMN {_column_def(patients.by_name[n])}'
             for n in ADDED_IN[3]["patients"]]
    stmts.extend(f'DROP TRIGGER IF EXISTS "audit_patients_{op}"' for op in ("insert", "update", "delete"))
    stmts.extend(audit_triggers(patients))
    stmts.append(table_ddl(COHORTS))
    stmts.extend(audit_triggers(COHORTS))
    return stmts


#: Upgrade steps: MIGRATIONS[n] takes a file from user_version n to n + 1. Each is a list of
#: SQL statements run inside the one exclusive upgrade transaction. Version 1 is the first.
#: (A later step that changes the audit triggers again must freeze version 2's in its own step.)
MIGRATIONS: dict[int, list[str]] = {1: _upgrade_1_to_2(), 2: _upgrade_2_to_3()}
