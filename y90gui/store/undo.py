"""Undo, redo and the audit history of a case series, read from the `actions` and `audit` tables.

A mixin of `Store`. Nothing is undone in place: an undo replays the audit rows of an action
backwards as a new action of kind "undo" (a redo replays the undo backwards), so the audit
trail is only ever appended to and the undo stack survives closing the file.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from y90gui.store.errors import NothingToUndoError
from y90gui.store.sqlrows import audit_values, insert_sql

if TYPE_CHECKING:  # history (the audit trail's readers) loads with the first undo preview, not at start-up
    from y90gui.store.history import ReverseCounts
    from y90gui.store.store import Change


class UndoMixin:
    """Needs the store's `conn` and its `action()` transaction."""

    conn: sqlite3.Connection
    if TYPE_CHECKING:
        def action(self, description: str, kind: str = "edit",
                   reverses: int | None = None) -> AbstractContextManager[Change]: ...

    def undo_stack(self) -> tuple[list[int], list[int]]:
        """(undoable action ids, newest last; redoable action ids, newest last).

        An action is undoable when it has not been reversed; an undo is redoable until a new
        ordinary action follows it (as in every editor).
        """
        rows = self.conn.execute("SELECT id, kind, reverses FROM actions ORDER BY id").fetchall()
        undoable: list[int] = []
        redoable: list[int] = []
        for aid, kind, reverses in rows:
            if kind == "undo":
                if undoable and undoable[-1] == reverses:
                    undoable.pop()
                redoable.append(aid)
            elif kind == "redo":
                if redoable:
                    redoable.pop()
                undoable.append(aid)
            elif kind in ("edit", "import"):
                undoable.append(aid)
                redoable.clear()
        return undoable, redoable

    def action_description(self, action_id: int) -> str:
        row: tuple[str] | None = self.conn.execute(
            "SELECT description FROM actions WHERE id = ?", (action_id,)
        ).fetchone()
        return row[0] if row else ""

    def action_row_count(self, action_id: int) -> int:
        """How many audit rows the action wrote: how big its undo is (the window runs a big one
        on a worker)."""
        row = self.conn.execute("SELECT count(*) FROM audit WHERE action_id = ?", (action_id,)).fetchone()
        return int(row[0])

    def undo(self) -> Change:
        undoable, _ = self.undo_stack()
        if not undoable:
            raise NothingToUndoError("nothing to undo")
        target = undoable[-1]
        return self._reverse(target, "undo", f"undo: {self.action_description(target)}")

    def redo(self) -> Change:
        _, redoable = self.undo_stack()
        if not redoable:
            raise NothingToUndoError("nothing to redo")
        target = redoable[-1]
        return self._reverse(target, "redo", self.action_description(target).removeprefix("undo: "))

    def undo_preview(self, which: str = "undo") -> ReverseCounts | None:
        """What `undo()` (or `redo()`) would remove, restore and change; None when nothing to do.

        GUI-free, one SQL pass over the audit rows of the action (`store.history.reverse_counts`),
        so the window can ask before an undo deletes a whole cohort.
        """
        undoable, redoable = self.undo_stack()
        stack = undoable if which == "undo" else redoable
        if not stack:
            return None
        from y90gui.store.history import reverse_counts

        return reverse_counts(self.conn, stack[-1], self.action_description(stack[-1]))

    def _reverse(self, action_id: int, kind: str, description: str) -> Change:
        rows = self.conn.execute(
            "SELECT tbl, row_key, patient_id, op, old, new FROM audit WHERE action_id = ? ORDER BY id DESC",
            (action_id,),
        ).fetchall()
        with self.action(description, kind=kind, reverses=action_id) as change:
            self.conn.execute("PRAGMA defer_foreign_keys = ON")
            for tbl, row_key, pid, op, old, new in rows:
                key_col = "patient_id" if tbl == "patients" else "id"
                key: Any = row_key if tbl == "patients" else int(row_key)
                if op == "insert":
                    self.conn.execute(f'DELETE FROM "{tbl}" WHERE {key_col} = ?', (key,))
                elif op == "delete":
                    values = audit_values(tbl, old)
                    names = list(values)
                    self.conn.execute(insert_sql(tbl, names), list(values.values()))
                else:
                    values = audit_values(tbl, old)
                    current_key = json.loads(new)[key_col]
                    sets = ", ".join(f'"{n}" = ?' for n in values)
                    self.conn.execute(f'UPDATE "{tbl}" SET {sets} WHERE {key_col} = ?', [*values.values(), current_key])
                change.tables.add(tbl)
                if pid:
                    change.patient_ids.add(pid)
        return change

    def history(self, patient_id: str | None = None, limit: int = 5000) -> list[dict[str, Any]]:
        """Audit rows, newest first, with the action that caused them."""
        where, params = ("WHERE a.patient_id = ?", [patient_id]) if patient_id else ("", [])
        rows = self.conn.execute(
            "SELECT a.id, a.time, a.user, a.tbl, a.row_key, a.patient_id, a.op, a.old, a.new, "
            "ac.id, ac.description, ac.kind "
            f"FROM audit a LEFT JOIN actions ac ON ac.id = a.action_id {where} ORDER BY a.id DESC LIMIT ?",
            [*params, limit],
        ).fetchall()
        keys = ("id", "time", "user", "table", "key", "patient_id", "op", "old", "new", "action_id",
                "action", "kind")
        out = []
        for r in rows:
            d = dict(zip(keys, r, strict=True))
            d["old"] = audit_values(d["table"], d["old"]) if d["old"] else None
            d["new"] = audit_values(d["table"], d["new"]) if d["new"] else None
            out.append(d)
        return out
