"""The "History" tab: the audit trail of the selected patient, field by field.

The store's triggers record every row change with the action (one user action = one
transaction) that caused it; `store.history` groups an action's delete and re-insert of the
same row (an import) into field changes, and this view lays them out as the reviewer asks
"who changed what, when": one line per changed field, one line per really added or deleted
row. Long histories come in pages (`PAGE_ROWS` row changes), and the title says which part
of how many is shown. Nothing here writes; undo is the Edit menu's job.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from y90gui.core.sheets import SHEET_BY_NAME
from y90gui.services.edit_rules import format_value
from y90gui.store.history import RowChange, audit_rows_page, history_page
from y90gui.store.store import Change, Store

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_Index = QModelIndex | QPersistentModelIndex
_OPS = {"insert": "added", "update": "changed", "delete": "deleted"}
_SKIP = ("id",)
#: Row changes per page of the history (a field change of one row is one change).
PAGE_ROWS = 500


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


def history_lines(changes: list[RowChange]) -> list[dict[str, Any]]:
    """Grouped row changes (newest first) as lines: one per changed field, one per added or
    deleted row."""
    out: list[dict[str, Any]] = []
    for c in changes:
        base = {"time": c.time, "user": c.user, "action": c.action, "kind": c.kind,
                "op": _OPS.get(c.op, c.op), "table": c.sheet, "row": c.key, "audit_id": c.audit_id}
        if c.op == "update":
            for f in c.fields:
                if f.column in _SKIP:
                    continue
                out.append({**base, "field": f.column, "old": _show(c.sheet, f.column, f.old),
                            "new": _show(c.sheet, f.column, f.new)})
        elif c.op == "insert":
            out.append({**base, "field": "", "old": "", "new": _summary(c.sheet, c.new)})
        else:
            out.append({**base, "field": "", "old": _summary(c.sheet, c.old), "new": ""})
    return out


class HistoryModel(QAbstractTableModel):
    """Read-only table of `history_lines`; raw sort keys keep newest-first order stable."""

    #: What changed first (row, field, old → new), who and why after it: at 1366 px the
    #: question "what changed" is answered without scrolling sideways.
    COLUMNS = (("time", "Time"), ("op", "Operation"), ("row", "Row"), ("field", "Field"), ("old", "Old"),
               ("new", "New"), ("table", "Table"), ("user", "User"), ("action", "Action"))

    #: a page of the whole series' history started or stopped loading on a worker
    loading_changed = Signal()

    def __init__(self, store: Store | None = None, patient_id: str | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.patient_id = patient_id
        self.all_patients = False
        self.lines: list[dict[str, Any]] = []
        #: first row change shown (0-based), and how many the whole history holds
        self.offset = 0
        self.total = 0
        self.shown = 0
        #: the window's TaskRunner (set by the editing controller): all-patient pages on a worker
        self.tasks: Any = None
        self.loading = False
        self._load()

    def _load(self) -> None:
        if self.store is None or (self.patient_id is None and not self.all_patients):
            self.lines, self.total, self.shown, self.offset = [], 0, 0, 0
            return
        self._take(self._read(self.store, None if self.all_patients else self.patient_id, self.offset))

    @staticmethod
    def _read(store: Store, who: str | None, offset: int) -> tuple[int, int, list[RowChange]]:
        """(total, offset, the page): GUI-free, so a worker can run it on its own connection."""
        def page(at: int) -> tuple[int, list[RowChange]]:
            if isinstance(store, Store):
                return history_page(store.conn, who, at, PAGE_ROWS)
            return audit_rows_page(store.history(who), at, PAGE_ROWS)  # a registry: its audit rows

        total, changes = page(offset)
        if not changes and offset > 0:  # the history shrank (an undo): the last page there is
            offset = max(0, (total - 1) // PAGE_ROWS * PAGE_ROWS)
            total, changes = page(offset)
        return total, offset, changes

    def _take(self, result: tuple[int, int, list[RowChange]]) -> None:
        self.total, self.offset, changes = result
        self.shown = len(changes)
        self.lines = history_lines(changes)

    def page(self, step: int) -> None:
        """Show the next (+1, older) or previous (-1, newer) page."""
        self.offset = max(0, self.offset + step * PAGE_ROWS)
        self.refresh()

    def has_more(self) -> bool:
        return self.offset + self.shown < self.total

    def refresh(self) -> None:
        """Re-read the page; the whole case series' history (seconds on a large file: every audit
        row is grouped) on a worker of `tasks` when there is one, the title saying so meanwhile."""
        if self.tasks is not None and self.all_patients and self.store is not None:
            from y90gui.ui.dialogs.worker_store import reading

            store, offset = self.store, self.offset

            def work(_progress: Any) -> tuple[int, int, list[RowChange]]:
                with reading(store) as worker:
                    return self._read(worker, None, offset)

            def done(result: tuple[int, int, list[RowChange]]) -> None:
                if self.store is store and self.all_patients:
                    self.loading = False
                    self.beginResetModel()
                    self._take(result)
                    self.endResetModel()

            def failed(_exc: BaseException) -> None:
                self.loading = False
                self.loading_changed.emit()

            self.loading = True
            self.loading_changed.emit()  # the title says "loading"
            self.tasks.start("history", work, on_finished=done, on_failed=failed)
            return
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def set_store(self, store: Store | None) -> None:
        self.store = store
        self.refresh()

    def set_patient(self, patient_id: str | None) -> None:
        if patient_id != self.patient_id:
            self.offset = 0
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
            if key == "row" and not self.all_patients and self.patient_id:  # the tab names the patient
                return str(line[key]).removeprefix(f"{self.patient_id} · ")
            return line[key]
        if role == SORT_ROLE:
            return (line[key], -line["audit_id"]) if key != "time" else line["audit_id"]
        if role == Qt.ItemDataRole.ToolTipRole and key in ("old", "new", "action", "time", "row"):
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
        self.newer = QPushButton("◂ Newer")
        self.newer.setObjectName("HistoryNewer")
        self.newer.setToolTip(f"The previous {PAGE_ROWS} changes (more recent)")
        self.newer.clicked.connect(lambda: self.model.page(-1))
        self.older = QPushButton("Older ▸")
        self.older.setObjectName("HistoryOlder")
        self.older.setToolTip(f"The next {PAGE_ROWS} changes (further back)")
        self.older.clicked.connect(lambda: self.model.page(+1))
        self.title.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.newer)
        top.addWidget(self.older)
        top.addWidget(self.all_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self.model.modelReset.connect(self._update_title)
        self.model.loading_changed.connect(self._update_title)
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
        self.model.offset = 0
        self.model.refresh()

    def _update_title(self) -> None:
        m = self.model
        who = "all patients" if m.all_patients else (m.patient_id or "no patient selected")
        if m.total > m.shown:
            what = f"showing {m.offset + 1:,}–{m.offset + m.shown:,} of {m.total:,} changes"
        else:
            what = f"{m.total:,} change(s)"
        if m.loading:
            what = "loading…"
        self.title.setText(f"History of {who}: {what}, newest first")
        self.newer.setVisible(m.total > m.shown)
        self.older.setVisible(m.total > m.shown)
        self.newer.setEnabled(m.offset > 0)
        self.older.setEnabled(m.has_more())
        for col in range(self.model.columnCount() - 1):
            self.view.resizeColumnToContents(col)
            # old / new: whole rows of an insert can be long; the tooltip has them
            if self.model.COLUMNS[col][0] in ("old", "new", "row"):
                self.view.setColumnWidth(col, min(self.view.columnWidth(col), 180))
