"""Read-only table models that colour cells by CTCAE grade and always write the grade too.

Used by the toxicity panels: a lab grid (tests x dates), the worst grade after each procedure,
the adverse-event list and the cohort's grade counts. Colour-blind-safe fills (`palette`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from y90gui.ui.palette import grade_fill, grade_text
from y90gui.ui.richtext import plain_html

_Index = QModelIndex | QPersistentModelIndex
GRADE_ROLE = int(Qt.ItemDataRole.UserRole) + 10


class Cell:
    """Text, grade (colour) and tooltip of one cell; `bold` marks baseline values."""

    __slots__ = ("bold", "grade", "text", "tip")

    def __init__(self, text: str, grade: int | None = None, tip: str = "", bold: bool = False,
                 coloured: bool = True) -> None:
        self.text = text
        self.grade = grade if coloured else -1
        self.tip = tip
        self.bold = bold


class GradeTableModel(QAbstractTableModel):
    """A grid of `Cell`s (or None) with row and column headers."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[list[Cell | None]] = []
        self.row_headers: list[str] = []
        self.col_headers: list[str] = []

    def set_grid(self, row_headers: list[str], col_headers: list[str], rows: list[list[Cell | None]]) -> None:
        self.beginResetModel()
        self.row_headers, self.col_headers, self.rows = row_headers, col_headers, rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.col_headers)

    def cell(self, row: int, column: int) -> Cell | None:
        return self.rows[row][column]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self.rows[index.row()][index.column()]
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = cell.tip or (cell.text if len(cell.text) > 12 else "")  # the full text of an elided cell
            return plain_html(tip) if tip else None
        if role == GRADE_ROLE:
            return cell.grade
        if cell.grade != -1 and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(grade_fill(cell.grade)))
        if cell.grade != -1 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(grade_text(cell.grade)))
        if role == Qt.ItemDataRole.FontRole and cell.bold:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.col_headers[section] if section < len(self.col_headers) else None
        return self.row_headers[section] if section < len(self.row_headers) else None
