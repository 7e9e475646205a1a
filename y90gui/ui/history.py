"""The "History" tab: the audit trail of the selected patient, field by field.

The store's triggers record every row change with the action (one user action = one
transaction) that caused it; this view lays those rows out as the reviewer asks the question
"who changed what, when": one line per changed field for an edit, one line per added or
deleted row. Nothing here writes; undo is the Edit menu's job.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from y90gui.core.sheets import SHEET_BY_NAME
from y90gui.services.edit_rules import format_value
from y90gui.store.store import Change, Store

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_Index = QModelIndex | QPersistentModelIndex
_OPS = {"insert": "added", "update": "changed", "delete": "deleted"}
_SKIP = ("id",)


def _show(table: str, name: str, value: Any) -> str:
    """Audit JSON holds SQL values (dates as text, yes/no as 0/1): show them as the editor does."""
    sheet = SHEET_BY_NAME.get(table)
    column = sheet.by_name.get(name) if sheet else None
    if column is not None and column.type == "yesno" and value is not None:
        return "yes" if value else "no"
    return format_value(value)


def _summary(table: str, values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    return ", ".join(f"{k} {_show(table, k, v)}" for k, v in values.items()
                     if k not in _SKIP and k != "patient_id" and v is not None)


def history_lines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Expand audit rows (newest first) into one line per changed field."""
    out: list[dict[str, Any]] = []
    for r in rows:
        base = {"time": r["time"], "user": r["user"], "action": r["action"] or "", "kind": r["kind"] or "",
                "op": _OPS.get(r["op"], r["op"]), "table": r["table"], "key": r["key"], "audit_id": r["id"]}
        if r["op"] == "update":
            old, new = r["old"] or {}, r["new"] or {}
            for name in new:
                if name in _SKIP or old.get(name) == new.get(name):
                    continue
                out.append({**base, "field": name, "old": _show(r["table"], name, old.get(name)),
                            "new": _show(r["table"], name, new.get(name))})
        elif r["op"] == "insert":
            out.append({**base, "field": "", "old": "", "new": _summary(r["table"], r["new"])})
        else:
            out.append({**base, "field": "", "old": _summary(r["table"], r["old"]), "new": ""})
    return out


class HistoryModel(QAbstractTableModel):
    """Read-only table of `history_lines`; raw sort keys keep newest-first order stable."""

    COLUMNS = (("time", "Time"), ("user", "User"), ("op", "Operation"), ("table", "Table"), ("field", "Field"),
               ("old", "Old"), ("new", "New"), ("action", "Action"))

    def __init__(self, store: Store | None = None, patient_id: str | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.patient_id = patient_id
        self.all_patients = False
        self.lines: list[dict[str, Any]] = []
        self._load()

    def _load(self) -> None:
        if self.store is None or (self.patient_id is None and not self.all_patients):
            self.lines = []
        else:
            self.lines = history_lines(self.store.history(None if self.all_patients else self.patient_id))

    def refresh(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def set_store(self, store: Store | None) -> None:
        self.store = store
        self.refresh()

    def set_patient(self, patient_id: str | None) -> None:
        self.patient_id = patient_id
        self.refresh()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        key = self.COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "time":  # ISO with offset in the file; local wall-clock time to read
                return str(line[key])[:19].replace("T", " ")
            return line[key]
        if role == SORT_ROLE:
            return (line[key], -line["audit_id"]) if key != "time" else line["audit_id"]
        if role == Qt.ItemDataRole.ToolTipRole and key in ("old", "new", "action", "time"):
            return line[key] or None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
                   ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section][1]
        return None


class _HistoryProxy(QSortFilterProxyModel):
    def lessThan(self, left: _Index, right: _Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        return bool(a < b) if type(a) is type(b) else str(a) < str(b)


class HistoryPanel(QWidget):
    """The History tab; follows the selected patient and refreshes on changes that touch it."""

    def __init__(self, store: Store | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(store, parent=self)
        self.proxy = _HistoryProxy(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.title = QLabel()
        self.all_box = QCheckBox("All patients")
        self.all_box.setToolTip("Show the audit trail of the whole case series")
        self.all_box.toggled.connect(self._set_all)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.all_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self.model.modelReset.connect(self._update_title)
        self._update_title()

    def set_store(self, store: Store | None) -> None:
        self.model.set_store(store)

    def set_patient(self, patient_id: str | None) -> None:
        self.model.set_patient(patient_id)

    def on_store_changed(self, change: Change) -> None:
        if self.model.all_patients or self.model.patient_id in change.patient_ids or not change.patient_ids:
            self.model.refresh()

    def _set_all(self, on: bool) -> None:
        self.model.all_patients = on
        self.model.refresh()

    def _update_title(self) -> None:
        who = "all patients" if self.model.all_patients else (self.model.patient_id or "no patient selected")
        self.title.setText(f"History of {who}: {len(self.model.lines)} change(s), newest first")
        for col in range(self.model.columnCount() - 1):
            self.view.resizeColumnToContents(col)
            if col in (5, 6):  # old / new: whole rows of an insert can be long; the tooltip has them
                self.view.setColumnWidth(col, min(self.view.columnWidth(col), 200))
