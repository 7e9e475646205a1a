"""The Tables page: the paper's Tables 1-4 for the current filter, with "Copy table" per table.

`analysis.tables_outcomes.all_tables` of the shown patients' frames and the report computed
from them (the numbers of `report --json` and of the document), on a worker while the page is
visible. Shown as HTML (`services.tables_html`, data text escaped); each "Copy Table N" button
puts text/html and tab-separated text on the clipboard, so the table pastes as a table into
Word and Excel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from y90gui.ui.cohort_figures import scope_text
from y90gui.ui.flow_layout import FlowLayout
from y90gui.ui.shown_refresh import RefreshWhenShown

if TYPE_CHECKING:
    from y90gui.analysis.tables import Table
    from y90gui.core.progress import Progress
    from y90gui.ui.session import Session

TABLE_COUNT = 4


def compute_tables(frames: Any, ci_method: str, basis: str, window_days: int, progress: Progress) -> list[Table]:
    from y90gui.analysis.report import compute_from_frames
    from y90gui.analysis.tables_outcomes import all_tables

    progress.step(0.1, 1, "computing the report")
    report = compute_from_frames(frames, ci_method=ci_method, basis=basis, window_days=window_days)
    progress.step(0.7, 1, "tables")
    return all_tables(frames, report)


class TablesView(RefreshWhenShown):
    redrawn = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tables: list[Table] = []
        self.stale = True
        self.scope = QLabel(self)
        self.scope.setObjectName("FigureScope")
        self.status = QLabel(self)
        self.status.setObjectName("SubtleLabel")
        self.copy_buttons: list[QPushButton] = []
        bar = FlowLayout()  # wraps, so the page never sets the window's minimum width
        bar.addWidget(self.scope)
        bar.addWidget(self.status)
        for n in range(1, TABLE_COUNT + 1):
            button = QPushButton(f"Copy Table &{n}", self)
            button.setToolTip(f"Table {n} to the clipboard: pastes as a table into Word and Excel")
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, n=n: self.copy_table(n))
            bar.addWidget(button)
            self.copy_buttons.append(button)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("TablesBrowser")
        self.browser.setOpenLinks(False)
        self.browser.setHtml("<p>The tables appear when the case series has been loaded…</p>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.browser, 1)
        session.cohort_changed.connect(lambda _v: self.request_refresh())
        session.cohort_loaded.connect(lambda _c: self.request_refresh())
        session.settings_changed.connect(lambda _s: self.request_refresh())

    def refresh(self) -> None:
        cohort = self.session.cohort
        if cohort is None:
            self.stale = True
            return
        self.stale = False
        view = self.session.view
        frames = cohort.subset(None if view.patient_ids is None else self.session.shown_ids())
        st = self.session.settings
        scope = scope_text(self.session)
        self.status.setText("computing…")

        def done(tables: list[Table]) -> None:
            from y90gui.services.tables_html import tables_page

            self.tables = tables
            self.scope.setText(scope)
            self.status.setText("")
            scroll = self.browser.verticalScrollBar().value()
            self.browser.setHtml(tables_page(tables, scope))
            self.browser.verticalScrollBar().setValue(scroll)
            for button in self.copy_buttons:
                button.setEnabled(True)
            self.redrawn.emit()

        def failed(exc: BaseException) -> None:
            self.status.setText("failed")
            self.session.failed.emit("The tables could not be computed", exc)

        self.session.tasks.start("tables", lambda p: compute_tables(frames, st.ci_method, st.basis,
                                                                    st.window_days, p), done, failed)

    def copy_table(self, number: int) -> None:
        from y90gui.services.tables_html import table_html, table_tsv

        table = next((t for t in self.tables if t.number == number), None)
        if table is None:
            return
        mime = QMimeData()
        mime.setHtml(f"<html><body>{table_html(table)}</body></html>")
        mime.setText(table_tsv(table))
        QGuiApplication.clipboard().setMimeData(mime)
        self.session.message.emit(f"Table {number} copied (pastes as a table into Word and Excel)", 5000)
