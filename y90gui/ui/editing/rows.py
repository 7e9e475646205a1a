"""Add and delete rows from the detail tables: a small toolbar beside the sheet tabs.

The detail area builds one plain table per sheet over the editing models; this part of the
editing controller gives those tables the validating editor and a shared "Add row… / Delete
row" toolbar in the tab bar's corner, acting on the table shown. Each add or delete is one action (undoable); a deletion
that would break the record (an adverse event naming the procedure) is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QTableView, QTabWidget, QToolBar

from y90gui.store.store import Change
from y90gui.ui.editing.delegate import ValidatingDelegate, show_refusal, source_of
from y90gui.ui.editing.row_dialog import AddRowDialog
from y90gui.ui.editing.sheet_editor import make_editable
from y90gui.ui.models.sheet_model import SheetRowsModel


class RowActions(QObject):
    """The row toolbar of the detail tabs; `keep(dialog)` remembers the dialog it opens."""

    def __init__(self, window: QMainWindow, tabs: QTabWidget, message: QLabel, keep: Callable[[Any], None]) -> None:
        super().__init__(window)
        self.window = window
        self.tabs = tabs
        self.message = message
        self.keep = keep
        self._make_tables_editable()
        self._build_row_toolbar()

    def _tables(self) -> list[QTableView]:
        tabs = self.tabs
        return [w for i in range(tabs.count()) if isinstance(w := tabs.widget(i), QTableView)]

    def _make_tables_editable(self) -> None:
        for view in self._tables():
            if not isinstance(view.itemDelegate(), ValidatingDelegate):
                make_editable(view)

    def _build_row_toolbar(self) -> None:
        bar = QToolBar()
        bar.setObjectName("RowToolbar")
        self.add_row_action = QAction("Add row…", self.window)
        self.add_row_action.setToolTip("Add a row to this sheet for the selected patient")
        self.delete_row_action = QAction("Delete row", self.window)
        self.delete_row_action.setToolTip("Delete the selected row (one action; Undo brings it back)")
        self.add_row_action.triggered.connect(lambda: self.add_row())
        self.delete_row_action.triggered.connect(lambda: self.delete_row())
        bar.addAction(self.add_row_action)
        bar.addAction(self.delete_row_action)
        self.row_toolbar = bar
        self.tabs.setCornerWidget(bar, Qt.Corner.TopRightCorner)
        bar.show()  # a child added to a window already on screen stays hidden until asked (editing
        # is installed just after the first paint)
        for view in self._tables():
            view.clicked.connect(lambda _i: self.update())

    def current_sheet(self) -> tuple[QTableView | None, SheetRowsModel | None]:
        view = self.tabs.currentWidget()
        if not isinstance(view, QTableView):
            return None, None
        model, _ = source_of(view.model(), view.rootIndex())
        return view, model if isinstance(model, SheetRowsModel) else None

    def update(self) -> None:
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
        self.keep(dialog)
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

