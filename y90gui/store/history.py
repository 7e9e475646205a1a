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
import threading
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


def _net_rows(where: str, whole_trail: bool = False, paired: str | None = None) -> str:
    """One row per (action, sheet, row identity): `i`, `d`, `u` the inserts, deletes and updates
    left once every delete/insert pair of equal content (a row written back unchanged) is
    cancelled, `top` the newest audit id, `ids` all its audit ids. The one grouping rule.

    `whole_trail`: over the whole audit trail, the JSON identity is computed only for the sheets
    an action both deleted from and inserted into (an import's replacements); every other audit
    row is a change of its own (a first import of 10,000 patients needs no pairing). `paired`:
    the same with those sheets named by an SQL condition (one action's, `action_spans`).
    """
    identity, content = _IDENTITY, _CONTENT
    if whole_trail or paired is not None:
        mixed = paired if paired is not None else f"(action_id, tbl) IN ({_MIXED})"
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
    if patient_id is None and action_id is None:
        spans = action_spans(conn)
        if spans is not None:
            return sum(_span_changes(conn, s) for s in spans)
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
    """(how many row changes there are, the page of them). The whole trail (no patient, no
    action) is paged action by action (`action_spans`): a page reads its own actions' rows, not
    1.5 M of them; a patient's or an action's history is one grouping pass (few rows, indexed)."""
    if patient_id is None and action_id is None:
        spans = action_spans(conn)
        if spans is not None:
            total, groups = _trail_page(conn, spans, offset, limit)
            return total, _changes_of(conn, groups)
    where, params = _where(patient_id, action_id)
    rows = conn.execute(
        f"SELECT ids, count(*) OVER () FROM ({_net_rows(where, not params)}) {_CHANGED} "
        "ORDER BY top DESC LIMIT ? OFFSET ?",
        [*params, limit, offset]).fetchall()
    total = int(rows[0][1]) if rows else change_count(conn, patient_id, action_id)
    return total, _changes_of(conn, [sorted(int(i) for i in str(ids).split(",")) for ids, _n in rows])


def _changes_of(conn: sqlite3.Connection, groups: list[list[int]]) -> list[RowChange]:
    """The row changes of `groups` (each a row identity's audit ids), in the groups' order."""
    wanted = sorted({i for ids in groups for i in ids})
    found: dict[int, tuple[Any, ...]] = {}
    for at in range(0, len(wanted), 4000):  # under SQLite's limit of bound parameters
        chunk = wanted[at:at + 4000]
        found.update((r[0], r) for r in conn.execute(
            "SELECT a.id, a.op, a.old, a.new, a.action_id, a.tbl, a.patient_id, a.time, a.user, "
            f"coalesce(ac.description, ''), coalesce(ac.kind, '') FROM audit a LEFT JOIN actions ac "
            f"ON ac.id = a.action_id WHERE a.id IN ({','.join('?' * len(chunk))})", chunk))
    out: list[RowChange] = []
    for ids in groups:
        rows = [found[i] for i in sorted(ids)]
        first = rows[-1]
        meta = {"time": first[7], "user": first[8], "action": first[9], "kind": first[10]}
        out.extend(_group(first[4], first[5], first[6], [r[:4] for r in rows], meta))
    return out


@dataclass(frozen=True)
class ActionSpan:
    """One action's audit rows: how many, their first and last id, and the sheets it both deleted
    from and inserted into (`mixed`: only their rows are paired, as `_net_rows(whole_trail)` does)."""

    action_id: int | None
    rows: int
    first: int
    last: int
    mixed: tuple[str, ...]


@dataclass
class _Trail:
    """What `action_spans` has read of one file's trail: audit ids up to `seen` (whose action was
    `seen_action`), per action [rows, first id, last id, sheets inserted into, sheets deleted from]."""

    seen: int = 0
    seen_action: int | None = None
    per: dict[int | None, list[Any]] = field(default_factory=dict)


#: Per file: the audit trail is append-only, so what was read stays true; a page reads only the
#: audit rows added since (a rowid range), not the whole trail again.
_TRAILS: dict[str, _Trail] = {}
_TRAILS_LOCK = threading.Lock()


def _file_of(conn: sqlite3.Connection) -> str:
    return str(conn.execute("PRAGMA database_list").fetchone()[2] or "")


def _has_history_index(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'audit_action_tbl_op'"
                        ).fetchone() is not None


