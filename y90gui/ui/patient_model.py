"""The patient table's Qt models: a thin adapter over `store.summary` rows, plus the filter proxy.

Raw values live in `SORT_ROLE`, formatted text in `DisplayRole` (conventions §4). The view
talks to a `QSortFilterProxyModel` (`PatientFilterProxy`): it holds the filter criteria and
takes the sort requests. The work itself is done in bulk in Python, because Qt's per-row
callbacks into Python cost microseconds each: a 10,000-row sort through `lessThan` takes
~0.7 s where a key sort takes ~5 ms, and 10,000 `filterAcceptsRow` calls alone take ~10 ms
of a keystroke's 16 ms budget. So the proxy computes the accepted IDs once (a substring test
per row) and the source model shows exactly those rows (one reset: the view then asks only
for the ~40 rows on screen); sorting reorders the source rows with a key sort.
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
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap

from y90gui.store.summary import SUMMARY_COLUMNS, PatientSummary
from y90gui.ui.richtext import plain_html

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


def _fmt_excluded(v: Any) -> str:
    """The summary's `excluded` value (None = analysed, else the reason) as the table shows it."""
    if v is None:
        return ""
    return f"excluded: {v}" if v else "excluded"


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
    TableColumn("excluded", "Analysis", "excluded from analysis (and why): no report, table, figure or model "
                "counts the patient", _fmt_excluded),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
DERIVED_KEYS = ("recist_3m", "worst_lab_grade")
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_FORMATS = tuple(c.fmt for c in COLUMNS)
_NUMERIC = tuple(c.numeric for c in COLUMNS)
_DERIVED_COLS = frozenset(COLUMN_KEYS.index(k) for k in DERIVED_KEYS)
#: a stored row is the summary tuple's values followed by the derived columns; _SRC[c] is where
#: table column c lives in it (no per-row reshuffling when 10,000 rows arrive)
_STORED = (*SUMMARY_COLUMNS, *DERIVED_KEYS)
_SRC = tuple(_STORED.index(k) for k in COLUMN_KEYS)
_NOTES = _STORED.index("notes")
_CENTRE = _STORED.index("center")
_EXCLUDED = _STORED.index("excluded")
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ICON: list[QPixmap] = []


