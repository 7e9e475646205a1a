"""Editable Qt models over one patient's rows of one sheet, and over the patient's own fields.

Thin adapters (conventions §4): the store gives parsed values; the model shows them as text
(DisplayRole/EditRole), hands the raw value to sorting (SORT_ROLE), and sends whatever a user
types through `services.edit_rules` (that is, `core.validate`) before `store.update_row` writes it as
one action (see `editing_base`). A committed edit emits `committed(Change)`; the window
broadcasts it. `PatientFieldsModel` lives in `patient_fields` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from y90gui.core.sheets import Column
from y90gui.core.validate import FieldError
from y90gui.services import edit_rules as rules
from y90gui.store.store import Change, Store
from y90gui.ui.models.editing_base import (
    KEY_ROLE,
    RAW_ROLE,
    SORT_ROLE,
    EditHub,
    EditingModel,
    _Index,
    column_tooltip,
    edit_hub,
)
from y90gui.ui.models.patient_fields import PatientFieldsModel

__all__ = ["KEY_ROLE", "RAW_ROLE", "SORT_ROLE", "EditHub", "PatientFieldsModel", "SheetRowsModel",
           "column_tooltip", "edit_hub"]


class SheetRowsModel(EditingModel):
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
