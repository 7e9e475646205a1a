"""Undo on a registry: one's own last action, and only while nobody has changed its rows since.

As in the file (`store.undo`), nothing is undone in place: the audit rows of the action are
replayed backwards as a new action of kind "undo", so the audit is only appended to. Unlike
the file, several people write at once, so each replayed row is first matched against the
action's result (`audit.new`): a row someone else changed, re-created or deleted afterwards
makes the whole undo fail with who changed it and when (the transaction leaves nothing),
because undoing it would silently throw their change away. Redo replays one's own latest
undo backwards in the same way (an action of kind "redo"), refused by the same check when
someone else changed those rows after the undo; a new edit of one's own ends what can be redone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from y90gui.core.sheets import SHEET_BY_NAME
from y90gui.registry.connection import translated
from y90gui.registry.errors import ConflictError, RegistryError
from y90gui.registry.schema import HIDDEN_COLUMNS, SCHEMA, quote_ident, table

if TYPE_CHECKING:
    from y90gui.registry.database import Registry
    from y90gui.store.history import ReverseCounts
    from y90gui.store.store import Change

_HIDDEN = "ARRAY[" + ", ".join(f"'{c}'" for c in HIDDEN_COLUMNS) + "]"


#: This login's latest edit, import or redo not undone yet: what Undo undoes.
_UNDOABLE = (f"SELECT 'undo', a.id, a.description, a.kind FROM {SCHEMA}.actions a WHERE a.\"user\" = session_user "
             "AND a.kind IN ('edit', 'import', 'redo') AND NOT EXISTS (SELECT 1 FROM "
             f"{SCHEMA}.actions u WHERE u.reverses = a.id AND u.kind = 'undo') ORDER BY a.id DESC LIMIT 1")
#: This login's latest action of the patients' (an undo: Redo redoes it; anything else ends redo).
_LATEST = (f"SELECT 'redo', a.id, a.description, a.kind FROM {SCHEMA}.actions a WHERE a.\"user\" = session_user "
           "AND a.kind IN ('edit', 'import', 'undo', 'redo') ORDER BY a.id DESC LIMIT 1")


def own_stack(reg: Registry) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
    """((id, description) Undo would undo, (id, description) Redo would redo), in one round trip
    (the window asks after every change and selection)."""
    with translated("reading the actions"):
        rows = reg.conn.execute(f"({_UNDOABLE}) UNION ALL ({_LATEST})").fetchall()
    found = {which: (int(aid), str(description)) for which, aid, description, kind in rows
             if which == "undo" or kind == "undo"}
    return found.get("undo"), found.get("redo")


def last_undoable(reg: Registry) -> tuple[int, str] | None:
    """(id, description) of this login's latest edit or import not undone yet."""
    return own_stack(reg)[0]


def last_redoable(reg: Registry) -> tuple[int, str] | None:
    """(id, description) of this login's latest undo, when nothing of theirs came after it
    (an edit, an import or a redo of it ends the chance to redo)."""
    return own_stack(reg)[1]


def preview(reg: Registry, which: str) -> ReverseCounts | None:
    """What undoing (or redoing) this login's latest action would remove, restore and change,
    per sheet, from its audit rows: a row key the action inserted and did not delete is removed,
    one it deleted and did not re-insert is restored, the rest are changes (an import rewrites
    a patient's child rows under new ids: pairs of them count as changes)."""
    from y90gui.store.history import ReverseCounts

    target = last_undoable(reg) if which == "undo" else last_redoable(reg)
    if target is None:
        return None
    action_id, description = target
    with translated("reading the audit"):
        rows = reg.conn.execute(
            f"SELECT tbl, count(*) FILTER (WHERE op = 'insert'), count(*) FILTER (WHERE op = 'delete'), "
            f"count(*) FILTER (WHERE op = 'update'), "
            f"count(DISTINCT row_key) FILTER (WHERE op = 'insert' AND row_key IN (SELECT d.row_key FROM "
            f"{SCHEMA}.audit d WHERE d.action_id = %s AND d.tbl = a.tbl AND d.op = 'delete')) "
            f"FROM {SCHEMA}.audit a WHERE action_id = %s GROUP BY tbl", (action_id, action_id)).fetchall()
    counts = ReverseCounts(action_id, description)
    for tbl, inserted, deleted, updated, same_key in rows:
        pairs = min(inserted - same_key, deleted - same_key)  # replaced under a new id
        changes = same_key + pairs + updated
        removes, restores = inserted - same_key - pairs, deleted - same_key - pairs
        # an undo removes what the action inserted; a redo replays an undo, whose inserts are
        # what the undo restored: the same arithmetic on the audit of the action reversed
        for bucket, n in ((counts.removes, removes), (counts.restores, restores), (counts.changes, changes)):
            if n:
                bucket[tbl] = int(n)
    return counts


