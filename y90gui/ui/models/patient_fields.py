"""The patient's own fields as an editable table: one row per field (field, value, about)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from y90gui.core.sheets import PATIENTS, Column, field_label
from y90gui.store.store import Store
from y90gui.ui.models.editing_base import KEY_ROLE, SORT_ROLE, EditingModel, _Index, column_tooltip


class PatientFieldsModel(EditingModel):
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
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):  # words, not the raw column name
                return field_label(column)
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