def _first_reading(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """The whole trail's (action, sheet, rows, inserts, deletes, first, last) rows, cheaply: each
    action's rows and id range from the index `audit_action`, and whether it inserted into or
    deleted from a sheet by a seek each in `audit_action_tbl_op` (the rows' sheets and ops are
    not read one by one). The rows count is the action's, given on its first sheet only."""
    from y90gui.store.schema import COHORTS

    names = [s.name for s in (*SHEETS, COHORTS)]
    exists = "SELECT EXISTS (SELECT 1 FROM audit WHERE action_id IS ? AND tbl = ? AND op = ?)"
    out: list[tuple[Any, ...]] = []
    for aid, n, lo, hi in conn.execute(
            "SELECT action_id, count(*), min(id), max(id) FROM audit INDEXED BY audit_action GROUP BY action_id"
            ).fetchall():
        count = n
        for name in names:
            ins, dels = (conn.execute(exists, (aid, name, op)).fetchone()[0] for op in ("insert", "delete"))
            if ins or dels:
                out.append((aid, name, count, ins, dels, lo, hi))
                count = 0
        if count:  # only updates (or a sheet this version does not know): counted all the same
            out.append((aid, "", count, 0, 0, lo, hi))
    return out


def action_spans(conn: sqlite3.Connection) -> list[ActionSpan] | None:
    """Every action of the trail, newest first; None when two actions' audit ids interleave (then
    "newest first" is not action by action). The first call on a file reads the index
    `audit_action_tbl_op` (~0.4 s at 1.5 M audit rows), later ones only the rows added since."""
    file = _file_of(conn)
    with _TRAILS_LOCK:
        trail = _TRAILS.get(file) if file else None
    if trail is not None:
        row = conn.execute("SELECT action_id FROM audit WHERE id = ?", (trail.seen,)).fetchone()
        if trail.seen and (row is None or row[0] != trail.seen_action):  # another file at this path
            trail = None
    trail = _Trail() if trail is None else _Trail(trail.seen, trail.seen_action,
                                                  {k: [*v[:3], set(v[3]), set(v[4])] for k, v in trail.per.items()})
    if not trail.seen and _has_history_index(conn):
        rows = _first_reading(conn)
    else:  # the rows added since (a rowid range, not an index scan), or a file without the index
        rows = conn.execute(
            "SELECT action_id, tbl, count(*), sum(op = 'insert'), sum(op = 'delete'), min(id), max(id) "
            "FROM audit NOT INDEXED WHERE id > ? GROUP BY action_id, tbl", (trail.seen,)).fetchall()
    for aid, tbl, n, ins, dels, lo, hi in rows:
        span = trail.per.setdefault(aid, [0, lo, hi, set(), set()])
        span[0] += n
        span[1], span[2] = min(span[1], lo), max(span[2], hi)
        if ins:
            span[3].add(tbl)
        if dels:
            span[4].add(tbl)
        if hi > trail.seen:
            trail.seen, trail.seen_action = hi, aid
    if file:
        with _TRAILS_LOCK:
            _TRAILS[file] = trail
    spans = sorted((ActionSpan(aid, n, lo, hi, tuple(sorted(ins & dels)))
                    for aid, (n, lo, hi, ins, dels) in trail.per.items()), key=lambda s: s.last, reverse=True)
    if any(newer.first <= older.last for newer, older in zip(spans, spans[1:])):
        return None
    return spans


#: The grouped changes of actions with replaced rows, newest first ((top, ids) each), per
#: (file, action, rows, first id, last id): the audit trail is append-only, so an action's
#: changes never change once written; a re-import's pairing is computed once per session.
_MIXED_GROUPS: dict[tuple[str, int | None, int, int, int], list[list[int]]] = {}


def _mixed_groups(conn: sqlite3.Connection, span: ActionSpan) -> list[list[int]]:
    """`span`'s row changes newest first, each as its audit ids: its mixed sheets' rows paired."""
    file = str(conn.execute("PRAGMA database_list").fetchone()[2])
    key = (file, span.action_id, span.rows, span.first, span.last)
    if key not in _MIXED_GROUPS:
        # the sheet names as SQL literals: the condition appears twice in the query
        sheets = ",".join("'" + t.replace("'", "''") + "'" for t in span.mixed)
        action = "NULL" if span.action_id is None else str(int(span.action_id))
        rows = conn.execute(
            f"SELECT ids FROM ({_net_rows(f'WHERE action_id IS {action}', paired=f'tbl IN ({sheets})')}) "
            f"{_CHANGED} ORDER BY top DESC").fetchall()
        if len(_MIXED_GROUPS) >= 16:
            _MIXED_GROUPS.pop(next(iter(_MIXED_GROUPS)))
        _MIXED_GROUPS[key] = [sorted(int(i) for i in str(ids).split(",")) for (ids,) in rows]
    return _MIXED_GROUPS[key]


def _span_changes(conn: sqlite3.Connection, span: ActionSpan) -> int:
    return len(_mixed_groups(conn, span)) if span.mixed else span.rows


def _trail_page(conn: sqlite3.Connection, spans: list[ActionSpan], offset: int, limit: int
                ) -> tuple[int, list[list[int]]]:
    """(changes in the whole trail, the audit ids of changes offset .. offset + limit, newest first)."""
    total = sum(_span_changes(conn, s) for s in spans)
    want = total if limit < 0 else limit
    groups: list[list[int]] = []
    skip = offset
    for span in spans:
        if len(groups) >= want:
            break
        n = _span_changes(conn, span)
        if skip >= n:
            skip -= n
            continue
        take = min(n - skip, want - len(groups))
        if span.mixed:
            groups += _mixed_groups(conn, span)[skip:skip + take]
        elif span.rows == span.last - span.first + 1:  # contiguous ids: the page is an id range
            groups += [[i] for i in range(span.last - skip, span.last - skip - take, -1)]
        else:
            groups += [[i] for (i,) in conn.execute(
                "SELECT id FROM audit WHERE action_id IS ? ORDER BY id DESC LIMIT ? OFFSET ?",
                (span.action_id, take, skip))]
        skip = 0
    return total, groups


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
