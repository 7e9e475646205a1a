"""What an action changed, row by row and field by field, read from the audit trail.

An import replaces a patient's whole record: the audit holds a delete and an insert of every
row, although only two fields differ. This module pairs the delete and the insert of the same
row (same natural key: the patient ID, a procedure or cycle number, a centre/test/unit, or for
sheets without a key the row's whole content) within one action, so the reader sees
"P007 · ki67_pct: 12 → 15" and nothing for the rows that came back unchanged. The pairing
rule is one SQL expression (`_IDENTITY`) used by the history pages and by the undo preview,
so what the History tab calls a change is exactly what the undo question counts.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from y90gui.core.sheets import SHEET_BY_NAME, SHEETS
from y90gui.store.sqlrows import audit_values

#: Nouns for counted rows, per sheet (singular, plural): "removes 44 patients, 58 procedures".
ROW_NOUNS: dict[str, tuple[str, str]] = {
    "patients": ("patient", "patients"),
    "prrt": ("PRRT cycle", "PRRT cycles"),
    "radioembolization": ("procedure", "procedures"),
    "response": ("response assessment", "response assessments"),
    "labs": ("lab value", "lab values"),
    "adverse_events": ("adverse event", "adverse events"),
    "treatments_after": ("later treatment", "later treatments"),
    "reference_ranges": ("reference range", "reference ranges"),
}


#: How a row of a sheet without a natural key is recognised again when an import writes it back
#: (its surrogate id changes): the patient and these columns. Rows that still collide are paired
#: by content first.
MATCH_COLUMNS: dict[str, tuple[str, ...]] = {
    "response": ("date",),
    "labs": ("date", "test"),
    "adverse_events": ("onset_date", "term"),
    "treatments_after": ("start_date", "treatment"),
}


def _match_columns(sheet: str) -> tuple[str, ...]:
    spec = SHEET_BY_NAME.get(sheet)
    return (spec.key if spec else ()) or MATCH_COLUMNS.get(sheet, ())


def _identity_sql() -> str:
    """The row's identity within one action, as an SQL expression over an audit row."""
    body = "coalesce(new, old)"
    cases = []
    for sheet in SHEETS:
        if sheet.name == "patients":
            expr = "row_key"
        elif _match_columns(sheet.name):
            parts = " || '|' || ".join(f"coalesce(json_extract({body}, '$.{k}'), '')"
                                       for k in _match_columns(sheet.name))
            expr = f"coalesce(patient_id, '') || '|' || {parts}"
        else:
            expr = f"coalesce(patient_id, '') || '|' || json_remove({body}, '$.id')"
        cases.append(f"WHEN '{sheet.name}' THEN {expr}")
    return f"CASE tbl {' '.join(cases)} ELSE row_key END"


_IDENTITY = _identity_sql()
#: The row's content without its surrogate id: a delete and an insert with equal content cancel.
_CONTENT = "json_remove(coalesce(new, old), '$.id')"
#: Over one identity's audit rows: its deletes and inserts all carry the same content (a row an
#: import wrote back unchanged), so nothing happened to it.
#: The (action, sheet) pairs with both deletes and inserts: only their rows need pairing.
_MIXED = ("SELECT action_id, tbl FROM audit GROUP BY action_id, tbl "
          "HAVING sum(op = 'insert') > 0 AND sum(op = 'delete') > 0")


def _net_rows(where: str, whole_trail: bool = False) -> str:
    """One row per (action, sheet, row identity): `i`, `d`, `u` the inserts, deletes and updates
    left once every delete/insert pair of equal content (a row written back unchanged) is
    cancelled, `top` the newest audit id, `ids` all its audit ids. The one grouping rule.

    `whole_trail`: over the whole audit trail, the JSON identity is computed only for the sheets
    an action both deleted from and inserted into (an import's replacements); every other audit
    row is a change of its own (a first import of 10,000 patients needs no pairing).
    """
    identity, content = _IDENTITY, _CONTENT
    if whole_trail:
        mixed = f"(action_id, tbl) IN ({_MIXED})"
        identity = f"CASE WHEN {mixed} THEN {_IDENTITY} ELSE 'a' || id END"
        content = f"CASE WHEN {mixed} THEN {_CONTENT} ELSE '' END"
    inner = (f"SELECT action_id, tbl, {identity} AS k, sum(op = 'insert') AS i, sum(op = 'delete') AS d, "
             f"sum(op = 'update') AS u, max(id) AS top, group_concat(id) AS ids FROM audit {where} "
             f"GROUP BY action_id, tbl, k, {content}")
    return ("SELECT action_id, tbl, k, sum(i) - sum(min(i, d)) AS i, sum(d) - sum(min(i, d)) AS d, sum(u) AS u, "
            f"max(top) AS top, group_concat(ids) AS ids FROM ({inner}) GROUP BY action_id, tbl, k")


