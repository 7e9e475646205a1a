"""The patient table's Qt models: a thin adapter over `store.summary` rows, plus the filter proxy.

Raw values live in `SORT_ROLE`, formatted text in `DisplayRole` (conventions §4). The work is
done in bulk, because Qt's per-row callbacks into Python cost microseconds each (a 10,000-row
sort through `lessThan` takes ~0.7 s where a key sort takes ~5 ms; 100,000 `filterAcceptsRow`
calls would take a whole keystroke's budget many times over). The search (`SearchIndex`) turns
the text into a bool array over the rows with numpy's C substring search on each field's
distinct values (~1 ms at 100,000 patients); the model shows the accepted rows with one layout
change (the view keeps its columns, scroll position and current row; a keystroke that keeps the
same rows changes nothing). The view reads the model directly; `PatientFilterProxy` only holds
the criteria and forwards sort requests. numpy is imported with the first full list of rows,
after the first paint, never at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QIdentityProxyModel,
    QModelIndex,
    QPersistentModelIndex,
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
#: how a right-aligned cell is aligned
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_RIGHT = int(RIGHT)
_FORMATS = tuple(c.fmt for c in COLUMNS)
#: per column: its cells right-aligned (numbers), for `data` and `PatientCellDelegate` alike
RIGHT_ALIGNED = tuple(c.numeric for c in COLUMNS)
_DERIVED_COLS = frozenset(COLUMN_KEYS.index(k) for k in DERIVED_KEYS)
#: a stored row is the summary tuple's values followed by the derived columns; _SRC[c] is where
#: table column c lives in it (no per-row reshuffling when 10,000 rows arrive)
_STORED = (*SUMMARY_COLUMNS, *DERIVED_KEYS)
_SRC = tuple(_STORED.index(k) for k in COLUMN_KEYS)
_NOTES = _STORED.index("notes")
_CENTRE = _STORED.index("center")
_EXCLUDED = _STORED.index("excluded")
#: the layout signals' overload that carries a hint (PySide6 names overloads by C++ signature)
_LAYOUT_SIGNATURE = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"
_RID = len(_STORED)  # the row's place in the file, after the stored values
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ICON: list[QPixmap] = []


class PatientTableModel(QAbstractTableModel):
    """One row per patient; derived columns are empty until `set_derived` fills them.

    Every row keeps its place in the file (`_RID`, the summary's row number): the search index,
    the column-filter mask and the accepted rows are arrays over those numbers, so a filter
    change is array arithmetic, and the rows shown change with one layout change (the view keeps
    its columns, scroll bar and current row; no model reset, no re-measuring)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        #: every patient, in the current sort order
        self._all: list[list[Any]] = []
        #: every patient, in the file's order (index = _RID)
        self._by_rid: list[list[Any]] = []
        #: positions in _all of the rows shown, in order (a numpy array; None = every row)
        self._vis: Any = None
        #: rows accepted (bool array over _RID), None = every row
        self._mask: Any = None
        self._shown_ids: set[str] | None = None  # the accepted IDs as a set, built when asked
        self._sort_rids: Any = None  # _RID of each position in _all (built with the index)
        self._sort_pos: Any = None  # position in _all of each _RID
        self._search: SearchIndex | None = None
        #: per stored column filtered on: (value -> code, each row's code as an int array)
        self._column_codes: dict[int, tuple[dict[Any, int], Any]] = {}
        self._by_pid: dict[str, list[Any]] = {}
        self.derived_loaded = False

    # -- loading
    def set_summary(self, summary: PatientSummary, index: bool = True) -> None:
        """List these rows (every filter off until the proxy applies its criteria again).

        `index`: build the search index now (with the rows, so the first keystroke does not pay
        for it); False for a first screenful at start-up, whose search index (and numpy) can
        wait until after the first paint or the first keystroke."""
        if summary.columns != SUMMARY_COLUMNS:
            raise ValueError("unexpected summary columns")
        self.beginResetModel()
        self._by_rid = [[*r, None, None, i] for i, r in enumerate(summary.rows)]
        self._all = list(self._by_rid)  # "unsorted" (sort column -1) = the file's order
        self._by_pid = {r[0]: r for r in self._all}
        self._search = None
        self._sort_rids = self._sort_pos = None
        if index and self._by_rid:  # (an empty list, as when a file is closed, needs no numpy)
            self._index()
        self._column_codes = {}
        self._set_mask(None)
        self.derived_loaded = False
        self.endResetModel()

    @property
    def indexed(self) -> bool:
        """Whether the rows' search index exists (the next keystroke does not build it)."""
        return self._search is not None

    def build_index(self) -> None:
        """Build the search index now if the rows have none (`set_summary(index=False)`): after
        the first paint, so that the first keystroke does not pay for it (nor import numpy)."""
        if self._by_rid:
            self._index()

    def _index(self) -> SearchIndex:
        """The search index and the sort-order arrays (numpy is imported here, not at start-up)."""
        if self._search is None:
            self._search = SearchIndex([r[0] for r in self._by_rid], [r[_CENTRE] for r in self._by_rid],
                                       [r[_NOTES] for r in self._by_rid])
        if self._sort_rids is None:
            import numpy as np

            self._sort_rids = np.fromiter((r[_RID] for r in self._all), np.int64, len(self._all))
            self._sort_pos = np.empty(len(self._all), np.int64)
            self._sort_pos[self._sort_rids] = np.arange(len(self._all))
        return self._search

    def _set_mask(self, mask: Any) -> None:
        """Rows shown := those of `mask` (None = all), in the current order (no signals)."""
        self._mask = mask
        self._shown_ids = None
        if mask is None:
            self._vis = None
            return
        import numpy as np

        self._index()
        self._vis = np.flatnonzero(mask[self._sort_rids])  # no Python list of 100,000 rows per keystroke

    def _row(self, r: int) -> list[Any]:
        """The stored row shown at table row `r`."""
        return self._all[r] if self._vis is None else self._all[self._vis[r]]

    def _count(self) -> int:
        return len(self._all) if self._vis is None else len(self._vis)

    def show_mask(self, mask: Any, force: bool = False) -> bool:
        """Show the rows of `mask` (a bool array over the file's rows, None = all), in the current
        order, with one layout change; nothing happens when the same rows are shown already.
        Returns whether the rows shown changed."""
        old = self._mask
        if not force and (mask is old or (mask is not None and old is not None and _same(mask, old))):
            return False
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint  # the columns stay as they are
        self.layoutAboutToBeChanged[_LAYOUT_SIGNATURE].emit([], hint)  # type: ignore[index]
        persistent = self.persistentIndexList()
        n = self._count()
        rids = [self._row(i.row())[_RID] if 0 <= i.row() < n else -1 for i in persistent]
        self._set_mask(mask)
        self.changePersistentIndexList(persistent, [self._index_of(r, i.column()) for r, i in zip(rids, persistent)])
        self.layoutChanged[_LAYOUT_SIGNATURE].emit([], hint)  # type: ignore[index]
        return True

    def _index_of(self, rid: int, column: int) -> QModelIndex:
        """The index showing file row `rid` now (invalid when the filter hides it)."""
        import numpy as np

        if rid < 0:
            return QModelIndex()
        if self._mask is None:
            if self._sort_pos is not None:
                return self.index(int(self._sort_pos[rid]), column)
            target = self._by_rid[rid]
            return self.index(next(i for i, r in enumerate(self._all) if r is target), column)
        if not self._mask[rid]:
            return QModelIndex()
        return self.index(int(np.searchsorted(self._vis, self._sort_pos[rid])), column)

    def show_only(self, patient_ids: set[str] | None) -> None:
        """Show just these patients (None = all), in the current order: one layout change."""
        import numpy as np

        if patient_ids is None:
            self.show_mask(None)
            return
        self.show_mask(np.fromiter((r[0] in patient_ids for r in self._by_rid), bool, len(self._by_rid)))

    def set_derived(self, values: dict[str, dict[str, Any]]) -> None:
        """values[key][patient_id] for the DERIVED_KEYS columns (missing patient = empty)."""
        cols = [COLUMN_KEYS.index(k) for k in DERIVED_KEYS]
        for row in self._all:
            for key in DERIVED_KEYS:
                row[_STORED.index(key)] = values.get(key, {}).get(row[0])
        self.derived_loaded = True
        self._column_codes = {}  # a filter on a derived column gives other rows now
        if self._count():
            for c in cols:
                self.dataChanged.emit(self.index(0, c), self.index(self._count() - 1, c))

    # -- queries used by the proxy and the cohort panels
    def patient_ids(self) -> list[str]:
        """Every patient (shown or not), in the current sort order."""
        return [r[0] for r in self._all]

    def shown_ids(self) -> set[str] | None:
        """The IDs of the rows shown, None = every patient (built once per filter, when asked)."""
        if self._mask is None:
            return None
        if self._shown_ids is None:
            self._shown_ids = {self._all[i][0] for i in self._vis.tolist()}
        return self._shown_ids

    def value(self, patient_id: str, key: str) -> Any:
        row = self._by_pid.get(patient_id)
        return None if row is None else row[_STORED.index(key)]

    def values(self, key: str) -> list[Any]:
        c = _STORED.index(key)
        return [r[c] for r in self._all]

    def total(self) -> int:
        return len(self._all)

    def display_lengths(self, rows: int) -> list[int]:
        """The longest display text of each column in the first `rows` rows shown (to size the
        columns: straight from the stored rows, not ~800 `data()` calls through Qt)."""
        sample = [self._row(r) for r in range(min(rows, self._count()))]
        return [max((len(_FORMATS[c](row[_SRC[c]])) for row in sample), default=0) for c in range(len(COLUMNS))]

    def pid_at(self, row: int) -> str:
        return str(self._row(row)[0])

    def row_of(self, patient_id: str) -> int:
        row = self._by_pid.get(patient_id)
        if row is None:
            return -1
        index = self._index_of(row[_RID], 0) if self._sort_pos is not None else None
        if index is not None:
            return index.row() if index.isValid() else -1
        return next((i for i in range(self._count()) if self._row(i) is row), -1)

    def matching(self, text: str, filters: dict[str, Any]) -> Any:
        """The rows whose ID/centre/notes contain `text` (case-folded) and whose columns equal
        `filters`, as a bool array over the file's rows; None = every row."""
        needle = text.strip().casefold()
        active = {k: v for k, v in filters.items() if v is not _ALL}
        if not needle and not active:
            return None
        mask = self._index().containing(needle) if needle else None
        for key, value in active.items():
            codes, per_row = self._codes_of(_STORED.index(key))
            hit = per_row == codes.get(value, -1)
            mask = hit if mask is None else mask & hit
        # every row kept ("c" in a cohort whose centres all have one) = no filter: the table
        # then needs no change at all
        return None if mask is None or mask.all() else mask

    def _codes_of(self, c: int) -> tuple[dict[Any, int], Any]:
        """Column `c` as codes (one pass over the rows, kept until the rows change), so each
        filter value is one numpy comparison: a centre chosen, then another, then "all" again
        costs ~0.1 ms, not a Python pass over 100,000 rows (~50 ms) each time. A dict groups
        values as `==` does (1 == 1.0 == True), which is how the combo's value is compared."""
        cached = self._column_codes.get(c)
        if cached is None:
            import numpy as np

            codes: dict[Any, int] = {}
            get = codes.setdefault
            cached = (codes, np.fromiter((get(r[c], len(codes)) for r in self._by_rid), np.int32,
                                         len(self._by_rid)))
            self._column_codes[c] = cached
        return cached

    # -- Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count()

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        vis = self._vis
        return self._value(self._all[index.row()] if vis is None else self._all[vis[index.row()]], index.column(),
                           role)

    def plain_text(self, r: int, c: int) -> str | None:
        """Table cell (`r`, `c`)'s display text when text and alignment are all it shows (an analysed
        patient's cell with a value); None when it needs the other roles of `data` too (an excluded
        patient's grey italic row and mark). What `PatientCellDelegate` paints from."""
        vis = self._vis
        row = self._all[r] if vis is None else self._all[vis[r]]
        if row[_EXCLUDED] is not None:
            return None
        return cast(str, self._value(row, c, _DISPLAY))  # `_FORMATS` give text

    def _value(self, row: list[Any], c: int, role: int) -> Any:
        """Cell (`row`, column `c`)'s value for `role`: plain int comparisons, display first (asked
        7 times per visible cell on every repaint when the delegate has to ask `data`)."""
        if role == _DISPLAY:
            value = row[_SRC[c]]
            if value is None and c in _DERIVED_COLS and not self.derived_loaded:
                return "…"
            return _FORMATS[c](value)
        if role == _ALIGN:
            return _RIGHT if RIGHT_ALIGNED[c] else None
        if role == _TOOLTIP:  # only on hover: the full text of a cell that may be elided
            text = _FORMATS[c](row[_SRC[c]])
            return plain_html(text) if len(text) > 12 else None
        if role == SORT_ROLE:
            return row[_SRC[c]]
        if role == PID_ROLE:
            return row[0]
        if role in (_FOREGROUND, _FONT):  # an excluded patient's row is grey and italic
            return _excluded_style(role) if row[_EXCLUDED] is not None else None
        if role == _DECORATION and c == 0 and row[_EXCLUDED] is not None:
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
        old_rids = [self._row(i.row())[_RID] for i in old_persistent]
        if column < 0:
            self._all = list(self._by_rid)
        else:
            i = _SRC[column]
            present = [r for r in self._all if r[i] is not None]
            missing = [r for r in self._all if r[i] is None]
            numeric = COLUMNS[column].numeric
            present.sort(key=(lambda r: r[i]) if numeric else (lambda r: str(r[i]).casefold()), reverse=reverse)
            self._all = present + missing
        self._sort_rids = self._sort_pos = None
        if self._search is not None:
            self._index()  # the sort-order arrays again
        self._set_mask(self._mask)
        self.changePersistentIndexList(
            old_persistent, [self._index_of(rid, i.column()) for rid, i in zip(old_rids, old_persistent)]
        )
        self.layoutChanged.emit()


def _same(a: Any, b: Any) -> bool:
    import numpy as np

    return bool(np.array_equal(a, b))


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


class PatientFilterProxy(QIdentityProxyModel):
    """Holds the filter criteria and takes sort requests; the source model does the bulk work
    (an identity proxy: no per-row mapping of its own to rebuild on every keystroke)."""

    criteria_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._filters: dict[str, Any] = {}
        #: whether the last `refilter` changed the rows shown
        self.rows_changed = False

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
        src = self.source()
        # "c" -> "ce" often keeps the same rows: then nothing changes in the view
        self.rows_changed = src.show_mask(src.matching(self._text, self._filters), force)
        self.criteria_changed.emit()

    def criteria(self) -> tuple[str, dict[str, Any]]:
        return self._text, dict(self._filters)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)

    def visible_ids(self) -> list[str]:
        src = self.source()
        return [src.pid_at(r) for r in range(self.rowCount())]

    def visible_set(self) -> set[str] | None:
        """The accepted IDs, or None when no filter is active (all patients)."""
        return self.source().shown_ids()

    def accepted_ids(self, order: Iterable[str]) -> list[str]:
        acc = self.source().shown_ids()
        return list(order) if acc is None else [p for p in order if p in acc]


