"""Undo and redo from the Edit menu: small edits at once, big actions (an import) on a worker.

The store replays an action's audit rows backwards as a new action (so the audit trail is
never rewritten). An edit's undo is a few milliseconds and runs on the GUI thread; an import's
undo rewrites thousands of rows (seconds), so it runs on a worker connection behind a modal,
non-cancellable dialog (one transaction cannot stop half-way).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from y90gui.core.errors import Y90Error
from y90gui.store.store import Change, Store
from y90gui.ui.dialogs.progress import TaskDialog, run_task

#: Undo/redo of an action with more row changes than this runs on a worker (an import's undo
#: rewrites thousands of rows: seconds, which must not freeze the window).
SYNC_REVERSE_ROWS = 2000


class UndoMixin:
    """Part of `EditingController` (needs `window`, `store`, `sync_store`, `update_actions`, `_keep`)."""

    window: Any
    store: Store | None

    def sync_store(self) -> None:
        raise NotImplementedError

    def update_actions(self) -> None:
        raise NotImplementedError

    def _keep(self, dialog: Any) -> None:
        raise NotImplementedError

    def undo(self) -> Change | None:
        return self._reverse("undo")

    def redo(self) -> Change | None:
        return self._reverse("redo")

    def _reverse(self, which: str) -> Change | None:
        """Undo/redo the newest action; a big one (an import) on a worker behind a modal dialog."""
        self.sync_store()
        store = self.store
        if store is None or store.read_only or self.window.tasks.running().count("undo"):
            return None
        undoable, redoable = store.undo_stack()
        stack = undoable if which == "undo" else redoable
        if not stack:
            self.update_actions()
            return None
        rows = store.conn.execute("SELECT count(*) FROM audit WHERE action_id = ?", (stack[-1],)).fetchone()[0]
        if rows > SYNC_REVERSE_ROWS:
            self._reverse_on_worker(which, store, store.action_description(stack[-1]))
            return None
        try:
            change = store.undo() if which == "undo" else store.redo()
        except (Y90Error, sqlite3.Error) as exc:
            self.window.statusBar().showMessage(f"Cannot {which}: {exc}", 10000)
            self.update_actions()
            return None
        self._reversed(which, change)
        return change

    def _reverse_on_worker(self, which: str, store: Store, description: str) -> TaskDialog:
        from y90gui.ui.dialogs.worker_store import writing

        def work(_progress: Any) -> Change:
            with writing(store) as worker:
                return worker.undo() if which == "undo" else worker.redo()

        what = description.removeprefix("undo: ")
        dialog = run_task(self.window, self.window.tasks, "undo", f"{which.capitalize()} {what}", work,
                          lambda change: self._reversed(which, change), show_after_ms=0, cancellable=False)
        dialog.progress.failed.connect(lambda _exc: self.update_actions())
        self._keep(dialog)
        return dialog

    def _reversed(self, which: str, change: Change) -> None:
        verb = "Undone" if which == "undo" else "Redone"
        self.window.statusBar().showMessage(f"{verb}: {change.description.removeprefix('undo: ')}", 8000)
        self.window.session.apply(change)
        # Show what was undone: an edit of another patient brings that patient up.
        if len(change.patient_ids) == 1:
            (pid,) = change.patient_ids
            if pid != self.window.current_patient_id():
                self.window.patient_panel.select_patient(pid)

