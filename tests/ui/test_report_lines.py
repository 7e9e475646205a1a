"""The report view shows the PFS, landmark and SPSS lines, NR where a limit is not reached
(never "––"), PRRT in capitals, and each line's definition as its tooltip."""

from __future__ import annotations

from cohort_fixture import build_small_cohort
from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from y90gui.analysis.frames import from_case_data
from y90gui.analysis.report import compute_from_frames
from y90gui.analysis.tables_format import limit
from y90gui.services.endpoint_help import definition


def _report_text(window, qtbot):
    window.views.setCurrentWidget(window.report_view)
    qtbot.waitUntil(lambda: window.report_view.report is not None and not window.tasks.running(), timeout=60000)
    return " ".join(window.report_view.text().split())


def test_report_view_lines(window, qtbot):
    text = _report_text(window, qtbot)
    expected = compute_from_frames(from_case_data(build_small_cohort()))
    pfs, os_ = expected["pfs"], expected["os"]
    assert os_["ci95_years"][1] is None and pfs["ci95_years"][1] is None  # the fixture reaches no upper limit
    assert "Progression-free survival (PFS)" in text
    assert f"Median progression-free survival {limit(pfs['median_years'])} years (95% CI " \
           f"{limit(pfs['ci95_years'][0])}\u2013NR; log-log)" in text
    assert f"Median overall survival not reached (95% CI {limit(os_['ci95_years'][0])}\u2013NR" in text
    assert "\u2013\u2013" not in text and "\u2013\u2014" not in text
    assert "Median as SPSS prints it" in text and "by 3-month response (landmark)" in text
    assert "PRRT" in text and " prrt " not in f" {text} "
    assert "after each patient" not in text


def test_each_report_line_has_its_definition_as_tooltip(window, qtbot):
    _report_text(window, qtbot)
    browser = window.report_view.browser
    for line, key in (("Median progression-free survival", "pfs"), ("Median as SPSS prints it", "spss_median"),
                      ("Objective response (CR + PR)", "orr")):
        cursor = browser.document().find(line)
        assert not cursor.isNull(), line
        browser.setTextCursor(cursor)
        browser.ensureCursorVisible()
        qtbot.wait(20)
        pos = browser.cursorRect(browser.document().find(line)).center()
        QApplication.sendEvent(browser.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos,
                                                              browser.viewport().mapToGlobal(pos)))
        assert QToolTip.text() == definition(key), line
