"""What the editable models share: roles, the commit path through core validation, refusal marks.

A typed value goes through `services.edit_rules` (that is, `core.validate`) before the store writes
it as one action; a refused value never reaches the file: the model keeps the stored value,
marks the cell, puts the reason in its tooltip and emits `edit_refused(reason)`. Every model
also reports to one `EditHub`, so the window can broadcast edits of models it did not create.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from y90gui.core.errors import Y90Error
from y90gui.core.sheets import SHEET_BY_NAME, Column
from y90gui.core.validate import FieldError
from y90gui.services import edit_rules as rules
from y90gui.store.store import Change, Store

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
RAW_ROLE = int(Qt.ItemDataRole.UserRole) + 2
KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 3

_Index = QModelIndex | QPersistentModelIndex
_REFUSED_BG = QColor(255, 215, 215)


class EditHub(QObject):
    """Every editing model also reports here, so the window forwards edits of models it did not
    create itself (the detail tables are rebuilt whenever a file is opened)."""

    committed = Signal(object, object)  # (model, Change)
    refused = Signal(object, str)  # (model, reason)


_HUB: EditHub | None = None


def edit_hub() -> EditHub:
    global _HUB
    if _HUB is None:
        _HUB = EditHub()
    return _HUB


def column_tooltip(column: Column) -> str:
    """What a column means and accepts, for header and cell tooltips."""
    parts = [f"{column.name} ({column.type}{', required' if column.required else ''})"]
    if column.help:
        parts.append(column.help)
    if column.codes:
        parts.append("allowed: " + ", ".join(column.codes))
    if column.describe_range():
        parts.append("range: " + column.describe_range() + (f" {column.unit}" if column.unit else ""))
    if column.type == "date":
        parts.append("format: YYYY-MM-DD")
    return "\n".join(parts)


class EditingModel(QAbstractTableModel):
    """What both models share: the store, the commit path and the refused-cell marks."""

    edit_refused = Signal(str)
    committed = Signal(object)

    def __init__(self, store: Store | None, sheet_name: str, patient_id: str | None, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.sheet = SHEET_BY_NAME[sheet_name]
        self.patient_id = patient_id
        #: (row key, column) -> (typed text, reason) of the last refused value of a cell.
        self._refused: dict[tuple[Any, str], tuple[str, str]] = {}
        self._own_actions: set[int] = set()
        hub = edit_hub()
        self.committed.connect(lambda change: hub.committed.emit(self, change))
        self.edit_refused.connect(lambda reason: hub.refused.emit(self, reason))

    # -- lifecycle --------------------------------------------------------------------------
    def set_store(self, store: Store | None) -> None:
        self.store = store
        self._refused.clear()
        self.refresh()

    def set_patient(self, patient_id: str | None) -> None:
        if patient_id != self.patient_id:
            self._refused.clear()
        self.patient_id = patient_id
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def _load(self) -> None:
        raise NotImplementedError

    @property
    def writable(self) -> bool:
        return self.store is not None and not self.store.read_only

    def touched_by(self, change: Change) -> bool:
        """Whether `change` may have altered what this model shows (conventions §3)."""
        if self.sheet.name not in change.tables:
            return False
        if self.sheet.name == "reference_ranges" or not change.patient_ids:
            return True
        return self.patient_id in change.patient_ids

    def on_store_changed(self, change: Change) -> None:
        """Refresh only when the change touched this sheet of this patient, and was not ours."""
        if change.action_id in self._own_actions:
            self._own_actions.discard(change.action_id)
            return
        if self.touched_by(change):
            self.refresh()

    # -- the commit path --------------------------------------------------------------------
    def _commit(self, index: _Index, row: dict[str, Any], column_name: str, raw: Any) -> bool:
        key = rules.row_key(self.sheet.name, row)
        text = "" if raw is None else str(raw)
        if self.store is None or self.store.read_only:
            who = ""
            if self.store is not None and self.store.locked_by is not None:
                who = f" ({self.store.locked_by.describe()} has it open)"
            return self._refuse(index, key, column_name, text, f"the file is open read-only{who}")
        old = row.get(column_name)
        try:
            value = rules.check_edit(self.store, self.sheet.name, row, column_name, raw)
        except FieldError as exc:
            return self._refuse(index, key, column_name, text, str(exc))
        self._refused.pop((key, column_name), None)
        if value == old and type(value) is type(old):
            self._cells_changed(index)
            return True  # nothing to write: no empty action in the audit trail
        description = rules.describe_edit(self.sheet.name, row, column_name, old, value)
        try:
            change = self.store.update_row(self.sheet.name, key, {column_name: value}, description)
        except (Y90Error, sqlite3.Error) as exc:
            return self._refuse(index, key, column_name, text, f"{column_name}: not saved: {exc}")
        row[column_name] = value
        if change.action_id is not None:
            self._own_actions.add(change.action_id)
        self._cells_changed(index)
        self.committed.emit(change)
        return True

    def _refuse(self, index: _Index, key: Any, column_name: str, text: str, reason: str) -> bool:
        self._refused[(key, column_name)] = (text, reason)
        self._cells_changed(index)
        self.edit_refused.emit(reason)
        return False

    def _cells_changed(self, index: _Index) -> None:
        left = self.index(index.row(), 0)
        right = self.index(index.row(), self.columnCount() - 1)
        self.dataChanged.emit(left, right)

    def refusal(self, index: _Index) -> str | None:
        """The reason the last value typed into this cell was refused, if it was."""
        found = self._refused.get(self._cell_id(index))
        return f"refused {found[0]!r}: {found[1]}" if found else None

    def _cell_id(self, index: _Index) -> tuple[Any, str]:
        raise NotImplementedError

    def _cell_data(self, index: _Index, role: int, value: Any, column: Column) -> Any:
        refused = self.refusal(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return rules.format_value(value)
        if role == SORT_ROLE:
            return rules.sort_value(value)
        if role == RAW_ROLE:
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            return refused or column_tooltip(column)
        if role == Qt.ItemDataRole.BackgroundRole and refused:
            return _REFUSED_BG
        if role == Qt.ItemDataRole.TextAlignmentRole and column.type in ("number", "integer"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
