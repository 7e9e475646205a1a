"""Editable Qt models over one patient's rows of one sheet, and over the patient's own fields.

Thin adapters (conventions §4): the store gives parsed values; the model shows them as text
(DisplayRole/EditRole), hands the raw value to sorting (SORT_ROLE), and sends whatever a user
types through `editing.rules` (that is, `core.validate`) before `store.update_row` writes it as
one action. A refused value never reaches the file: the model keeps the stored value, marks
the cell, puts the reason in its tooltip and emits `edit_refused(reason)` for the view to show
at the field. A committed edit emits `committed(Change)`; the window broadcasts it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from y90gui.core.errors import Y90Error
from y90gui.core.sheets import PATIENTS, SHEET_BY_NAME, Column
from y90gui.core.validate import FieldError
from y90gui.store.store import Change, Store
from y90gui.ui.editing import rules

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


class _EditingModel(QAbstractTableModel):
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


class SheetRowsModel(_EditingModel):
    """The rows of one sheet for one patient (every row for `reference_ranges`)."""

    def __init__(self, store: Store | None, sheet_name: str, patient_id: str | None = None, parent: Any = None
                 ) -> None:
        super().__init__(store, sheet_name, patient_id, parent)
        hidden = rules.HIDDEN_IN_CHILD if sheet_name != "patients" else ()
        self.columns: list[Column] = [c for c in self.sheet.columns if c.name not in hidden]
        self._rows: list[dict[str, Any]] = []
        self._load()

    def _load(self) -> None:
        if self.store is None:
            self._rows = []
        elif self.sheet.name == "reference_ranges":
            self._rows = self.store.read_table("reference_ranges", with_ids=True)
        elif self.patient_id is None:
            self._rows = []
        else:
            self._rows = self.store.read_table(self.sheet.name, [self.patient_id], with_ids=True)

    # -- lookups ----------------------------------------------------------------------------
    def row_for_key(self, key: Any) -> int | None:
        for i, row in enumerate(self._rows):
            if rules.row_key(self.sheet.name, row) == key:
                return i
        return None

    def key_for_row(self, row: int) -> Any:
        return rules.row_key(self.sheet.name, self._rows[row])

    def row_values(self, row: int) -> dict[str, Any]:
        return dict(self._rows[row])

    def column_spec(self, index: _Index) -> Column | None:
        return self.columns[index.column()] if index.isValid() else None

    def column_index(self, name: str) -> int:
        return [c.name for c in self.columns].index(name)

    def _cell_id(self, index: _Index) -> tuple[Any, str]:
        return (self.key_for_row(index.row()), self.columns[index.column()].name)

    # -- Qt model interface -----------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == KEY_ROLE:
            return self.key_for_row(index.row())
        return self._cell_data(index, role, self._rows[index.row()].get(column.name), column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
                   ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.name + (f" [{column.unit}]" if column.unit else "")
            if role == Qt.ItemDataRole.ToolTipRole:
                return column_tooltip(column)
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.writable and self.columns[index.column()].name != "patient_id":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        return self._commit(index, self._rows[index.row()], self.columns[index.column()].name, value)

    # -- whole rows: one action each ---------------------------------------------------------
    def insert_record(self, raw_values: Mapping[str, Any]) -> tuple[Change, Any]:
        """Add a row typed into a form; raises `rules.RowErrors` (column -> reason) when refused."""
        if not self.writable or self.store is None:
            raise rules.RowErrors({"": "the file is open read-only"})
        values = dict(raw_values)
        if self.sheet.name != "patients" and self.sheet.name != "reference_ranges":
            if self.patient_id is None:
                raise rules.RowErrors({"": "select a patient first"})
            values["patient_id"] = self.patient_id
        parsed = rules.check_insert(self.store, self.sheet.name, values)
        change, key = self.store.insert_row(self.sheet.name, parsed, f"add {self._what(parsed)}")
        self._after_own_change(change)
        return change, key

    def delete_row(self, row: int) -> Change | None:
        """Delete one row as one action; a deletion that breaks the record is refused."""
        if self.store is None or not self.writable:
            self.edit_refused.emit("the file is open read-only")
            return None
        values = self._rows[row]
        try:
            rules.check_delete(self.store, self.sheet.name, values)
        except FieldError as exc:
            self.edit_refused.emit(f"cannot delete: {exc}")
            return None
        change = self.store.delete_row(self.sheet.name, rules.row_key(self.sheet.name, values),
                                       f"delete {self._what(values)}")
        self._after_own_change(change)
        return change

    def _after_own_change(self, change: Change) -> None:
        if change.action_id is not None:
            self._own_actions.add(change.action_id)
        self.refresh()
        self.committed.emit(change)

    def _what(self, values: Mapping[str, Any]) -> str:
        owner = values.get("patient_id") or values.get("center") or ""
        keys = [f"{k} {rules.format_value(values.get(k))}" for k in self.sheet.key if k != "center"]
        if not keys:
            first = next((c.name for c in self.columns if "date" in c.name), None)
            if first and values.get(first) is not None:
                keys = [rules.format_value(values[first])]
            if self.sheet.name == "labs" and values.get("test"):
                keys.insert(0, str(values["test"]))
        return f"{owner} {self.sheet.name} {' '.join(keys)}".strip()


class PatientFieldsModel(_EditingModel):
    """The patient's own fields, one per row: (field, value, about); the value column is editable."""

    HEADERS = ("field", "value", "about")

    def __init__(self, store: Store | None, patient_id: str | None = None, parent: Any = None) -> None:
        super().__init__(store, "patients", patient_id, parent)
        self.columns: list[Column] = list(PATIENTS.columns)
        self._row: dict[str, Any] | None = None
        self._load()

    def _load(self) -> None:
        self._row = None
        if self.store is not None and self.patient_id is not None:
            rows = self.store.read_table("patients", [self.patient_id])
            self._row = rows[0] if rows else None

    def row_for_key(self, key: str) -> int | None:
        names = [c.name for c in self.columns]
        return names.index(key) if key in names else None

    def column_spec(self, index: _Index) -> Column | None:
        return self.columns[index.row()] if index.isValid() and index.column() == 1 else None

    def values(self) -> dict[str, Any]:
        return dict(self._row or {})

    def _cell_id(self, index: _Index) -> tuple[Any, str]:
        return (self.patient_id, self.columns[index.row()].name)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._row is None else len(self.columns)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._row is None:
            return None
        column = self.columns[index.row()]
        if index.column() == 0:
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return column.name + (f" [{column.unit}]" if column.unit else "")
            if role == Qt.ItemDataRole.ToolTipRole:
                return column_tooltip(column)
            return None
        if index.column() == 2:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return column_tooltip(column).split("\n", 1)[-1].replace("\n", "; ")
            return None
        if role == KEY_ROLE:
            return column.name
        return self._cell_data(index, role, self._row.get(column.name), column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
                   ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 1 and self.writable and self.columns[index.row()].name != "patient_id":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 1 or role != Qt.ItemDataRole.EditRole or self._row is None:
            return False
        return self._commit(index, self._row, self.columns[index.row()].name, value)
