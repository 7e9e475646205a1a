"""The cell editor of the detail tables: the right widget per column type, the reason at the cell.

A code column gets a drop-down of its codes and a yes/no column a yes/no list, so most values
can only be picked; dates and numbers are typed as text and go, like everything else, through
the model's `setData` (core validation). When the model refuses a value, the delegate shows
the reason in a tooltip right at the cell the user just left, and the model keeps the cell
marked (red, reason in its tooltip) until a good value replaces it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit, QStyledItemDelegate, QToolTip, QWidget

from y90gui.core.sheets import Column

_Index = QModelIndex | QPersistentModelIndex


def plain(index: _Index) -> QModelIndex:
    """A QModelIndex for either kind of index (views and proxies take only the plain one)."""
    if isinstance(index, QModelIndex):
        return index
    model = index.model()
    return model.index(index.row(), index.column(), index.parent()) if model is not None else QModelIndex()


def source_of(model: QAbstractItemModel | None, index: _Index) -> tuple[Any, QModelIndex]:
    """Walk through proxy models down to the editing model and its index."""
    idx = plain(index)
    while isinstance(model, QAbstractProxyModel):
        idx = model.mapToSource(idx)
        model = model.sourceModel()
    return model, idx


def column_of(index: _Index) -> Column | None:
    model, idx = source_of(index.model(), index)
    spec = getattr(model, "column_spec", None)
    return spec(idx) if spec is not None else None


class ValidatingDelegate(QStyledItemDelegate):
    """Editors by column type; refusals are shown at the cell (tooltip) by `show_refusal`."""

    def createEditor(self, parent: QWidget, option: Any, index: _Index) -> QWidget:
        column = column_of(index)
        if column is not None and column.type in ("code", "yesno"):
            combo = QComboBox(parent)
            choices = list(column.codes) if column.type == "code" else ["yes", "no"]
            if not column.required:
                choices.insert(0, "")
            combo.addItems(choices)
            combo.setToolTip(column.help or column.name)
            return combo
        editor = QLineEdit(parent)
        if column is not None:
            if column.type == "date":
                editor.setPlaceholderText("YYYY-MM-DD")
            editor.setToolTip(column.help or column.name)
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            i = editor.findText(str(text), Qt.MatchFlag.MatchFixedString)
            if i < 0:  # a stored value outside the list (older rules): show it, keep it pickable
                editor.addItem(str(text))
                i = editor.count() - 1
            editor.setCurrentIndex(i)
        elif isinstance(editor, QLineEdit):
            editor.setText(str(text))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            text = editor.currentText()
        elif isinstance(editor, QLineEdit):
            text = editor.text()
        else:
            super().setModelData(editor, model, index)
            return
        # Always through setData, also when unchanged: the model writes nothing then (no empty
        # action) but clears a refusal mark the user has just answered by restoring the value.
        if not model.setData(index, text, Qt.ItemDataRole.EditRole):
            view = self.parent()
            if isinstance(view, QAbstractItemView):
                show_refusal(view, index)


def show_refusal(view: QAbstractItemView, index: _Index, reason: str | None = None) -> None:
    """Put the reason for a refused value in a tooltip at the cell it was typed into."""
    if reason is None:
        reason = index.data(Qt.ItemDataRole.ToolTipRole) or ""
    rect = view.visualRect(plain(index))
    point = view.viewport().mapToGlobal(rect.bottomLeft())
    QToolTip.showText(point, str(reason), view.viewport(), rect, 8000)