class SearchIndex:
    """Which rows contain a text in their ID, centre or notes (case-folded), for every keystroke.

    The rule is the plain one: `needle in casefold(ID + US + centre + US + notes)` (US = the
    unit separator \\x1f). A needle without US lies inside one field, so each field is searched
    on its distinct values only (a centre's name once, not once per patient) with numpy's C
    substring search over their UTF-8 bytes (a byte match of valid UTF-8 is a character match),
    and the hits are gathered back to rows through each row's value code: ~1 ms at 100,000
    patients instead of ~20 ms of Python `in` per row. A needle with US or NUL (pasted) takes
    the plain rule row by row. Values longer than `LONG` bytes are searched with Python's `in`
    (a fixed-width array of a few long notes would cost their length times every row).
    """

    LONG = 256

    def __init__(self, ids: list[Any], centres: list[Any], notes: list[Any]) -> None:
        import numpy as np

        self._n = len(ids)
        self._fields = [_Field([str(v).casefold() for v in ids]),
                        _Field([str(v or "").casefold() for v in centres]),
                        _Field([str(v or "").casefold() for v in notes])]
        self._np = np
        self.containing("warm-up")  # numpy's first string search sets itself up: not on a keystroke

    def containing(self, needle: str) -> Any:
        """Bool array over the rows: does the row's haystack contain `needle` (already case-folded)?"""
        np = self._np
        if "\x1f" in needle or "\x00" in needle:
            return np.fromiter((needle in h for h in self.haystacks()), bool, self._n)
        raw = needle.encode("utf-8", "surrogatepass")
        mask = np.zeros(self._n, bool)
        for field in self._fields:
            hits = field.hits(needle, raw)
            if hits.any():
                mask |= hits[field.codes]
        return mask

    def haystacks(self) -> list[str]:
        """Each row's full search text (the plain rule's haystack)."""
        ids, centres, notes = ([f.values[c] for c in f.codes.tolist()] for f in self._fields)
        return ["\x1f".join(parts) for parts in zip(ids, centres, notes)]


