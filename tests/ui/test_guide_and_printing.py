"""Help → User guide (every endpoint defined, from services.endpoint_help) and printing the
report and the KM figure into a PDF through the printer seam (no dialog)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter

from y90gui.services.endpoint_help import DEFINITIONS
from y90gui.ui import printing


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def _pdf_text(path: Path) -> tuple[int, str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pages, text


def test_user_guide_opens_from_help_and_defines_every_endpoint(window, qtbot) -> None:
    action = window.user_guide.action
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help")
    assert help_menu.actions()[0] is action
    action.trigger()
    dialog = window.user_guide.dialog
    assert dialog is not None and dialog.isVisible()
    text = " ".join(dialog.text().split())
    for key, definition in DEFINITIONS.items():
        assert " ".join(definition.split()) in text, key
    for title in ("Landmark OS by 3-month response", "SPSS median", "REILD", "Laboratory toxicity",
                  "Excluding a patient from analysis", "Named cohorts"):
        assert title in text
    dialog.close()


def test_print_report_writes_a_pdf_with_the_report(window, qtbot, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.report_view.report_ready, timeout=120000):
        window.views.setCurrentWidget(window.report_view)
    assert printing.print_report(window.report_view, _pdf_printer(tmp_path / "report.pdf"))
    pages, text = _pdf_text(tmp_path / "report.pdf")
    assert pages >= 1
    assert "Study report" in text and "Overall survival" in text
    assert f"{window.report_view.report['patients']}" in text


def test_print_figure_writes_the_km_plot_with_its_cohort(window, qtbot, tmp_path: Path) -> None:
    window.views.setCurrentWidget(window.survival_page)
    qtbot.waitUntil(lambda: window.km is not None, timeout=30000)
    plot = printing.figure_view(window.survival_page)
    assert plot is not None
    title = window.printing.figure_title("Survival")
    printing.print_figure(plot, _pdf_printer(tmp_path / "km.pdf"), title)
    pages, text = _pdf_text(tmp_path / "km.pdf")
    assert pages == 1
    assert "Survival — All 12 patients" in text
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "km.pdf")], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    width, height = (int(v) for v in images[0].split()[3:5])
    view = plot.viewport().size()
    assert (width, height) == (view.width() * 3, view.height() * 3)  # the plot, at 3x its screen pixels


def test_print_actions_are_in_the_file_menu(window) -> None:
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File")
    names = [a.objectName() for a in file_menu.actions()]
    assert names.index("action_print_report") < names.index("action_quit")
    assert "action_print_figure" in names
