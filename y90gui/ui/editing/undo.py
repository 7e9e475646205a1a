"""Undo and redo from the Edit menu: small edits at once, big actions (an import) on a worker.

The store replays an action's audit rows backwards as a new action (so the audit trail is
never rewritten). An edit's undo is a few milliseconds and runs on the GUI thread; an import's
undo rewrites thousands of rows (seconds), so it runs on a worker connection behind a modal,
non-cancellable dialog (one transaction cannot stop half-way). Everything goes through what
both back ends answer (`undo_stack`, `action_row_count`, `undo_preview`, `undo`, `redo`): on a
registry these are the login's own actions only (`registry.undo`), and an undo that would throw
away someone else's later change is refused with a message naming who changed which row when.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from y90gui.core.errors import Y90Error
from y90gui.store.history import ReverseCounts
from y90gui.store.store import Change, Store
from y90gui.ui.dialogs.progress import TaskDialog
from y90gui.ui.session import Session

#: Undo/redo of an action with more row changes than this runs on a worker (an import's undo
#: rewrites thousands of rows: seconds, which must not freeze the window).
SYNC_REVERSE_ROWS = 2000
#: Counting what an undo removes pairs the audit rows of the sheets an action both deleted from
#: and inserted into (~4 µs a row): up to this many rows on the GUI thread (< 100 ms), more on
#: a worker before the question.
SYNC_PREVIEW_ROWS = 20000


class UndoRedo:
    """Part of the editing controller: `update_actions()` after each attempt, `keep(dialog)` for
    the dialog of a big one; the window's `select_patient` brings up an undone patient."""

    def __init__(self, window: Any, session: Session, update_actions: Callable[[], None],
                 keep: Callable[[Any], None]) -> None:
        self.window = window
        self.session = session
        self.update_actions = update_actions
        self.keep = keep

    def undo(self) -> Change | None:
        return self._reverse("undo")

    def redo(self) -> Change | None:
        return self._reverse("redo")

    def _reverse(self, which: str) -> Change | None:
        """Undo/redo the newest action; a big one (an import) on a worker behind a modal dialog."""
        store = self.session.store
        if store is None or store.read_only or self.session.tasks.running().count("undo"):
            return None
        undoable, redoable = store.undo_stack()
        stack = undoable if which == "undo" else redoable
        if not stack:
            self.update_actions()
            return None
        rows = store.action_row_count(stack[-1])
        if rows > SYNC_PREVIEW_ROWS:  # counting what it removes reads every audit row: a worker's job
            self._preview_on_worker(which, store, stack[-1])
            return None
        if not self._agreed(which, store.undo_preview(which)):
            return None
        if rows > SYNC_REVERSE_ROWS:
            self._reverse_on_worker(which, store, store.action_description(stack[-1]))
            return None
        try:
            change = store.undo() if which == "undo" else store.redo()
        except (Y90Error, sqlite3.Error) as exc:
            self.refused(which, exc)
            return None
        self.session.apply(change)
        self._reversed(which, change)
        return change

    def _agreed(self, which: str, preview: ReverseCounts | None) -> bool:
        """True unless the reversal removes more than a handful of rows and the user says Keep."""
        if preview is None or not preview.needs_confirmation() or self.confirm(which, preview):
            return True
        self.session.message.emit(f"Not {which}ne: {preview.description.removeprefix('undo: ')}", 8000)
        return False

    def _preview_on_worker(self, which: str, store: Store, action_id: int) -> None:
        """Count what a big undo/redo removes on a worker, then ask, then reverse it on a worker."""
        from y90gui.ui.dialogs.worker_store import reading

        def work(_progress: Any) -> ReverseCounts | None:
            with reading(store) as worker:
                preview = worker.undo_preview(which)
            return preview if preview is not None and preview.action_id == action_id else None

        def counted(preview: ReverseCounts | None) -> None:
            self.session.message.emit("", 1)
            if self.session.store is not store or preview is None:
                self.update_actions()
                return
            if self._agreed(which, preview):
                self._reverse_on_worker(which, store, preview.description)

        def failed(exc: BaseException) -> None:
            self.refused(which, exc)

        self.session.message.emit(f"Checking what the {which} changes…", 0)
        self.session.tasks.start("undo", work, on_finished=counted, on_failed=failed)

    def refused(self, which: str, exc: BaseException) -> None:
        """Say why nothing was undone: in the status bar, and in a box when someone else's later
        change stood in the way (a registry's `ConflictError` names who changed which row when)."""
        from y90gui.registry.errors import ConflictError

        self.session.message.emit(f"Cannot {which}: {exc}", 10000)
        self.update_actions()
        if isinstance(exc, ConflictError):
            reason = str(exc)
            box = QMessageBox(QMessageBox.Icon.Warning, f"Cannot {which}", f"Cannot {which}: someone else changed "
                              "those rows later.", QMessageBox.StandardButton.Ok, self.window)
            box.setInformativeText(reason[:1].upper() + reason[1:] + ".")
            box.setObjectName("UndoRefused")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.setTextFormat(Qt.TextFormat.PlainText)
            self.keep(box)
            box.open()

    def confirm(self, which: str, preview: ReverseCounts) -> bool:
        """Ask before an undo/redo that deletes more than a handful of rows; No is the default."""
        return self.question_box(which, preview).exec() == int(QMessageBox.StandardButton.Yes)

    def question_box(self, which: str, preview: ReverseCounts) -> QMessageBox:
        """The question `confirm` asks (built apart so screenshots can show it)."""
        verb = which.capitalize()
        box = QMessageBox(QMessageBox.Icon.Warning, f"{verb}?", preview.describe(verb),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.window)
        box.setObjectName("ConfirmUndo")
        store = self.session.store
        left = store.counts().get("patients", 0) - preview.removes.get("patients", 0) if store else 1
        empty = "Afterwards the file holds no patients. " if left <= 0 and preview.removes.get("patients") else ""
        box.setInformativeText(f"{empty}{verb} it? {'Redo' if which == 'undo' else 'Undo'} brings it back.")
        box.button(QMessageBox.StandardButton.Yes).setText(verb)
        box.button(QMessageBox.StandardButton.No).setText("Keep")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.keep(box)
        return box

    def _reverse_on_worker(self, which: str, store: Store, description: str) -> TaskDialog:
        from y90gui.ui.dialogs.worker_store import writing

        def work(_progress: Any) -> Change:
            with writing(store) as worker:
                change: Change = worker.undo() if which == "undo" else worker.redo()
                return change

        what = description.removeprefix("undo: ")
        dialog = self.session.run_op("undo", f"{which.capitalize()} {what}", work, self.window,
                                     on_success=lambda change: self._reversed(which, change),
                                     show_after_ms=0, cancellable=False)
        dialog.progress.failed.connect(lambda _exc: self.update_actions())  # the dialog says why
        self.keep(dialog)
        return dialog

    def _reversed(self, which: str, change: Change) -> None:
        """After the session has broadcast it: say what was undone and show its patient."""
        verb = "Undone" if which == "undo" else "Redone"
        self.session.message.emit(f"{verb}: {change.description.removeprefix('undo: ')}", 8000)
        # Show what was undone: an edit of another patient brings that patient up.
        if len(change.patient_ids) == 1:
            (pid,) = change.patient_ids
            if pid != self.window.current_patient_id():
                self.window.patient_panel.select_patient(pid)