class PatientTableModel(QAbstractTableModel):
    """One row per patient; derived columns are empty until `set_derived` fills them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        #: every patient, in the current sort order
        self._all: list[list[Any]] = []
        #: the rows shown (those accepted by the filter), same order
        self._rows: list[list[Any]] = []
        self._shown: set[str] | None = None
        self._haystack: dict[str, str] = {}
        #: the last search (needle, column filters, IDs found): the next keystroke narrows it
        self._last_match: tuple[str, tuple[tuple[int, Any], ...], set[str]] | None = None
        self._by_pid: dict[str, list[Any]] = {}
        self._file_order: dict[str, int] = {}
        self.derived_loaded = False

    # -- loading
    def set_summary(self, summary: PatientSummary) -> None:
        if summary.columns != SUMMARY_COLUMNS:
            raise ValueError("unexpected summary columns")
        self.beginResetModel()
        self._all = [[*r, None, None] for r in summary.rows]
        self._file_order = {r[0]: i for i, r in enumerate(self._all)}  # "unsorted" (sort column -1)
        self._by_pid = {r[0]: r for r in self._all}
        # The search text of every row, built with the rows (a first screenful at start-up, all
        # rows just after the first paint) so that the first keystroke does not pay for it.
        self._haystack = {
            r[0]: "\x1f".join((str(r[0]), str(r[_CENTRE] or ""), str(r[_NOTES] or ""))).casefold()
            for r in self._all
        }
        self._last_match = None
        self._rows = self._visible()
        self.derived_loaded = False
        self.endResetModel()

    def _visible(self) -> list[list[Any]]:
        shown = self._shown
        return list(self._all) if shown is None else [r for r in self._all if r[0] in shown]

    def show_only(self, patient_ids: set[str] | None) -> None:
        """Show just these patients (None = all), in the current order: one model reset."""
        self.beginResetModel()
        self._shown = patient_ids
        self._rows = self._visible()
        self.endResetModel()

    def set_derived(self, values: dict[str, dict[str, Any]]) -> None:
        """values[key][patient_id] for the DERIVED_KEYS columns (missing patient = empty)."""
        cols = [COLUMN_KEYS.index(k) for k in DERIVED_KEYS]
        for row in self._all:
            for key in DERIVED_KEYS:
                row[_STORED.index(key)] = values.get(key, {}).get(row[0])
        self.derived_loaded = True
        self._last_match = None  # a filter on a derived column gives other rows now
        if self._rows:
            for c in cols:
                self.dataChanged.emit(self.index(0, c), self.index(len(self._rows) - 1, c))

    # -- queries used by the proxy and the cohort panels
    def patient_ids(self) -> list[str]:
        """Every patient (shown or not), in the current sort order."""
        return [r[0] for r in self._all]

    def value(self, patient_id: str, key: str) -> Any:
        row = self._by_pid.get(patient_id)
        return None if row is None else row[_STORED.index(key)]

    def values(self, key: str) -> list[Any]:
        c = _STORED.index(key)
        return [r[c] for r in self._all]

    def total(self) -> int:
        return len(self._all)

    def pid_at(self, row: int) -> str:
        return str(self._rows[row][0])

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
        cols = tuple((_STORED.index(k), v) for k, v in active.items())
        hay = self._haystack
        last = self._last_match
        if last is not None and last[0] and last[0] in needle and last[1] == cols:
            # Typing on ("c" -> "ce"): the rows can only narrow, so search just the last ones;
            # the same rows come back as the same set object (the proxy then skips its reset).
            prev = last[2]
            narrowed = ({pid for pid in prev if needle in hay[pid]} if 2 * len(prev) < len(hay)
                        else {pid for pid, h in hay.items() if needle in h and pid in prev})
            found = last[2] if len(narrowed) == len(last[2]) else narrowed
        elif not cols:
            found = {pid for pid, h in hay.items() if needle in h}
        else:
            found = {
                r[0] for r in self._all
                if (not needle or needle in hay[r[0]]) and all(r[c] == v for c, v in cols)
            }
        self._last_match = (needle, cols, found)
        return found

    # -- Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called ~7 times per visible cell on every repaint: plain int comparisons, display first.
        if role == _DISPLAY:
            c = index.column()
            value = self._rows[index.row()][_SRC[c]]
            if value is None and c in _DERIVED_COLS and not self.derived_loaded:
                return "…"
            return _FORMATS[c](value)
        if role == _ALIGN:
            return _RIGHT if _NUMERIC[index.column()] else None
        if role == _TOOLTIP:  # only on hover: the full text of a cell that may be elided
            c = index.column()
            text = _FORMATS[c](self._rows[index.row()][_SRC[c]])
            return plain_html(text) if len(text) > 12 else None
        if role == SORT_ROLE:
            return self._rows[index.row()][_SRC[index.column()]]
        if role == PID_ROLE:
            return self._rows[index.row()][0]
        if role in (_FOREGROUND, _FONT):  # an excluded patient's row is grey and italic
            return _excluded_style(role) if self._rows[index.row()][_EXCLUDED] is not None else None
        if role == _DECORATION and index.column() == 0 and self._rows[index.row()][_EXCLUDED] is not None:
            return _excluded_icon()  # the mark stays in sight when the Analysis column is scrolled away
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
        """Key sort in Python; empty values always last; selection kept (persistent indexes).

        Column -1 (no sort indicator, e.g. after Clear filters) restores the file's order."""
        if column >= len(COLUMNS):
            return
        reverse = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_pids = [self._rows[i.row()][0] for i in old_persistent]
        if column < 0:
            file_order = self._file_order
            self._all.sort(key=lambda r: file_order.get(r[0], len(file_order)))
        else:
            i = _SRC[column]
            present = [r for r in self._all if r[i] is not None]
            missing = [r for r in self._all if r[i] is None]
            numeric = COLUMNS[column].numeric
            present.sort(key=(lambda r: r[i]) if numeric else (lambda r: str(r[i]).casefold()), reverse=reverse)
            self._all = present + missing
        self._rows = self._visible()
        pos = {r[0]: i for i, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            old_persistent, [self.index(pos[p], i.column()) for p, i in zip(old_pids, old_persistent)]
        )
        self.layoutChanged.emit()


def _excluded_style(role: int) -> Any:
    if role == _FOREGROUND:
        return QColor("#66727a")
    font = QFont()
    font.setItalic(True)
    return font


def _excluded_icon() -> QPixmap:
    """A small grey ⊘ (drawn once): "excluded from analysis" next to the patient ID."""
    if not _ICON:
        size = 14
        pixmap = QPixmap(size, size)
        pixmap.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor("#8a3b12"))
        pen.setWidthF(1.6)
        painter.setPen(pen)
        painter.drawEllipse(2, 2, size - 4, size - 4)
        painter.drawLine(4, size - 4, size - 4, 4)
        painter.end()
        _ICON.append(pixmap)
    return _ICON[0]


class _AllValues:
    def __repr__(self) -> str:
        return "ALL"


#: Filter value meaning "no filter on this column".
_ALL: Any = _AllValues()
ALL = _ALL


class PatientFilterProxy(QSortFilterProxyModel):
    """Holds the filter criteria and takes sort requests; the source model does the bulk work."""

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

    def refilter(self, force: bool = False) -> None:
        accepted = self.source().matching(self._text, self._filters)
        # "c" -> "ce" often keeps the same rows (the very same set when narrowed): no reset
        if force or (accepted is not self._accepted and accepted != self._accepted):
            self._accepted = accepted
            self.source().show_only(accepted)
        self.criteria_changed.emit()

    def criteria(self) -> tuple[str, dict[str, Any]]:
        return self._text, dict(self._filters)

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
