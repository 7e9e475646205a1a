"""Rows between the domain and SQLite: value conversion and the statements every write path shares.

Dates are ISO text, yes/no are 0/1 and numbers are REAL in the file (`store.schema`'s CHECK
constraints hold them to that); one converter here serves the row-by-row writes, the bulk
write and undo, so the three cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from y90gui.store import schema


def to_sql(column_type: str, value: Any) -> Any:
    if value is None:
        return None
    if column_type == "date" and isinstance(value, dt.date):
        return value.isoformat()
    if column_type == "yesno" and isinstance(value, bool):
        return int(value)
    if column_type == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value  # anything else goes to SQLite as is, where the CHECK constraints judge it


def from_sql(column_type: str, value: Any) -> Any:
    if value is None:
        return None
    if column_type == "date":
        return dt.date.fromisoformat(value)
    if column_type == "yesno":
        return bool(value)
    return value


def insert_sql(table: str, names: Sequence[str]) -> str:
    cols = ", ".join(f'"{n}"' for n in names)
    return f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(names))})'


def sql_rows(sheet: Any, rows: Sequence[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """Rows as SQL parameter tuples, built column by column: `to_sql` applied once per distinct
    value of a date column, and only to the columns whose type needs converting."""
    columns: list[list[Any]] = []
    for c in sheet.columns:
        col = [r.get(c.name) for r in rows]
        if c.type == "date":
            converted = {d: to_sql("date", d) for d in set(col)}
            col = list(map(converted.__getitem__, col))
        elif c.type == "yesno" or (c.type == "number" and not set(map(type, col)) <= {float, type(None)}):
            col = [to_sql(c.type, v) for v in col]
        columns.append(col)
    return zip(*columns, strict=True)


def audit_select(sheet: Any, op: str, where: str) -> str:
    """INSERT INTO audit ... SELECT: the rows the `schema.audit_triggers` would write."""
    key = "patient_id" if sheet.name == "patients" else "id"
    pid = "NULL" if sheet.name == "reference_ranges" else "t.patient_id"
    body = schema._json_of(sheet, "t")
    old, new = (body, "NULL") if op == "delete" else ("NULL", body)
    return (
        "INSERT INTO audit(action_id, time, user, tbl, row_key, patient_id, op, old, new) "
        f"SELECT ?, ?, ?, '{sheet.name}', CAST(t.{key} AS TEXT), {pid}, '{op}', {old}, {new} "
        f'FROM "{sheet.name}" AS t WHERE {where} ORDER BY t.rowid'
    )