class _Field:
    """One searched field: its distinct case-folded values and each row's value code."""

    def __init__(self, texts: list[str]) -> None:
        import numpy as np

        codes: dict[str, int] = {}
        self.codes = np.fromiter((codes.setdefault(t, len(codes)) for t in texts), np.int64, len(texts))
        self.values = list(codes)
        raw = [v.encode("utf-8", "surrogatepass") for v in self.values]
        short = [i for i, b in enumerate(raw) if len(b) <= SearchIndex.LONG]
        self._short_at = np.array(short, np.int64)
        self._short = np.array([raw[i] for i in short], dtype=bytes) if short else None
        self._long = [(i, self.values[i]) for i, b in enumerate(raw) if len(b) > SearchIndex.LONG]
        #: each value's place in `_short` (-1: a long value, searched in Python)
        self._short_pos = np.full(len(self.values), -1, np.int64)
        self._short_pos[self._short_at] = np.arange(len(short))
        self._last: tuple[str, Any] | None = None  # the last needle searched and its hits
        self._np = np

    def hits(self, needle: str, raw: bytes) -> Any:
        """Bool array over the distinct values: which contain the needle.

        Typing on narrows: a value containing the new needle contains the last one too, so
        when the last needle is part of this one only the last hits are searched again (a
        few hundred IDs instead of 100,000 on the third digit of a number)."""
        np = self._np
        last = self._last
        if last is not None and last[0] in needle:
            among = np.flatnonzero(last[1])
            if len(among) * 2 < len(self.values):
                hit = np.zeros(len(self.values), bool)
                pos = self._short_pos[among]
                short = pos >= 0
                if short.any() and self._short is not None:
                    hit[among[short]] = np.strings.find(self._short[pos[short]], raw) >= 0
                for i in among[~short].tolist():
                    hit[i] = needle in self.values[i]
                self._last = (needle, hit)
                return hit
        hit = np.zeros(len(self.values), bool)
        if self._short is not None:
            hit[self._short_at] = np.strings.find(self._short, raw) >= 0
        for i, value in self._long:
            if needle in value:
                hit[i] = True
        self._last = (needle, hit)
        return hit
