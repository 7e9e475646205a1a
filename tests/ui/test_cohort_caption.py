"""Every cohort view says which filter it uses and "n of N patients" (issue 12: cohort toxicity
followed the filter silently)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from ui_helpers import shown


def _captions(page):
    """The texts of the page's labels that name the patients, as shown (rich text rendered)."""
    return [shown(label.text(), label.textFormat()) for label in page.findChildren(QLabel)
            if label.isVisibleTo(page) and ("of 12 patients" in label.text() or "all 12 patients" in label.text())]


def test_cohort_toxicity_and_report_say_which_patients(window, qtbot):
    window.views.setCurrentWidget(window.cohort_toxicity_page)
    qtbot.waitUntil(lambda: window.cohort_toxicity is not None, timeout=30000)
    page = window.cohort_toxicity
    qtbot.waitUntil(lambda: any("all 12 patients" in t for t in _captions(page)), timeout=10000)
    qtbot.keyClicks(window.patient_panel.search, "T003")
    expected = "search “T003” — 1 of 12 patients"
    qtbot.waitUntil(lambda: any(expected in t for t in _captions(page)), timeout=10000)
    window.views.setCurrentWidget(window.report_view)
    qtbot.waitUntil(lambda: any(expected in t for t in _captions(window.report_view)), timeout=10000)
    window.patient_panel.set_filter("center", "Bonn")
    window.patient_panel.search.clear()
    qtbot.waitUntil(lambda: any("centre = Bonn — 4 of 12 patients" in t for t in _captions(page)), timeout=10000)


def test_the_caption_shows_a_search_literally(window, qtbot):
    window.views.setCurrentWidget(window.cohort_toxicity_page)
    qtbot.waitUntil(lambda: window.cohort_toxicity is not None, timeout=30000)
    qtbot.keyClicks(window.patient_panel.search, "<b>T</b>")
    qtbot.waitUntil(lambda: any("search “<b>T</b>” — 0 of 12 patients" in t
                                for t in _captions(window.cohort_toxicity)), timeout=10000)
