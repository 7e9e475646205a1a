"""Wires editing into gui1's MainWindow: actions, validated detail tables, History tab, safe close.

The window's `Session` owns the store and broadcasts every write as `changed(Change)`; this
controller hands each write made here (a cell edit, an added or deleted row, undo, redo, an
import) to `session.apply` exactly once, keeps "Undo <what>" / "Redo <what>" in step with the
store's undo stack, and refuses to quit while an import or export is still running unless the
user agrees (then the workers are cancelled and waited for by the window's own shutdown).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMessageBox

from y90gui.core.errors import Y90Error
from y90gui.services.registry_session import is_registry
from y90gui.store.store import Change, Store
from y90gui.ui.editing.exchange import Exchange
from y90gui.ui.editing.row_dialog import ERROR_STYLE, AddRowDialog
from y90gui.ui.editing.rows import RowActions
from y90gui.ui.editing.undo import UndoRedo
from y90gui.ui.editing.work_strip import WorkStrip
from y90gui.ui.history import HistoryPanel
from y90gui.ui.models.sheet_model import edit_hub

log = logging.getLogger(__name__)
#: Tasks that only recompute what is on screen: quitting does not need to ask about them.
BACKGROUND_TASKS = frozenset({"cohort", "warmup", "report", "km", "summary", "history"})


class EditingController(QObject):
    """One per window: `window.editing`. Composed of `RowActions` (rows), `UndoRedo` and
    `Exchange` (File menu), each its own object; this one wires them to the window's actions."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.store: Store | None = None
        self.dialog: Any = None  # the last dialog opened (tests, screenshots)
        self.history = HistoryPanel(parent=window.detail_tabs)
        self.history.setObjectName("HistoryPanel")
        self.history.model.tasks = window.tasks  # the whole series' history loads on a worker
        window.detail_tabs.addTab(self.history, "Hi&story")  # Alt+H is the Help menu
        self.message = QLabel()
        self.message.setObjectName("EditMessage")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        parent = window.detail_tabs.parentWidget()
        if parent is not None and parent.layout() is not None:
            parent.layout().addWidget(self.message)
        self.rows = RowActions(window, window.detail_tabs, self.message, self._keep)
        self.row_toolbar = self.rows.row_toolbar
        self.add_row_action = self.rows.add_row_action
        self.delete_row_action = self.rows.delete_row_action
        self.undo_redo = UndoRedo(window, self.session, self.update_actions, self._keep)
        self.exchange = Exchange(window, self.session, self._keep, window.filtered_patient_ids)
        a = window.actions
        for key, slot in (("import", self.open_import), ("export", self.open_export),
                          ("template", self.export_template), ("backup", self.backup),
                          ("undo", self.undo), ("redo", self.redo)):
            a[key].triggered.connect(lambda _=False, slot=slot: slot())

        self.work_strip: WorkStrip | None = None
        if hasattr(window.tasks, "started"):
            self.work_strip = WorkStrip(window.tasks, BACKGROUND_TASKS, window)
            window.statusBar().addPermanentWidget(self.work_strip)

        hub = edit_hub()
        hub.committed.connect(self._model_committed)
        hub.refused.connect(self._model_refused)
        self.session.changed.connect(self._store_changed)
        self.session.patient_selected.connect(self._patient_selected)
        self.session.opened.connect(lambda _store: self.sync_store())
        self.session.closed.connect(self.sync_store)
        window.detail_tabs.currentChanged.connect(self._tab_changed)
        window.installEventFilter(self)  # asks before quitting with an import running
        self.sync_store()

    # ------------------------------------------------------------------ store following
    def sync_store(self) -> None:
        """Follow the session's store (`opened` / `closed`)."""
        store = self.session.store
        if store is not self.store:
            self.store = store
            self.history.set_store(store)
            self.history.set_patient(self.window.current_patient_id() if store else None)
            self.message.hide()
        self.update_actions()

    def update_actions(self) -> None:
        a = self.window.actions
        store = self.store
        has = store is not None
        writable = has and not store.read_only  # type: ignore[union-attr]
        registry = has and is_registry(store)
        # On a registry import is a writer's (an editor's centre only: the preview marks other
        # centres' rows as errors, the server refuses them); a reviewer does not get the action.
        # A read-only file keeps the dialog's preview (it says import is not possible).
        a["import"].setEnabled(has and (writable or not registry))
        a["import"].setToolTip("a reviewer reads only: import is for a coordinator or an editor" if registry
                               and not writable else "validate an Excel workbook and import it (all or nothing)")
        # export and backup/snapshot read what the login sees: a reviewer has them too
        a["export"].setEnabled(has)
        a["backup"].setEnabled(has)
        a["backup"].setText("Save &snapshot as .y90…" if registry else "&Backup…")
        a["backup"].setToolTip("write what this login sees of the registry as a new .y90 file for offline review"
                               if registry else "write a consistent copy of the open file")
        a["template"].setEnabled(True)
        undoable: list[int] = []
        redoable: list[int] = []
        if writable:
            try:
                undoable, redoable = store.undo_stack()  # type: ignore[union-attr]
            except (sqlite3.Error, Y90Error):
                pass
        self._set_undo_text(a["undo"], "Undo", undoable)
        self._set_undo_text(a["redo"], "Redo", redoable)
        self.rows.update()

    def _set_undo_text(self, action: QAction, verb: str, ids: list[int]) -> None:
        action.setEnabled(bool(ids))
        if ids and self.store is not None:
            try:
                what = self.store.action_description(ids[-1]).removeprefix("undo: ")
            except (sqlite3.Error, Y90Error):
                what = ""
            short = what if len(what) <= 60 else what[:57] + "…"
            action.setText(f"&{verb} {short}")
            action.setToolTip(f"{verb} {what}")
        else:
            action.setText(f"&{verb}")
            action.setToolTip(verb)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close and not self.confirm_close():
            event.ignore()
            return True
        return False

    # ------------------------------------------------------------------ broadcasts
    def _model_committed(self, model: Any, change: Change) -> None:
        if getattr(model, "store", None) is self.session.store and self.session.store is not None:
            self.message.hide()
            self.session.apply(change)

    def _model_refused(self, model: Any, reason: str) -> None:
        if getattr(model, "store", None) is not self.session.store:
            return
        self.message.setText(f"Not saved — {reason}")
        self.message.show()
        self.window.statusBar().showMessage(f"Not saved — {reason}", 10000)

    def _store_changed(self, change: Change) -> None:
        self.sync_store()  # also updates the row actions (a sheet may have gained its first row)
        self.history.on_store_changed(change)

    def _patient_selected(self, pid: str) -> None:
        self.sync_store()
        self.message.hide()
        self.history.set_patient(pid)

    def _tab_changed(self, _index: int) -> None:
        self.rows.update()

    # ------------------------------------------------------------------ the parts' commands
    def add_row(self) -> AddRowDialog | None:
        return self.rows.add_row()

    def delete_row(self) -> Change | None:
        return self.rows.delete_row()

    def undo(self) -> Change | None:
        return self.undo_redo.undo()

    def redo(self) -> Change | None:
        return self.undo_redo.redo()

    def open_import(self, path: str | Path | None = None) -> Any:
        return self.exchange.open_import(path)

    def open_export(self) -> Any:
        return self.exchange.open_export()

    def export_template(self, path: str | Path | None = None) -> Any:
        return self.exchange.export_template(path)

    def backup(self, path: str | Path | None = None) -> Any:
        return self.exchange.backup(path)

    def _keep(self, dialog: Any) -> None:
        """Remember the newest dialog (tests, screenshots) and free the previous one if it is done."""
        old = self.dialog
        self.dialog = dialog
        if old is not None and old is not dialog:
            try:
                busy = old.isVisible() or bool(getattr(getattr(old, "progress", None), "running", False))
            except RuntimeError:  # already deleted
                return
            if not busy:
                old.deleteLater()


    # ------------------------------------------------------------------ quitting
    def user_work(self) -> list[str]:
        return [k for k in self.window.tasks.running() if k not in BACKGROUND_TASKS]

    def confirm_close(self) -> bool:
        """Ask before quitting with an import/export running; yes = cancel it and quit."""
        running = self.user_work()
        if not running:
            return True
        if not self.ask_quit(running):
            return False
        for key in running:
            self.window.tasks.cancel(key)
        return True

    def ask_quit(self, running: list[str]) -> bool:
        """The question itself (tests replace it; a modal box cannot be clicked offscreen)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Work in progress",
                          f"Still running: {', '.join(running)}.\nQuit anyway? The running work is cancelled; "
                          "nothing half-done is kept.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.window)
        box.setObjectName("ConfirmQuit")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes


