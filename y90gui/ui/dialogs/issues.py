"""The table of validation problems: sortable, selectable, copyable (Ctrl+C or the Copy button).

A coordinator forwards the list to the centre that sent the workbook, so it copies as
tab-separated text with a header row, which pastes into Excel or an e-mail as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from y90gui.core.validate import Issue, display_value
from y90gui.ui.richtext import plain_html

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_Index = QModelIndex | QPersistentModelIndex


class IssuesModel(QAbstractTableModel):
    HEADERS = ("level", "sheet", "row", "column", "value", "message")

    def __init__(self, errors: Sequence[Issue] = (), warnings: Sequence[Issue] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, Issue]] = []
        self.set_issues(errors, warnings)

    def set_issues(self, errors: Sequence[Issue], warnings: Sequence[Issue] = ()) -> None:
        self.beginResetModel()
        self.rows = [("error", i) for i in errors] + [("warning", i) for i in warnings]
        self.endResetModel()

    def cell(self, row: int, column: int) -> str:
        level, issue = self.rows[row]
        values = (level, issue.sheet, "" if issue.row is None else str(issue.row), issue.column or "",
                  "" if issue.value is None else str(display_value(issue.value)), issue.message)
        return values[column]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole message of an elided cell, literally
            return plain_html(self.cell(index.row(), index.column()))
        if role == SORT_ROLE:
            issue = self.rows[index.row()][1]
            if index.column() == 2:  # Excel row numbers sort as numbers, blanks first
                return -1 if issue.row is None else issue.row
            return self.cell(index.row(), index.column()).lower()
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0 and self.rows[index.row()][0] == "error":
            from PySide6.QtGui import QColor

            return QColor(176, 0, 32)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
                   ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class IssuesTable(QWidget):
    """The issues view with its Copy button; `copy()` puts the selection (or all) on the clipboard."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = IssuesModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        copy_action = QAction("Copy", self.view)
        copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy_action.triggered.connect(self.copy)
        self.view.addAction(copy_action)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the selected problems (all when none is selected) as a table")
        self.copy_button.clicked.connect(self.copy)
        # the whole problem of the current row, wrapped: a long message is cut with "…" in its cell
        self.details = QLabel("Select a problem to read it in full.")
        self.details.setObjectName("IssueDetails")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view.selectionModel().currentRowChanged.connect(self._show_details)
        buttons = QHBoxLayout()
        buttons.addWidget(self.details, 1)
        buttons.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addLayout(buttons)

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        r = self.proxy.mapToSource(current).row()
        level, sheet, row, column, value, message = (self.model.cell(r, c) for c in range(6))
        where = ", ".join(p for p in (sheet, f"row {row}" if row else "", column) if p)
        self.details.setText(f"{level.capitalize()} in {where}: {message}" + (f" (value: {value})" if value else ""))

    def set_issues(self, errors: Sequence[Issue], warnings: Sequence[Issue] = ()) -> None:
        self.model.set_issues(errors, warnings)
        self.view.resizeColumnsToContents()

    def as_text(self, selected_only: bool = True) -> str:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()}) if selected_only else []
        if not rows:
            rows = list(range(self.proxy.rowCount()))
        lines = ["\t".join(IssuesModel.HEADERS)]
        for r in rows:
            source = self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            lines.append("\t".join(self.model.cell(source, c).replace("\t", " ").replace("\n", " ")
                                   for c in range(self.model.columnCount())))
        return "\n".join(lines)

    def copy(self) -> str:
        text = self.as_text()
        QGuiApplication.clipboard().setText(text)
        return text
