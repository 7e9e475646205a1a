"""A detail table that edits: the table, an Add/Delete toolbar and the reason line under it.

Used for the patient's own fields (`PatientFieldsModel`) and for each sheet of the patient
(`SheetRowsModel`). Refusals are shown twice at the place they happened: a tooltip at the
cell (delegate) and a line right under the table that stays until the next good edit.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QToolBar, QVBoxLayout, QWidget

from y90gui.store.store import Change
from y90gui.ui.editing.delegate import ValidatingDelegate
from y90gui.ui.editing.row_dialog import ERROR_STYLE, AddRowDialog
from y90gui.ui.models.sheet_model import SORT_ROLE, PatientFieldsModel, SheetRowsModel


def make_editable(view: QTableView) -> ValidatingDelegate:
    """Give an existing view over one of our models the validating editor (for gui1's tables)."""
    delegate = ValidatingDelegate(view)
    view.setItemDelegate(delegate)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    return delegate


class SheetEditorWidget(QWidget):
    """Edits one model; `committed(Change)` after every write it made."""

    committed = Signal(object)

    def __init__(self, model: SheetRowsModel | PatientFieldsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = QTableView()
        if isinstance(model, SheetRowsModel):
            self.proxy: QSortFilterProxyModel | None = QSortFilterProxyModel(self)
            self.proxy.setSourceModel(model)
            self.proxy.setSortRole(SORT_ROLE)
            self.view.setModel(self.proxy)
            self.view.setSortingEnabled(True)
            self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        else:
            self.proxy = None
            self.view.setModel(model)
            self.view.verticalHeader().hide()
            self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        make_editable(self.view)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.toolbar = QToolBar()
        self.add_action = QAction("Add row…", self)
        self.add_action.setToolTip(f"Add a {model.sheet.name} row for this patient")
        self.delete_action = QAction("Delete row", self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.add_action.triggered.connect(self.add_row)
        self.delete_action.triggered.connect(self.delete_current_row)
        if isinstance(model, SheetRowsModel):
            self.toolbar.addAction(self.add_action)
            self.toolbar.addAction(self.delete_action)
            self.addAction(self.delete_action)
            layout.addWidget(self.toolbar)
        layout.addWidget(self.view)
        layout.addWidget(self.message)
        model.edit_refused.connect(self.show_refused)
        model.committed.connect(self._on_committed)
        model.modelReset.connect(self.update_actions)
        self.view.selectionModel().selectionChanged.connect(self.update_actions)
        self.update_actions()

    def update_actions(self) -> None:
        writable = self.model.writable
        has_patient = self.model.patient_id is not None or self.model.sheet.name == "reference_ranges"
        self.add_action.setEnabled(writable and has_patient)
        self.delete_action.setEnabled(writable and self.current_source_row() is not None)

    def current_source_row(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        index = self.proxy.mapToSource(rows[0]) if self.proxy is not None else rows[0]
        return index.row() if index.isValid() else None

    def show_refused(self, reason: str) -> None:
        self.message.setText(reason)
        self.message.show()

    def _on_committed(self, change: Change) -> None:
        self.message.hide()
        self.committed.emit(change)

    def add_row(self) -> AddRowDialog | None:
        if not isinstance(self.model, SheetRowsModel):
            return None
        dialog = AddRowDialog(self.model, self)
        dialog.open()
        return dialog

    def delete_current_row(self) -> Change | None:
        row = self.current_source_row()
        if row is None or not isinstance(self.model, SheetRowsModel):
            return None
        return self.model.delete_row(row)