@dataclass(frozen=True)
class FieldChange:
    """One changed field of one row: "P007 · ki67_pct: 12 → 15"."""

    sheet: str
    patient_id: str | None
    key: str
    column: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RowChange:
    """A grouped change of one row in one action: a real insert or delete, or field changes."""

    action_id: int
    sheet: str
    patient_id: str | None
    key: str
    op: str  # "insert", "delete" or "update"
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    fields: tuple[FieldChange, ...] = ()
    audit_id: int = 0
    time: str = ""
    user: str = ""
    action: str = ""
    kind: str = ""


@dataclass
class ReverseCounts:
    """What reversing an action (undo, or redo of an undo) does, per sheet."""

    action_id: int
    description: str
    removes: dict[str, int] = field(default_factory=dict)
    restores: dict[str, int] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)

    @property
    def removed_rows(self) -> int:
        return sum(self.removes.values())

    def needs_confirmation(self, max_rows: int = 5) -> bool:
        """More than a handful of rows, or more than one patient, would disappear."""
        return self.removed_rows > max_rows or self.removes.get("patients", 0) > 1

    def describe(self, verb: str = "Undo") -> str:
        """'Undo “demo cohort” removes 44 patients, 58 procedures, …'."""
        parts = []
        for what, counts in (("removes", self.removes), ("restores", self.restores), ("changes", self.changes)):
            listed = [count_text(sheet, n) for sheet, n in _in_sheet_order(counts)]
            if listed:
                parts.append(f"{what} {', '.join(listed)}")
        title = self.description.removeprefix("undo: ")
        return f"{verb} “{title}” " + ("; ".join(parts) if parts else "changes nothing") + "."


def count_text(sheet: str, n: int) -> str:
    one, many = ROW_NOUNS.get(sheet, (f"{sheet} row", f"{sheet} rows"))
    return f"{n:,} {one if n == 1 else many}"


def _in_sheet_order(counts: dict[str, int]) -> list[tuple[str, int]]:
    order = {s.name: i for i, s in enumerate(SHEETS)}
    return sorted(((s, n) for s, n in counts.items() if n), key=lambda item: order.get(item[0], 99))


def reverse_counts(conn: sqlite3.Connection, action_id: int, description: str = "") -> ReverseCounts:
    """Count, in one SQL pass, what replaying `action_id` backwards removes, restores and changes.

    A row the action inserted (and did not also delete under the same identity) is removed; a
    row it deleted is restored; a replaced row (delete + insert) or an update is a change,
    unless the replacement was identical (then nothing happens to it).
    """
    ops = conn.execute("SELECT tbl, sum(op = 'insert'), sum(op = 'delete'), sum(op = 'update') FROM audit "
                       "WHERE action_id = ? GROUP BY tbl", (action_id,)).fetchall()
    # A sheet the action only inserted into (or only deleted from) needs no pairing: the common
    # case of a first import or the demo, counted from the index alone.
    rows = [(tbl, i, d, u) for tbl, i, d, u in ops if not (i and d)]
    mixed = [tbl for tbl, i, d, _u in ops if i and d]
    if mixed:
        marks = ", ".join("?" * len(mixed))
        rows += conn.execute(
            "SELECT tbl, sum(max(i - d, 0)), sum(max(d - i, 0)), sum(u + min(i, d)) "
            f"FROM ({_net_rows(f'WHERE action_id = ? AND tbl IN ({marks})')}) GROUP BY tbl",
            (action_id, *mixed)).fetchall()
    out = ReverseCounts(action_id, description)
    for tbl, inserted, deleted, changed in rows:
        out.removes[tbl] = int(inserted or 0)
        out.restores[tbl] = int(deleted or 0)
        out.changes[tbl] = int(changed or 0)
    return out


def _key_text(sheet: str, values: dict[str, Any], patient_id: str | None) -> str:
    spec = SHEET_BY_NAME.get(sheet)
    if sheet == "patients":
        return str(values.get("patient_id", patient_id or ""))
    bits = [f"{k} {values.get(k)}" if spec and k in spec.key else str(values.get(k))
            for k in _match_columns(sheet)]
    if not bits:
        first = next((c.name for c in (spec.columns if spec else ()) if c.name != "patient_id"), None)
        bits = [str(values.get(first))] if first else []
    what = " ".join(bits) or sheet
    return f"{patient_id} · {what}" if patient_id else what


def _field_changes(sheet: str, pid: str | None, key: str, old: dict[str, Any], new: dict[str, Any]
                   ) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(sheet, pid, key, name, old.get(name), new.get(name))
                 for name in new if name != "id" and old.get(name) != new.get(name))


