"""The patient table's Qt models: a thin adapter over `store.summary` rows, plus the filter proxy.

Raw values live in `SORT_ROLE`, formatted text in `DisplayRole` (conventions §4). Sorting and
filtering are done in bulk in Python and handed to Qt as a result, because Qt's per-row
callbacks into Python (`lessThan`, `filterAcceptsRow` doing real work) cost ~2 µs each: a
10,000-row sort through `lessThan` takes ~0.7 s, a key sort of the same rows ~5 ms. So the
proxy's `sort` asks the source model to reorder itself, and `filterAcceptsRow` is one set
lookup against the set of accepted IDs computed once per keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from y90gui.store.summary import PatientSummary

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
PID_ROLE = int(Qt.ItemDataRole.UserRole) + 2
_Index = QModelIndex | QPersistentModelIndex


def pretty_code(value: Any) -> str:
    """`whole_liver` -> `whole liver`: codes stay codes, but read like words."""
    return "" if value is None else str(value).replace("_", " ")


def _fmt_int(v: Any) -> str:
    return "" if v is None else str(int(v))


def _fmt1(v: Any) -> str:
    return "" if v is None else f"{float(v):.1f}"


def _fmt_grade(v: Any) -> str:
    return "" if v is None else f"G{int(v)}"


@dataclass(frozen=True)
class TableColumn:
    key: str
    title: str
    tip: str
    fmt: Callable[[Any], str] = pretty_code
    numeric: bool = False


COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("patient_id", "ID", "pseudonymous study ID"),
    TableColumn("center", "Centre", "treating centre"),
    TableColumn("sex", "Sex", "F / M"),
    TableColumn("age_first_re", "Age", "age at the first radioembolization (years, from the birth year)",
                _fmt_int, True),
    TableColumn("primary_site", "Primary", "primary tumour site"),
    TableColumn("who_grade", "WHO", "WHO grade"),
    TableColumn("prrt_cycles", "PRRT cycles", "number of PRRT cycles", _fmt_int, True),
    TableColumn("prrt_gbq", "PRRT GBq", "cumulative PRRT activity (GBq)", _fmt1, True),
    TableColumn("prrt_to_re_days", "PRRT→RE d", "days from the last PRRT cycle to the first RE", _fmt_int, True),
    TableColumn("re_procedures", "RE", "number of radioembolization procedures", _fmt_int, True),
    TableColumn("first_extent", "Extent 1st RE", "extent of the first radioembolization"),
    TableColumn("recist_3m", "RECIST 3 mo", "RECIST 1.1 response at the 3-month assessment"),
    TableColumn("worst_lab_grade", "Worst lab", "worst CTCAE v4.03 lab grade within 90 days after any RE",
                _fmt_grade, True),
    TableColumn("vital_status", "Status", "vital status at the end of follow-up"),
    TableColumn("followup_years", "FU years", "follow-up from the first RE (years)", _fmt1, True),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
DERIVED_KEYS = ("recist_3m", "worst_lab_grade")


class PatientTableModel(QAbstractTableModel):
    """One row per patient; derived columns are empty until `set_derived` fills them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[Any]] = []
        self._notes: list[str] = []
        self._haystack: dict[str, str] = {}
        self._by_pid: dict[str, list[Any]] = {}
        self.derived_loaded = False

    # -- loading
    def set_summary(self, summary: PatientSummary) -> None:
        src = [summary.index(k) if k in summary.columns else None for k in COLUMN_KEYS]
        notes_i = summary.index("notes")
        self.beginResetModel()
        self._rows = [[None if i is None else r[i] for i in src] for r in summary.rows]
        self._by_pid = {r[0]: r for r in self._rows}
        centre_i = COLUMN_KEYS.index("center")
        self._haystack = {
            r[0]: "\x1f".join((str(r[0]), str(r[centre_i] or ""), str(s[notes_i] or ""))).casefold()
            for r, s in zip(self._rows, summary.rows)
        }
        self.derived_loaded = False
        self.endResetModel()

    def set_derived(self, values: dict[str, dict[str, Any]]) -> None:
        """values[key][patient_id] for the DERIVED_KEYS columns (missing patient = empty)."""
        cols = [COLUMN_KEYS.index(k) for k in DERIVED_KEYS]
        for row in self._rows:
            for key, c in zip(DERIVED_KEYS, cols):
                row[c] = values.get(key, {}).get(row[0])
        self.derived_loaded = True
        if self._rows:
            for c in cols:
                self.dataChanged.emit(self.index(0, c), self.index(len(self._rows) - 1, c))

    # -- queries used by the proxy and the cohort panels
    def patient_ids(self) -> list[str]:
        return [r[0] for r in self._rows]

    def value(self, patient_id: str, key: str) -> Any:
        row = self._by_pid.get(patient_id)
        return None if row is None else row[COLUMN_KEYS.index(key)]

    def values(self, key: str) -> list[Any]:
        c = COLUMN_KEYS.index(key)
        return [r[c] for r in self._rows]

    def pid_at(self, row: int) -> str:
        return self._rows[row][0]

    def row_of(self, patient_id: str) -> int:
        for i, r in enumerate(self._rows):
            if r[0] == patient_id:
                return i
        return -1

    def matching(self, text: str, filters: dict[str, Any]) -> set[str] | None:
        """IDs whose ID/centre/notes contain `text` and whose columns equal `filters` (None = all)."""
        needle = text.strip().casefold()
        active = {k: v for k, v in filters.items() if v is not _ALL}
        if not needle and not active:
            return None
        cols = [(COLUMN_KEYS.index(k), v) for k, v in active.items()]
        hay = self._haystack
        return {
            r[0] for r in self._rows
            if (not needle or needle in hay[r[0]]) and all(r[c] == v for c, v in cols)
        }

    # -- Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[index.column()]
            if value is None and col.key in DERIVED_KEYS and not self.derived_loaded:
                return "…"
            return col.fmt(value)
        if role == SORT_ROLE:
            return row[index.column()]
        if role == PID_ROLE:
            return row[0]
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col.key == "patient_id":
            return None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Key sort in Python; empty values always last; selection kept (persistent indexes)."""
        if column < 0 or column >= len(COLUMNS):
            return
        reverse = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_pids = [self._rows[i.row()][0] for i in old_persistent]
        present = [r for r in self._rows if r[column] is not None]
        missing = [r for r in self._rows if r[column] is None]
        numeric = COLUMNS[column].numeric
        present.sort(key=(lambda r: r[column]) if numeric else (lambda r: str(r[column]).casefold()),
                     reverse=reverse)
        self._rows = present + missing
        pos = {r[0]: i for i, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            old_persistent, [self.index(pos[p], i.column()) for p, i in zip(old_pids, old_persistent)]
        )
        self.layoutChanged.emit()


class _AllValues:
    def __repr__(self) -> str:
        return "ALL"


#: Filter value meaning "no filter on this column".
_ALL: Any = _AllValues()
ALL = _ALL


class PatientFilterProxy(QSortFilterProxyModel):
    """Filters by the accepted-ID set of the last `set_criteria`; delegates sorting to the source."""

    criteria_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._accepted: set[str] | None = None
        self._text = ""
        self._filters: dict[str, Any] = {}
        self.setDynamicSortFilter(False)

    def source(self) -> PatientTableModel:
        model = self.sourceModel()
        assert isinstance(model, PatientTableModel)
        return model

    def set_criteria(self, text: str | None = None, **filters: Any) -> None:
        if text is not None:
            self._text = text
        self._filters.update(filters)
        self.refilter()

    def refilter(self) -> None:
        accepted = self.source().matching(self._text, self._filters)
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10; invalidateRowsFilter is deprecated there
            self.beginFilterChange()
            self._accepted = accepted
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._accepted = accepted
            self.invalidateRowsFilter()
        self.criteria_changed.emit()

    def criteria(self) -> tuple[str, dict[str, Any]]:
        return self._text, dict(self._filters)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        accepted = self._accepted
        return accepted is None or self.source().pid_at(source_row) in accepted

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)

    def visible_ids(self) -> list[str]:
        src = self.source()
        return [src.pid_at(self.mapToSource(self.index(r, 0)).row()) for r in range(self.rowCount())]

    def visible_set(self) -> set[str] | None:
        """The accepted IDs, or None when no filter is active (all patients)."""
        return self._accepted

    def accepted_ids(self, order: Iterable[str]) -> list[str]:
        acc = self._accepted
        return list(order) if acc is None else [p for p in order if p in acc]
