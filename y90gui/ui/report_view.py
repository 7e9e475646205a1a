"""The study report as a page, for the session's current cohort view, computed off the GUI thread.

The report is `CohortData.report` of the shown patients: the per-patient derivations of the
whole case series are made once per load (`analysis.prepared_report`), a filter change only masks
and counts (the same code as `report --json`, so the same numbers as `compute_from_frames` of their
frames). This view only renders it (`services.report_html`) and exports it: HTML, PDF
(QTextDocument -> QPdfWriter) or the report workbook (`write_report_workbook`, on a worker, with
the shown patients' frames cut out there).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from y90gui.analysis.options import BASES, CI_METHODS

if TYPE_CHECKING:
    from y90gui.ui.session import Session

log = logging.getLogger(__name__)


def report_to_html(report: dict[str, Any], shown: int, total: int, cohort: dict[str, Any] | None = None) -> str:
    """`report_html.report_to_html`, imported when a report is first shown (not on the first-paint path);
    `cohort` (the report's `cohort` key) names a saved cohort in the header."""
    from y90gui.analysis.cohort_label import cohort_label
    from y90gui.services.report_html import report_to_html as render

    named = cohort_label(cohort) if cohort and cohort.get("name") else None
    return render(report, shown, total, cohort=named)


def compute_report(cohort: Any, patient_ids: list[str] | None, ci_method: str, basis: str, window_days: int,
                   progress: Any) -> dict[str, Any]:
    """The report of these patients (None: all) from the cohort's prepared derivations (worker)."""
    progress.step(0.1, 1, "computing the report")
    report: dict[str, Any] = cohort.report(patient_ids, ci_method=ci_method, basis=basis, window_days=window_days)
    return report


#: what Export report writes: the report document (Word, PDF), the report workbook, the HTML page
REPORT_FILTERS = ("Word document (*.docx);;PDF document (*.pdf);;Excel workbook (*.xlsx);;"
                  "Web page (*.html);;PDF of the web page (*.pdf)")


def write_report_document(frames: Any, report: dict[str, Any], path: Path, *, database: str, n_all: int,
                          cohort: str, progress: Any) -> Path:
    """The `report --docx/--pdf` document of `frames` (worker thread): the one content model,
    written by `documents.docx` or `documents.pdf`, atomically."""
    from y90gui.documents.model import build_document

    document = build_document(frames, report, database=database, n_all=n_all, cohort=cohort, progress=progress)
    progress.check()
    if path.suffix.lower() == ".docx":
        from y90gui.documents.docx import write_docx

        return write_docx(document, path)
    from y90gui.documents.pdf import write_pdf

    return write_pdf(document, path)


class ReportView(QWidget):
    report_ready = Signal(object)  # the report dict, after each computation
    exported = Signal(object)  # the Path of a report document written

    def __init__(self, session: Session, parent: QWidget | None = None,
                 extra_pages: tuple[QWidget, ...] = ()) -> None:
        super().__init__(parent)
        self.session = session
        #: other pages that show this report (the cohort toxicity page): it is kept fresh for them too
        self.extra_pages = extra_pages
        self.report: dict[str, Any] | None = None
        self.report_ids: list[str] = []
        #: (cohort, patient ids or None) the shown report was computed from: its documents and
        #: workbook cut those patients' frames out on their worker (`_report_frames`)
        self._source: tuple[Any, list[str] | None] | None = None
        #: the report's `cohort` extension key (`services.named_cohorts.cohort_info`) of the shown report
        self.cohort_info: dict[str, Any] | None = None
        self._total = 0
        self.ci_combo = QComboBox(self)
        self.ci_combo.addItems(CI_METHODS)
        self.ci_combo.setAccessibleName("confidence interval method")
        self.basis_combo = QComboBox(self)
        self.basis_combo.addItems(BASES)
        self.basis_combo.setAccessibleName("toxicity denominator")
        ci_label = QLabel("&Median CI:", self)
        ci_label.setBuddy(self.ci_combo)
        basis_label = QLabel("Toxicity &basis:", self)
        basis_label.setBuddy(self.basis_combo)
        self.export_button = QPushButton("E&xport…", self)
        self.export_button.clicked.connect(self.export_dialog)
        self.status = QLabel("", self)
        self.status.setObjectName("SubtleLabel")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("ReportBrowser")
        self.browser.setOpenLinks(False)
        self.browser.setHtml("<p>The report appears when the case series has been loaded…</p>")
        bar = QHBoxLayout()
        for w in (ci_label, self.ci_combo, basis_label, self.basis_combo):
            bar.addWidget(w)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        from y90gui.ui.cohort_caption import CohortCaption

        self.caption = CohortCaption(session, self)
        layout.addWidget(self.caption)
        layout.addWidget(self.browser, 1)
        self.ci_combo.currentTextChanged.connect(lambda text: session.update_settings(ci_method=text))
        self.basis_combo.currentTextChanged.connect(lambda text: session.update_settings(basis=text))
        self.stale = True
        self._html_stale = False  # a report arrived that the browser does not show yet (`_render`)
        self._export_when_ready = False
        session.cohort_changed.connect(lambda _view: self.request_refresh())
        session.cohort_loaded.connect(lambda _cohort: self.request_refresh())
        session.settings_changed.connect(self._settings_changed)

    def _settings_changed(self, settings: Any) -> None:
        for combo, value in ((self.ci_combo, settings.ci_method), (self.basis_combo, settings.basis)):
            if combo.currentText() != value:
                combo.blockSignals(True)
                combo.setCurrentText(value)
                combo.blockSignals(False)
        self.refresh()

    def shown(self) -> bool:
        """Whether anyone looks at the report: this page or the cohort toxicity page."""
        return self.isVisible() or any(p.isVisible() for p in self.extra_pages)

    def request_refresh(self) -> None:
        """Recompute now when shown, else when next shown (a 10,000-patient report takes seconds)."""
        if self.shown():
            self.refresh()
        else:
            self.stale = True

    def refresh_if_stale(self) -> None:
        if self.stale or self.report is None:
            self.refresh()

    def set_basis(self, basis: str) -> None:
        self.session.update_settings(basis=basis)

    def settings(self) -> tuple[str, str]:
        return self.session.settings.ci_method, self.session.settings.basis

    def refresh(self) -> None:
        """Recompute for the current cohort view (a newer request cancels an older one)."""
        cohort = self.session.cohort
        if cohort is None:
            self.stale = True
            return
        self.stale = False
        view = self.session.view
        ids = self.session.shown_ids()
        st = self.session.settings
        self.status.setText("computing…")
        chosen = None if view.patient_ids is None else ids
        from y90gui.services import named_cohorts

        info = named_cohorts.cohort_info(view, named_cohorts.saved(self.session.store))

        def shown(report: dict[str, Any]) -> None:
            self._source = (cohort, chosen)
            self.cohort_info = info
            self._show(report, ids, view.total)

        self.session.tasks.start("report", lambda p: compute_report(cohort, chosen, st.ci_method, st.basis,
                                                                    st.window_days, p), shown, self._failed)

    def _report_frames(self) -> Any:
        """The frames of the patients of the shown report (call on a worker: 100,000 patients'
        sheets take a while to cut)."""
        assert self._source is not None
        cohort, chosen = self._source
        return cohort.subset(chosen)

    def _show(self, report: dict[str, Any], ids: list[str], total: int) -> None:
        self.report = report
        self.report_ids = ids
        self._total = total
        self._html_stale = True
        if self.isVisible():
            self._render()
        self.status.setText(f"{len(ids)} of {total} patients")
        self.report_ready.emit(report)
        if self._export_when_ready:
            self._export_when_ready = False
            self.export_dialog()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("report failed")
        self.session.failed.emit("The report could not be computed", exc)

    # ------------------------------------------------------------------ export
    def export_dialog(self) -> None:
        if self.report is None or self.stale:
            if self.session.cohort is None:
                self.session.failed.emit("Nothing to export yet",
                                         ValueError("the case series is still loading; try again in a moment"))
                return
            self._export_when_ready = True  # compute for the current filter first, then ask where
            self.refresh()
            return
        store = self.session.store
        start = str(store.path.with_suffix("")) + "-report" if store else "report"
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export report", start, REPORT_FILTERS)
        if path:
            self.export(path, chosen)

    def export(self, path: str | Path, chosen_filter: str = "") -> None:
        path = Path(path)
        suffix = path.suffix.lower()
        if not suffix:
            suffix = next((ext for ext in (".docx", ".pdf", ".html") if ext[1:] in chosen_filter.lower()), ".xlsx")
            path = path.with_suffix(suffix)
        assert self.report is not None
        if suffix in (".docx", ".pdf") and "page" not in chosen_filter.lower():
            self._write_document(path)
        elif suffix in (".html", ".htm"):
            page = report_to_html(self.report, len(self.report_ids), self._total, self.cohort_info)
            path.write_text(page, encoding="utf-8")
            self.session.message.emit(f"Report saved: {path}", 8000)
        elif suffix == ".pdf":
            self._write_pdf(path)
            self.session.message.emit(f"Report saved: {path}", 8000)
        else:
            self._write_xlsx(path)

    def _write_document(self, path: Path) -> Any:
        """The report document (`documents.model.build_document`, the `report --docx/--pdf`
        content) for the shown patients, on a worker behind a progress dialog with Cancel."""
        from y90gui.ui.dialogs.progress import run_task

        report, frames = self.report, self._report_frames
        store = self.session.store
        assert report is not None
        database = store.path.name if store is not None else ""
        view = self.session.view
        n_all = self._total or len(self.report_ids)
        cohort = view.description

        def done(p: Path) -> None:
            self.session.message.emit(f"Report saved: {p} ({cohort}, {len(self.report_ids)} of {n_all} patients)",
                                      8000)
            self.exported.emit(p)

        return run_task(self, self.session.tasks, "export_report", f"Export report — {path.name}",
                        lambda p: write_report_document(frames(), report, path, database=database,
                                                        n_all=n_all, cohort=cohort, progress=p),
                        done, f"writing {path.name} ({cohort})")

    def _write_pdf(self, path: Path) -> None:
        # imported here: QPageSize alone costs ~8 ms of type set-up, not wanted before first paint
        from PySide6.QtCore import QMarginsF
        from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

        writer = QPdfWriter(str(path))
        writer.setResolution(300)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
        assert self.report is not None
        doc = QTextDocument()
        doc.setHtml(report_to_html(self.report, len(self.report_ids), self._total, self.cohort_info))
        doc.print_(writer)

    def _write_xlsx(self, path: Path) -> None:
        report, frames = self.report, self._report_frames
        assert report is not None
        if self.cohort_info is not None:  # the workbook's Settings sheet names the cohort
            report = {**report, "cohort": self.cohort_info}

        def work(progress: Any) -> Path:
            from y90gui.analysis.report_workbook import write_report_workbook

            write_report_workbook(report, frames(), path, progress=progress)
            return path

        def saved(p: Path) -> None:
            self.session.message.emit(f"Report saved: {p}", 8000)
            self.exported.emit(p)

        self.session.message.emit("Writing the report workbook…", 0)
        self.session.tasks.start(
            "export_report", work,
            saved,
            lambda exc: self.session.failed.emit("The report could not be saved", exc))

    def _render(self) -> None:
        """The shown report as the page's HTML (QTextBrowser.setHtml: ~40 ms of layout, spent
        only while this page is on screen; a report computed while it is hidden — for the cohort
        toxicity page — is rendered when the page is next shown)."""
        if not self._html_stale or self.report is None:
            return
        self._html_stale = False
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(report_to_html(self.report, len(self.report_ids), self._total, self.cohort_info))
        self.browser.verticalScrollBar().setValue(scroll)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._render()

    def text(self) -> str:
        """The page's text as shown (rendered first if the report came while the page was hidden)."""
        self._render()
        return self.browser.toPlainText()



