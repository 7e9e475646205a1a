"""The per-patient area: timeline, toxicity grid and one table per sheet, in `detail_tabs`.

The sheet tables use gui2's `SheetRowsModel` / `PatientFieldsModel` (editable, validated); this
module only lays them out and answers "show me row X of sheet Y" for the timeline's clicks.
Plot pages are placeholders until pyqtgraph has been imported off the first-paint path, and
the seven sheet tables (hidden tabs, ~140 widgets with their headers and scroll bars) are
built by `build_tables()` just after the first paint: creating and style-polishing them before
it cost a tenth of the start-up time. Their tabs are there from the start, so the tab bar and
its mnemonics never change shape.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from y90gui.store.store import Change, Store

#: (sheet name, tab title with mnemonic)
SHEET_TABS: tuple[tuple[str, str], ...] = (
    ("patients", "Pat&ient"),
    ("prrt", "&PRRT"),
    ("radioembolization", "RE pr&ocedures"),
    ("response", "Assess&ments"),
    ("labs", "&Labs"),
    ("adverse_events", "&AEs"),
    ("treatments_after", "Afte&r RE"),
)


class LazyPage(QWidget):
    """A tab page that shows 'Loading…' until its real widget is set."""

    def __init__(self, text: str = "Loading…", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel(text, self)
        self._placeholder.setObjectName("Placeholder")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self._placeholder)

    def set_content(self, widget: QWidget) -> None:
        self._placeholder.hide()
        self._placeholder.deleteLater()
        self._layout.addWidget(widget)
        self.content = widget


class DetailArea(QWidget):
    """Header line + `tabs` (the window's `detail_tabs`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel("No patient selected", self)
        self.header.setObjectName("PatientHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("DetailTabs")
        self.tabs.setDocumentMode(True)
        self.timeline_page = LazyPage(parent=self)
        self.toxicity_page = LazyPage(parent=self)
        self.tabs.addTab(self.timeline_page, "&Timeline")
        self.tabs.addTab(self.toxicity_page, "To&xicity")
        self._tables: dict[str, QTableView] = {}
        self._placeholders: dict[str, QWidget] = {}
        self.models: dict[str, Any] = {}
        for sheet, title in SHEET_TABS:
            page = QWidget(self)
            self._placeholders[sheet] = page
            self.tabs.addTab(page, title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.patient_id: str | None = None

    @property
    def tables(self) -> dict[str, QTableView]:
        """Sheet name -> its table view (built on first use if the first paint has not happened yet)."""
        self.build_tables()
        return self._tables

    def build_tables(self) -> None:
        """Put the sheet tables in place of their placeholder tabs (once; the current tab stays)."""
        if not self._placeholders:
            return
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        try:
            for sheet, title in SHEET_TABS:
                view = QTableView(self)
                view.setObjectName(f"sheet_{sheet}")
                view.setAlternatingRowColors(True)
                view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
                view.setSortingEnabled(False)
                view.horizontalHeader().setStretchLastSection(True)
                view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
                view.verticalHeader().setVisible(sheet != "patients")
                view.setAccessibleName(f"{sheet} rows")
                if sheet in self.models:
                    view.setModel(self.models[sheet])
                page = self._placeholders.pop(sheet)
                index = self.tabs.indexOf(page)
                self.tabs.removeTab(index)
                self.tabs.insertTab(index, view, title)
                page.deleteLater()
                self._tables[sheet] = view
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)

    def set_store(self, store: Store | None) -> None:
        from y90gui.ui.models.sheet_model import PatientFieldsModel, SheetRowsModel

        for sheet, _title in SHEET_TABS:
            old = self.models.get(sheet)
            model: Any = (PatientFieldsModel(store, None, self) if sheet == "patients"
                          else SheetRowsModel(store, sheet, None, self))
            if sheet in self._tables:
                self._tables[sheet].setModel(model)
            self.models[sheet] = model
            if old is not None:
                old.deleteLater()
        self.patient_id = None

    def set_patient(self, patient_id: str | None, header_html: str = "") -> None:
        self.patient_id = patient_id
        for model in self.models.values():
            model.set_patient(patient_id)
        from y90gui.ui.richtext import esc

        self.header.setText(header_html or ("No patient selected" if patient_id is None else esc(patient_id)))

    def on_store_changed(self, change: Change) -> None:
        for model in self.models.values():
            model.on_store_changed(change)

    def show_row(self, sheet: str, key: Any) -> bool:
        """Switch to the sheet's tab and select the row with `key` (row id; patient_id for patients)."""
        view = self.tables.get(sheet)
        model = self.models.get(sheet)
        if view is None or model is None:
            return False
        row = model.row_for_key(key)
        self.tabs.setCurrentWidget(view)
        if row is None:
            return False
        index = model.index(row, 0 if sheet != "patients" else 1)
        view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        view.scrollTo(index)
        return True
