"""Wires editing into gui1's MainWindow: actions, validated detail tables, History tab, safe close.

The window owns the store and broadcasts every write as `store_changed(Change)`; this
controller makes sure each write made here (a cell edit, an added or deleted row, undo, redo,
an import) is broadcast exactly once, keeps "Undo <what>" / "Redo <what>" in step with the
store's undo stack, and refuses to quit while an import or export is still running unless the
user agrees (then the workers are cancelled and waited for by the window's own shutdown).
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QTableView, QToolBar

from y90gui.core.errors import Y90Error
from y90gui.store.store import Change, Store
from y90gui.ui.dialogs.progress import TaskDialog, run_task
from y90gui.ui.editing.delegate import ValidatingDelegate, show_refusal, source_of
from y90gui.ui.editing.row_dialog import ERROR_STYLE, AddRowDialog
from y90gui.ui.editing.sheet_editor import make_editable
from y90gui.ui.editing.work_strip import WorkStrip
from y90gui.ui.history import HistoryPanel
from y90gui.ui.models.sheet_model import SheetRowsModel, edit_hub

log = logging.getLogger(__name__)
#: Undo/redo of an action with more row changes than this runs on a worker (an import's undo
#: rewrites thousands of rows: seconds, which must not freeze the window).
SYNC_REVERSE_ROWS = 2000
#: Tasks that only recompute what is on screen: quitting does not need to ask about them.
BACKGROUND_TASKS = frozenset({"cohort", "warmup", "report", "km", "summary"})


class EditingController(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.store: Store | None = None
        self.dialog: Any = None  # the last dialog opened (tests, screenshots)
        a = window.actions
        for key, slot in (("import", self.open_import), ("export", self.open_export),
                          ("template", self.export_template), ("backup", self.backup),
                          ("undo", self.undo), ("redo", self.redo)):
            a[key].triggered.connect(lambda _=False, slot=slot: slot())

        self.history = HistoryPanel(parent=window.detail_tabs)
        self.history.setObjectName("HistoryPanel")
        window.detail_tabs.addTab(self.history, "&History")
        self._make_tables_editable()
        self._build_row_toolbar()
        self.message = QLabel()
        self.message.setObjectName("EditMessage")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        parent = window.detail_tabs.parentWidget()
        if parent is not None and parent.layout() is not None:
            parent.layout().addWidget(self.message)

        self.work_strip: WorkStrip | None = None
        if hasattr(window.tasks, "started"):
            self.work_strip = WorkStrip(window.tasks, BACKGROUND_TASKS, window)
            window.statusBar().addPermanentWidget(self.work_strip)

        hub = edit_hub()
        hub.committed.connect(self._model_committed)
        hub.refused.connect(self._model_refused)
        window.store_changed.connect(self._store_changed)
        window.patient_selected.connect(self._patient_selected)
        window.detail_tabs.currentChanged.connect(self._tab_changed)
        window.windowTitleChanged.connect(lambda _t: self.sync_store())
        window.installEventFilter(self)
        detail = window.detail_tabs.parentWidget()
        if detail is not None:
            detail.installEventFilter(self)  # models are rebuilt (ChildAdded) when a file opens
        self.sync_store()

    # ------------------------------------------------------------------ store following
    def sync_store(self) -> None:
        """Follow the window's current store (it opens and closes files without telling us)."""
        store = self.window.store
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
        a["import"].setEnabled(has)
        a["export"].setEnabled(has)
        a["backup"].setEnabled(has)
        a["template"].setEnabled(True)
        undoable: list[int] = []
        redoable: list[int] = []
        if writable:
            try:
                undoable, redoable = store.undo_stack()  # type: ignore[union-attr]
            except sqlite3.Error:
                pass
        self._set_undo_text(a["undo"], "Undo", undoable)
        self._set_undo_text(a["redo"], "Redo", redoable)
        self._update_row_actions()

    def _set_undo_text(self, action: QAction, verb: str, ids: list[int]) -> None:
        action.setEnabled(bool(ids))
        if ids and self.store is not None:
            what = self.store.action_description(ids[-1]).removeprefix("undo: ")
            short = what if len(what) <= 60 else what[:57] + "…"
            action.setText(f"&{verb} {short}")
            action.setToolTip(f"{verb} {what}")
        else:
            action.setText(f"&{verb}")
            action.setToolTip(verb)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            if not self.confirm_close():
                event.ignore()
                return True
        elif watched is not self.window and event.type() == QEvent.Type.ChildAdded:
            QTimer.singleShot(0, self, self.sync_store)  # dies with us
        return False

    # ------------------------------------------------------------------ broadcasts
    def _model_committed(self, model: Any, change: Change) -> None:
        if getattr(model, "store", None) is self.window.store and self.window.store is not None:
            self.message.hide()
            self.window.store_changed.emit(change)

    def _model_refused(self, model: Any, reason: str) -> None:
        if getattr(model, "store", None) is not self.window.store:
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
        self._update_row_actions()

    # ------------------------------------------------------------------ detail tables
    def _tables(self) -> list[QTableView]:
        tabs = self.window.detail_tabs
        return [tabs.widget(i) for i in range(tabs.count()) if isinstance(tabs.widget(i), QTableView)]

    def _make_tables_editable(self) -> None:
        for view in self._tables():
            if not isinstance(view.itemDelegate(), ValidatingDelegate):
                make_editable(view)

    def _build_row_toolbar(self) -> None:
        bar = QToolBar()
        bar.setObjectName("RowToolbar")
        self.add_row_action = QAction("Add row…", self)
        self.add_row_action.setToolTip("Add a row to this sheet for the selected patient")
        self.delete_row_action = QAction("Delete row", self)
        self.delete_row_action.setToolTip("Delete the selected row (one action; Undo brings it back)")
        self.add_row_action.triggered.connect(lambda: self.add_row())
        self.delete_row_action.triggered.connect(lambda: self.delete_row())
        bar.addAction(self.add_row_action)
        bar.addAction(self.delete_row_action)
        self.row_toolbar = bar
        self.window.detail_tabs.setCornerWidget(bar, Qt.Corner.TopRightCorner)
        for view in self._tables():
            view.clicked.connect(lambda _i: self._update_row_actions())

    def current_sheet(self) -> tuple[QTableView | None, SheetRowsModel | None]:
        view = self.window.detail_tabs.currentWidget()
        if not isinstance(view, QTableView):
            return None, None
        model, _ = source_of(view.model(), view.rootIndex())
        return view, model if isinstance(model, SheetRowsModel) else None

    def _update_row_actions(self) -> None:
        view, model = self.current_sheet()
        ok = model is not None and model.writable and model.patient_id is not None
        self.add_row_action.setEnabled(ok)
        # enabled whenever there is a row: selection models are replaced with every model, so
        # "is a row selected" is checked when the action runs, not tracked here
        self.delete_row_action.setEnabled(ok and model is not None and model.rowCount() > 0)

    def add_row(self) -> AddRowDialog | None:
        view, model = self.current_sheet()
        if model is None or not model.writable or model.patient_id is None:
            return None
        dialog = AddRowDialog(model, self.window)
        self._keep(dialog)
        dialog.open()
        return dialog

    def delete_row(self) -> Change | None:
        view, model = self.current_sheet()
        if view is None or model is None:
            return None
        if not view.currentIndex().isValid():
            self.window.statusBar().showMessage("Select the row to delete first.", 6000)
            return None
        index = view.currentIndex()
        _, source = source_of(view.model(), index)
        change = model.delete_row(source.row())
        if change is None:
            show_refusal(view, index, self.message.text())
        return change

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

    # ------------------------------------------------------------------ undo / redo
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
        self.window.store_changed.emit(change)
        # Show what was undone: an edit of another patient brings that patient up.
        if len(change.patient_ids) == 1:
            (pid,) = change.patient_ids
            select = getattr(getattr(self.window, "patient_panel", None), "select_patient", None)
            if pid != self.window.current_patient_id() and select is not None:
                select(pid)

    # ------------------------------------------------------------------ exchange
    def _need_store(self, what: str) -> Store | None:
        self.sync_store()
        if self.store is None:
            self.window.statusBar().showMessage(f"Open or create a case series before {what}.", 8000)
        return self.store

    def open_import(self, path: str | Path | None = None) -> Any:
        from y90gui.ui.dialogs.import_dialog import ImportDialog

        store = self._need_store("importing")
        if store is None:
            return None
        dialog = ImportDialog(store, self.window.tasks, self.window)
        dialog.imported.connect(self._imported)
        self._keep(dialog)
        dialog.open()
        if path is not None:
            dialog.check(path)
        else:
            QTimer.singleShot(0, dialog, dialog.choose_file)
        return dialog

    def _imported(self, change: Change) -> None:
        self.window.statusBar().showMessage(f"Imported: {change.description}", 8000)
        self.window.store_changed.emit(change)

    def open_export(self) -> Any:
        from y90gui.ui.dialogs.export_dialog import ExportDialog

        store = self._need_store("exporting")
        if store is None:
            return None
        shown = None
        try:
            shown = self.window.filtered_patient_ids()
        except Exception:  # the table has no filter API in this build
            shown = None
        dialog = ExportDialog(store, self.window.tasks, self.window, shown)
        self._keep(dialog)
        dialog.open()
        return dialog

    def export_template(self, path: str | Path | None = None) -> TaskDialog | None:
        if path is None:
            start = str((self.store.path.parent if self.store else Path.home()) / "case-series-template.xlsx")
            chosen, _ = QFileDialog.getSaveFileName(self.window, "Export template", start, "Excel workbook (*.xlsx)")
            if not chosen:
                return None
            path = chosen
        target = Path(path)

        def work(_progress: Any) -> Path:
            from y90gui.io.template import write_template

            return write_template(target)

        return self._run("template", "Writing the workbook template", work, "Template saved")

    def backup(self, path: str | Path | None = None) -> TaskDialog | None:
        store = self._need_store("a backup")
        if store is None:
            return None
        if path is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
            start = str(store.path.with_name(f"{store.path.stem}-backup-{stamp}.y90"))
            chosen, _ = QFileDialog.getSaveFileName(self.window, "Backup", start, "y90gui case series (*.y90)")
            if not chosen:
                return None
            path = chosen
        target = Path(path)

        def work(progress: Any) -> Path:
            from y90gui.ui.dialogs.worker_store import reading

            progress.step(0, 1, "copying…")
            with reading(store) as worker:
                result = worker.backup(target)
            progress.step(1, 1, "done")
            return result

        return self._run("backup", f"Backing up {store.path.name}", work, "Backup written")

    def _run(self, key: str, title: str, work: Any, done: str) -> TaskDialog:
        dialog = run_task(self.window, self.window.tasks, key, title, work,
                          lambda p: self.window.statusBar().showMessage(f"{done}: {p}", 10000))
        self._keep(dialog)
        return dialog

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