def _group(action_id: int, sheet: str, pid: str | None, members: list[tuple[Any, ...]],
           meta: dict[str, Any]) -> list[RowChange]:
    """One row identity's audit rows of one action (oldest first) → its net changes."""
    deletes = [m for m in members if m[1] == "delete"]
    inserts = [m for m in members if m[1] == "insert"]
    out: list[RowChange] = []
    for aid, op, old, new in members:
        if op != "update":
            continue
        o, n = audit_values(sheet, old), audit_values(sheet, new)
        key = _key_text(sheet, n, pid)
        out.append(RowChange(action_id, sheet, pid, key, "update", o, n, _field_changes(sheet, pid, key, o, n),
                             audit_id=aid, **meta))
    def content(values: str) -> str:
        return str(sorted((k, v) for k, v in audit_values(sheet, values).items() if k != "id"))

    for d in list(deletes):  # written back unchanged: nothing to show
        twin = next((i for i in inserts if content(i[3]) == content(d[2])), None)
        if twin is not None:
            deletes.remove(d)
            inserts.remove(twin)
    while deletes and inserts:
        (aid_d, _, old, _n), (aid_i, _, _o, new) = deletes.pop(0), inserts.pop(0)
        o, n = audit_values(sheet, old), audit_values(sheet, new)
        key = _key_text(sheet, n, pid)
        fields = _field_changes(sheet, pid, key, o, n)
        if fields:
            out.append(RowChange(action_id, sheet, pid, key, "update", o, n, fields, audit_id=max(aid_d, aid_i),
                                 **meta))
    for aid, _op, _old, new in inserts:
        n = audit_values(sheet, new)
        out.append(RowChange(action_id, sheet, pid, _key_text(sheet, n, pid), "insert", None, n, audit_id=aid, **meta))
    for aid, _op, old, _new in deletes:
        o = audit_values(sheet, old)
        out.append(RowChange(action_id, sheet, pid, _key_text(sheet, o, pid), "delete", o, None, audit_id=aid, **meta))
    return out


def _where(patient_id: str | None, action_id: int | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if patient_id is not None:
        clauses.append("patient_id = ?")
        params.append(patient_id)
    if action_id is not None:
        clauses.append("action_id = ?")
        params.append(action_id)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


#: Identities with something left after the unchanged pairs cancelled.
_CHANGED = "WHERE i + d + u > 0"


def change_count(conn: sqlite3.Connection, patient_id: str | None = None, action_id: int | None = None) -> int:
    """How many row changes `changes_page` can show (rows written back unchanged do not count)."""
    where, params = _where(patient_id, action_id)
    row = conn.execute(
        f"SELECT count(*) FROM ({_net_rows(where, not params)}) {_CHANGED}",
        params).fetchone()
    return int(row[0])


def changes_page(conn: sqlite3.Connection, patient_id: str | None = None, offset: int = 0, limit: int = 500,
                 action_id: int | None = None) -> list[RowChange]:
    """Row changes newest first (by their newest audit row), `limit` identities from `offset`."""
    return history_page(conn, patient_id, offset, limit, action_id)[1]


def history_page(conn: sqlite3.Connection, patient_id: str | None = None, offset: int = 0, limit: int = 500,
                 action_id: int | None = None) -> tuple[int, list[RowChange]]:
    """(how many row changes there are, the page of them): one grouping pass for both."""
    where, params = _where(patient_id, action_id)
    groups = conn.execute(
        f"SELECT ids, count(*) OVER () FROM ({_net_rows(where, not params)}) {_CHANGED} "
        "ORDER BY top DESC LIMIT ? OFFSET ?",
        [*params, limit, offset]).fetchall()
    total = int(groups[0][1]) if groups else change_count(conn, patient_id, action_id)
    out: list[RowChange] = []
    for ids_text, _total in groups:
        ids = sorted(int(i) for i in str(ids_text).split(","))
        marks = ",".join("?" * len(ids))
        rows = conn.execute(
            "SELECT a.id, a.op, a.old, a.new, a.action_id, a.tbl, a.patient_id, a.time, a.user, "
            f"coalesce(ac.description, ''), coalesce(ac.kind, '') FROM audit a LEFT JOIN actions ac "
            f"ON ac.id = a.action_id WHERE a.id IN ({marks}) ORDER BY a.id", ids).fetchall()
        first = rows[-1]
        meta = {"time": first[7], "user": first[8], "action": first[9], "kind": first[10]}
        out.extend(_group(first[4], first[5], first[6], [r[:4] for r in rows], meta))
    return total, out


def audit_rows_page(rows: list[dict[str, Any]], offset: int = 0, limit: int = 500) -> tuple[int, list[RowChange]]:
    """`history_page` for a back end that gives plain audit rows, newest first (the registry's
    `history`: its updates are row-level, so no delete + insert pairs to group): one change each."""
    out: list[RowChange] = []
    for r in rows[offset:offset + limit]:
        old, new = r.get("old"), r.get("new")
        old = json.loads(old) if isinstance(old, str) else old
        new = json.loads(new) if isinstance(new, str) else new
        sheet, pid = str(r.get("table") or ""), r.get("patient_id")
        key = _key_text(sheet, new or old or {}, pid)
        op = str(r.get("op") or "")
        fields = _field_changes(sheet, pid, key, old, new) if op == "update" and old and new else ()
        out.append(RowChange(int(r.get("action_id") or 0), sheet, pid, key, op, old, new, fields,
                             int(r.get("id") or 0), str(r.get("time") or ""), str(r.get("user") or ""),
                             str(r.get("action") or ""), str(r.get("kind") or "")))
    return len(rows), out


def action_changes(conn: sqlite3.Connection, action_id: int) -> list[RowChange]:
    """Every net change of one action: field changes of replaced rows, real inserts and deletes."""
    return changes_page(conn, None, 0, -1, action_id=action_id)
