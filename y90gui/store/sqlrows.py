"""Rows between the domain and SQLite: value conversion and the statements every write path shares.

Dates are ISO text, yes/no are 0/1 and numbers are REAL in the file (`store.schema`'s CHECK
constraints hold them to that); one converter here serves the row-by-row writes, the bulk
write and undo, so the three cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from operator import methodcaller
from typing import Any

from y90gui.core.sheets import SHEET_BY_NAME
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


def exact_number(value: Any) -> Any:
    """SQL function `y90_exact`: a REAL as the shortest text that gives back the same float."""
    return repr(value) if isinstance(value, float) else value


def audit_values(table: str, text: str) -> dict[str, Any]:
    """An audit row's JSON (old or new values) as SQL values, every number exactly as stored.

    Number columns arrive as the exact text `exact_number` wrote (file version 2), or as a
    JSON number in rows of version 1; both become the float again.
    """
    values: dict[str, Any] = json.loads(text)
    sheet = SHEET_BY_NAME.get(table)
    if sheet is None:
        return values
    for c in sheet.columns:
        v = values.get(c.name)
        if c.type == "number" and isinstance(v, str | int) and not isinstance(v, bool):
            values[c.name] = float(v)
    return values


def insert_sql(table: str, names: Sequence[str]) -> str:
    cols = ", ".join(f'"{n}"' for n in names)
    return f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(names))})'


def sql_rows(sheet: Any, rows: Sequence[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
    """Rows as SQL parameter tuples, built column by column: `to_sql` applied once per distinct
    value of a date column, and only to the columns whose type needs converting."""
    columns: list[list[Any]] = []
    for c in sheet.columns:
        col = list(map(methodcaller("get", c.name), rows))  # r.get(name) for every row, without a Python step
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
    pid = "NULL" if sheet.name in schema.NO_PATIENT_TABLES else "t.patient_id"
    body = schema.audit_json(sheet, "t")
    old, new = (body, "NULL") if op == "delete" else ("NULL", body)
    return (
        "INSERT INTO audit(action_id, time, user, tbl, row_key, patient_id, op, old, new) "
        f"SELECT ?, ?, ?, '{sheet.name}', CAST(t.{key} AS TEXT), {pid}, '{op}', {old}, {new} "
        f'FROM "{sheet.name}" AS t WHERE {where} ORDER BY t.rowid'
    )


#: The order rows are read in, per sheet, by every back end (`Store`, `registry.database.Registry`):
#: the exporter's and `read_table`'s order, so a file and a registry export alike.
READ_ORDER = {"patients": "patient_id", "reference_ranges": "center, test, unit", "prrt": "patient_id, cycle",
              "radioembolization": "patient_id, procedure"}


def read_order(sheet_name: str) -> str:
    return READ_ORDER.get(sheet_name, "patient_id, id")