def undo(reg: Registry) -> Change:
    target = last_undoable(reg)
    if target is None:
        raise RegistryError("nothing of yours to undo")
    action_id, description = target
    return _replay_backwards(reg, action_id, f"undo: {description}", "undo")


def redo(reg: Registry) -> Change:
    target = last_redoable(reg)
    if target is None:
        raise RegistryError("nothing of yours to redo")
    action_id, description = target
    return _replay_backwards(reg, action_id, "redo: " + description.removeprefix("undo: "), "redo")


def _replay_backwards(reg: Registry, action_id: int, description: str, kind: str) -> Change:
    """One new action that reverses `action_id`'s audit rows, each checked against its result."""
    with translated("reading the audit"):
        rows = reg.conn.execute(
            f"SELECT tbl, row_key, op, old, new FROM {SCHEMA}.audit WHERE action_id = %s ORDER BY id DESC",
            (action_id,)).fetchall()
    with reg.action(description, kind=kind, reverses=action_id) as change:
        for tbl, row_key, op, old, new in rows:
            _reverse_row(reg, tbl, row_key, op, old, new, kind)
            change.tables.add(tbl)
            patient = (new or old).get("patient_id")
            if patient:
                change.patient_ids.add(patient)
    return change


def _reverse_row(reg: Registry, tbl: str, row_key: str, op: str, old: dict[str, Any] | None,
                 new: dict[str, Any] | None, kind: str) -> None:
    sheet = SHEET_BY_NAME[tbl]
    key_col = "patient_id" if tbl == "patients" else "id"
    key: Any = row_key if tbl == "patients" else int(row_key)
    names = list(sheet.column_names) if tbl == "patients" else ["id", *sheet.column_names]
    cols = ", ".join(quote_ident(n) for n in names)
    unchanged = f"(to_jsonb(t) - {_HIDDEN}) = %s::jsonb"
    conn = reg.conn
    from psycopg.types.json import Jsonb

    if op == "insert":
        done = conn.execute(f"DELETE FROM {table(tbl)} t WHERE {key_col} = %s AND {unchanged}",
                            (key, Jsonb(new))).rowcount
    elif op == "update":
        assert new is not None
        done = conn.execute(
            f"UPDATE {table(tbl)} t SET ({cols}) = (SELECT {cols} FROM jsonb_populate_record(NULL::{table(tbl)}, %s)) "
            f"WHERE {key_col} = %s AND {unchanged}", (Jsonb(old), new[key_col], Jsonb(new))).rowcount
    else:
        exists = conn.execute(f"SELECT 1 FROM {table(tbl)} WHERE {key_col} = %s", (key,)).fetchone()
        done = 0 if exists else conn.execute(
            f"INSERT INTO {table(tbl)} ({cols}) SELECT {cols} FROM jsonb_populate_record(NULL::{table(tbl)}, %s)",
            (Jsonb(old),)).rowcount
    if done != 1:
        _refuse(reg, tbl, key_col, key if op != "update" else (new or {}).get(key_col, key), kind)


def _refuse(reg: Registry, tbl: str, key_col: str, key: Any, kind: str) -> None:
    row = reg.conn.execute(f"SELECT changed_by, changed_at FROM {table(tbl)} WHERE {key_col} = %s",
                           (key,)).fetchone()
    if row is None:
        who = "was deleted since by someone else"
    else:
        who = f"was changed by {row[0]} at {row[1].astimezone().isoformat(timespec='seconds')}"
    raise ConflictError(f"{tbl} row {key} {who}: {kind}ing would lose that change, so nothing was {kind}ne")
