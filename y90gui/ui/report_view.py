"""The study report as a page, for the table's current filter, computed off the GUI thread.

The report is `analysis.report.compute_report` of the filtered patients; this view only
renders it (`report_html`) and exports it: HTML, PDF (QTextDocument -> QPdfWriter) or the
report workbook (analysis' `write_report_workbook`, on a worker).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
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

if TYPE_CHECKING:
    from y90gui.ui.main_window import MainWindow

log = logging.getLogger(__name__)
CI_METHODS = ("log-log", "log", "plain")


def report_to_html(report: dict[str, Any], shown: int, total: int) -> str:
    """`report_html.report_to_html`, imported when a report is first shown (not on the first-paint path)."""
    from y90gui.ui.report_html import report_to_html as render

    return render(report, shown, total)


def compute_report(data: Any, ci_method: str, basis: str, progress: Any) -> dict[str, Any]:
    from y90gui.analysis.report import compute_report as compute

    progress.step(0.1, 1, "computing the report")
    return compute(data, ci_method=ci_method, basis=basis)


class ReportView(QWidget):
    report_ready = Signal(object)  # the report dict, after each computation

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.report: dict[str, Any] | None = None
        self.report_ids: list[str] = []
        self.ci_combo = QComboBox(self)
        self.ci_combo.addItems(CI_METHODS)
        self.ci_combo.setAccessibleName("confidence interval method")
        self.basis_combo = QComboBox(self)
        self.basis_combo.addItems(["procedures", "patients"])
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
        layout.addWidget(self.browser, 1)
        self.ci_combo.currentTextChanged.connect(self.refresh)
        self.basis_combo.currentTextChanged.connect(self.refresh)
        self.stale = True
        self._export_when_ready = False

    def shown(self) -> bool:
        """Whether anyone looks at the report: this page or the cohort toxicity page."""
        tox = getattr(self.window_, "cohort_toxicity_page", None)
        return self.isVisible() or bool(tox is not None and tox.isVisible())

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
        self.basis_combo.setCurrentText(basis)

    def settings(self) -> tuple[str, str]:
        return self.ci_combo.currentText(), self.basis_combo.currentText()

    def refresh(self) -> None:
        """Recompute for the current filter (a newer request cancels an older one)."""
        cohort = self.window_.cohort
        if cohort is None:
            self.stale = True
            return
        self.stale = False
        ids = self.window_.filtered_patient_ids()
        ci_method, basis = self.settings()
        self.status.setText("computing…")
        data = cohort.subset(ids)
        def shown(report: dict[str, Any]) -> None:
            self._show(report, ids)

        self.window_.tasks.start("report", lambda p: compute_report(data, ci_method, basis, p), shown, self._failed)

    def _show(self, report: dict[str, Any], ids: list[str]) -> None:
        self.report = report
        self.report_ids = ids
        total = self.window_.patient_panel.model.total()
        scroll = self.browser.verticalScrollBar().value()
        self.browser.setHtml(report_to_html(report, len(ids), total))
        self.browser.verticalScrollBar().setValue(scroll)
        self.status.setText(f"{len(ids)} of {total} patients")
        self.report_ready.emit(report)
        if self._export_when_ready:
            self._export_when_ready = False
            self.export_dialog()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("report failed")
        self.window_.show_error("The report could not be computed", exc)

    # ------------------------------------------------------------------ export
    def export_dialog(self) -> None:
        if self.report is None or self.stale:
            if self.window_.cohort is None:
                self.window_.show_error("Nothing to export yet",
                                        ValueError("the case series is still loading; try again in a moment"))
                return
            self._export_when_ready = True  # compute for the current filter first, then ask where
            self.refresh()
            return
        start = str(self.window_.store.path.with_suffix("")) + "-report" if self.window_.store else "report"
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export report", start, "Excel workbook (*.xlsx);;PDF (*.pdf);;Web page (*.html)")
        if path:
            self.export(path, chosen)

    def export(self, path: str | Path, chosen_filter: str = "") -> None:
        path = Path(path)
        suffix = path.suffix.lower()
        if not suffix:
            suffix = ".pdf" if "pdf" in chosen_filter.lower() else ".html" if "html" in chosen_filter else ".xlsx"
            path = path.with_suffix(suffix)
        assert self.report is not None
        if suffix in (".html", ".htm"):
            total = self.window_.patient_panel.model.total()
            path.write_text(report_to_html(self.report, len(self.report_ids), total), encoding="utf-8")
            self.window_.statusBar().showMessage(f"Report saved: {path}", 8000)
        elif suffix == ".pdf":
            self._write_pdf(path)
            self.window_.statusBar().showMessage(f"Report saved: {path}", 8000)
        else:
            self._write_xlsx(path)

    def _write_pdf(self, path: Path) -> None:
        # imported here: QPageSize alone costs ~8 ms of type set-up, not wanted before first paint
        from PySide6.QtCore import QMarginsF
        from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

        writer = QPdfWriter(str(path))
        writer.setResolution(300)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
        total = self.window_.patient_panel.model.total()
        assert self.report is not None
        doc = QTextDocument()
        doc.setHtml(report_to_html(self.report, len(self.report_ids), total))
        doc.print_(writer)

    def _write_xlsx(self, path: Path) -> None:
        report = self.report
        cohort = self.window_.cohort
        assert report is not None and cohort is not None
        data = cohort.subset(self.report_ids)

        def work(progress: Any) -> Path:
            from y90gui.analysis.report_workbook import write_report_workbook

            write_report_workbook(report, data, path, progress=progress)
            return path

        self.window_.statusBar().showMessage("Writing the report workbook…")
        self.window_.tasks.start(
            "export_report", work,
            lambda p: self.window_.statusBar().showMessage(f"Report saved: {p}", 8000),
            lambda exc: self.window_.show_error("The report could not be saved", exc))

    def text(self) -> str:
        return self.browser.toPlainText()



