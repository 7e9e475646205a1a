"""The patient list: search box, column filters, the sortable table and "N of M shown".

The filter set here is the cohort every other panel shows (survival, toxicity, report), so the
panel announces each change with `filter_changed` and the window passes it on.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from y90gui.core import codes
from y90gui.services.cohort_view import CohortView
from y90gui.store.summary import PatientSummary
from y90gui.ui.patient_delegate import PatientCellDelegate
from y90gui.ui.patient_model import ALL, COLUMN_KEYS, PID_ROLE, PatientFilterProxy, PatientTableModel, pretty_code

#: (column key, label with mnemonic, fixed choices or None = values found in the data)
FILTERS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("center", "&Centre", None),
    ("primary_site", "Primar&y", codes.PRIMARY_SITE),
    ("first_extent", "Exte&nt", codes.EXTENT),
    ("recist_3m", "RECIST &3 mo", codes.RECIST),
    ("vital_status", "Stat&us", codes.VITAL_STATUS),
)
NOT_RECORDED = "(not recorded)"
#: the keys the search box keeps for itself; other Ctrl+letters go to the window's actions
_EDITING_KEYS = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut, QKeySequence.StandardKey.Paste,
                 QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo, QKeySequence.StandardKey.SelectAll)


class PatientPanel(QWidget):
    """Emits `patient_activated(pid)` when the current row changes, `filter_changed()` on filters."""

    patient_activated = Signal(str)
    filter_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PatientPanel")
        self.model = PatientTableModel(self)
        self.proxy = PatientFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(self)
        self.search.setObjectName("SearchBox")
        self.search.setPlaceholderText("Search ID, centre, notes  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("search patients")
        self.search.textChanged.connect(self._on_text)
        self.search.installEventFilter(self)  # the window's Ctrl+letter shortcuts work while typing

        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        for i, (key, label, _choices) in enumerate(FILTERS):
            combo = QComboBox(self)
            combo.setObjectName(f"filter_{key}")
            combo.setAccessibleName(f"filter {key}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)  # the panel fits beside the views at 960 px (200 %)
            combo.currentIndexChanged.connect(lambda _i, k=key: self._on_combo(k))
            lab = QLabel(label, self)
            lab.setBuddy(combo)
            grid.addWidget(lab, i // 2, (i % 2) * 2)
            grid.addWidget(combo, i // 2, (i % 2) * 2 + 1)
            self.combos[key] = combo
        self.reset_button = QPushButton("Clear filters", self)
        self.reset_button.setToolTip("Clear the search and every filter (Ctrl+Shift+L)")
        self.reset_button.clicked.connect(self.clear_filters)
        grid.addWidget(self.reset_button, 2, 2, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.table = QTableView(self)
        self.table.setObjectName("PatientTable")
        # The view reads the model itself: the proxy (criteria, sort requests) sits beside it, since
        # a proxy in between doubles the cost of every repaint (7 data() calls per visible cell,
        # each through Python, ~3,800 per repaint of the table)
        self.table.setModel(self.model)
        self.table.setItemDelegate(PatientCellDelegate(self.model, self.table))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        # cells, so a block (drag, Shift+click, Shift+arrows) copies as that block as in Excel; a
        # click or an arrow key still selects the patient's whole row (`_row_for_one_cell`), and
        # the patient shown is always the current row's
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("patients")
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.table.selectionModel().selectionChanged.connect(self._row_for_one_cell)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("CountLabel")
        self._count_probe = QLabel(self)  # never shown: measures texts for the count (`_natural_width`)
        self._count_probe.setObjectName("CountLabel")
        self._count_probe.hide()
        self._loading_total: int | None = None  # set while only the first rows are listed

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)

        self.proxy.criteria_changed.connect(self._update_count)
        self.proxy.criteria_changed.connect(self._keep_a_current_row)
        self._kept_patient: str | None = None
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.modelReset.connect(self._restore_current)
        self.setTabOrder(self.search, self.combos[FILTERS[0][0]])
        self._update_count()

    # -- data
    def build_search_index(self) -> None:
        """The search index of rows listed with `index_later` (nothing if it exists)."""
        self.model.build_index()

    def set_summary(self, summary: PatientSummary, loading_total: int | None = None, *,
                    index_later: bool = False) -> None:
        """List these rows. `loading_total`: they are only the first rows of that many (a large
        file at start-up), and the full list follows with another call. `index_later`: the
        search index waits for `build_search_index` (the rows of a small file at start-up: numpy
        and the index are not needed for the first paint).

        First rows come in the full list's order and the column widths are sampled from them, so
        only the scroll bar and the count change when the rest arrives. Filter choices wait for
        the full list: counts of a first page would be wrong.
        """
        self._loading_total = loading_total
        self.model.set_summary(summary, index=loading_total is None and not index_later)
        if loading_total is None:
            self._fill_combos()
        else:
            for combo in self.combos.values():
                if combo.count() == 0:
                    combo.blockSignals(True)
                    combo.addItem("All", ALL)
                    combo.blockSignals(False)
        self.proxy.refilter()
        self._size_columns()
        self._update_count()

    def _remember_current(self) -> None:
        self._kept_patient = self.current_patient_id() or self._kept_patient

    def _restore_current(self) -> None:
        """After a reset (filter, reload): the same patient if still shown, else the first row."""
        pid, self._kept_patient = self._kept_patient, None
        if pid and self.select_patient(pid):
            return
        if self.proxy.rowCount():
            self.table.selectRow(0)

    def _keep_a_current_row(self) -> None:
        """After a filter changed the rows shown (one layout change, the current row kept where
        it is still shown): the current patient in sight, or the first row if it was filtered out."""
        if not self.proxy.rows_changed:
            return
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current)
        elif self.proxy.rowCount():
            self.table.selectRow(0)

    def set_derived(self, values: dict[str, dict[str, Any]]) -> None:
        self.model.set_derived(values)
        self._fill_combos(only=("recist_3m",))
        if self.proxy.criteria()[1].get("recist_3m", ALL) is not ALL:
            self.proxy.refilter()

    def _fill_combos(self, only: tuple[str, ...] | None = None) -> None:
        for key, _label, choices in FILTERS:
            if only and key not in only:
                continue
            combo = self.combos[key]
            keep = combo.currentData()
            counts = Counter(self.model.values(key))  # one pass over 10,000 rows, not one per option
            present = sorted((v for v in counts if v is not None), key=str)
            options = [c for c in choices if c in counts] if choices else present
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("All", ALL)
            for v in options:
                combo.addItem(f"{pretty_code(v)}  ({counts[v]})", v)
            if counts.get(None):
                combo.addItem(f"{NOT_RECORDED}  ({counts[None]})", None)
            i = combo.findData(keep) if keep is not ALL else 0
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        fm = self.fontMetrics()
        for c, sample in enumerate(self.model.display_lengths(50)):
            title = str(self.model.headerData(c, Qt.Orientation.Horizontal))
            width = max(fm.horizontalAdvance(title) + 28, fm.horizontalAdvance("M" * min(sample, 14)) + 8)
            header.resizeSection(c, width)

    # -- filtering
    def _on_text(self, text: str) -> None:
        self.proxy.set_criteria(text)
        self.filter_changed.emit()

    def _on_combo(self, key: str) -> None:
        self.proxy.set_criteria(None, **{key: self.combos[key].currentData()})
        self.filter_changed.emit()

    def set_filter(self, key: str, value: Any) -> None:
        """Select `value` in the filter combo of `key` (ALL clears it); used by tests and the self-test."""
        combo = self.combos[key]
        i = combo.findData(value)
        if i < 0:
            raise KeyError(f"{key}: no filter value {value!r}")
        combo.setCurrentIndex(i)

    def clear_filters(self) -> None:
        for combo in self.combos.values():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.proxy.set_criteria("", **{k: ALL for k in self.combos})
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # no sort arrow left: the file's order
        self.filter_changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Let the window's Ctrl+letter shortcuts (Ctrl+E export, …) win over the line edit's
        Emacs-style keys (Ctrl+E = end of line): the search box keeps only the standard editing
        keys (copy, cut, paste, undo, redo, select all)."""
        if (watched is self.search and event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent)
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier
                and Qt.Key.Key_A <= event.key() <= Qt.Key.Key_Z
                and not any(event.matches(k) for k in _EDITING_KEYS)):
            event.ignore()
            return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """The count's width again when the style or font changes: the application's stylesheet
        (the count's padding) arrives after the window is built and its file opened, so the width
        set before it was 8 px short and the count was cut ("44 of 44 patients show") on a
        1366 x 768 screen. Deferred, so that every label has its new style when it is measured."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            QTimer.singleShot(0, self, self._update_count)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def filtered_ids(self) -> list[str]:
        return self.proxy.accepted_ids(self.model.patient_ids())

    def cohort_view(self) -> CohortView:
        """The current filter as data: the IDs shown (None: no filter) and what the filter says."""
        text, filters = self.proxy.criteria()
        parts = [f"search “{text.strip()}”"] if text.strip() else []
        labels = {key: label.replace("&", "") for key, label, _c in FILTERS}
        for key, value in filters.items():
            if value is not ALL:
                shown = pretty_code(value) if value is not None else NOT_RECORDED
                parts.append(f"{labels.get(key, key).lower()} = {shown}")
        ids = None if self.proxy.visible_set() is None else tuple(self.filtered_ids())
        active = tuple((k, v) for k, v in filters.items() if v is not ALL)
        return CohortView(ids, ", ".join(parts) or "all patients", self.model.total(), text.strip(), active)

    def apply_criteria(self, search: str, filters: dict[str, Any]) -> list[str]:
        """Show exactly this filter (a saved cohort): the search text and these column filters,
        every other filter cleared. Returns the filters whose value no longer occurs (not applied)."""
        missing = []
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            i = combo.findData(filters[key]) if key in filters else 0
            if i < 0:
                missing.append(key)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(search)
        self.search.blockSignals(False)
        self.proxy.set_criteria(search, **{k: self.combos[k].currentData() for k in self.combos})
        self.filter_changed.emit()
        return missing

    def _update_count(self) -> None:
        if self._loading_total is not None:
            self._set_count_text(f"reading {self._loading_total} patients…", self._loading_total)
            return
        total = self.model.total()
        shown = self.proxy.rowCount()
        self._set_count_text(f"{shown} of {total} patients shown", total)

    def _set_count_text(self, text: str, total: int) -> None:
        """The count, in a label of fixed size while the total stays: a label whose size may change
        makes every keystroke re-lay out the whole window (its parent layouts, every page's)."""
        label = self.count_label
        label.setText(text)
        width = max(self._natural_width(text), self._natural_width(f"{total} of {total} patients shown"))
        if label.minimumWidth() != width or label.maximumWidth() != width:
            label.setFixedWidth(width)
            label.setFixedHeight(label.sizeHint().height())

    def _natural_width(self, text: str) -> int:
        """The width the count label needs for `text` (its padding and frame included), measured on
        a hidden label of the same name: the count label's own size hint is expanded to the fixed
        width set before, so a width taken from it grew by each shorter count and the window
        re-laid out on every keystroke that narrowed the rows."""
        probe = self._count_probe
        probe.setText(text)
        return probe.sizeHint().width()

    # -- selection
    def current_patient_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        pid = index.data(PID_ROLE)
        return None if pid is None else str(pid)

    def select_patient(self, patient_id: str) -> bool:
        row = self.model.row_of(patient_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    def _row_for_one_cell(self, *_args: object) -> None:
        """One cell selected by a click or an arrow key: the patient's whole row (a block stays)."""
        selection = self.table.selectionModel()
        ranges = selection.selection()
        if ranges.count() != 1:
            return
        only = ranges.at(0)
        current = self.table.currentIndex()
        if (only.top() == only.bottom() == current.row() and only.left() == only.right() == current.column()
                and self.proxy.columnCount() > 1):
            selection.select(current, QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.patient_activated.emit(current.data(PID_ROLE))

    def column_index(self, key: str) -> int:
        return COLUMN_KEYS.index(key)
