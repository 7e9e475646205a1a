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
    expected = "Cohort: 1 of 12 patients (search “T003”)"
    qtbot.waitUntil(lambda: any(expected in t for t in _captions(page)), timeout=10000)
    window.views.setCurrentWidget(window.report_view)
    qtbot.waitUntil(lambda: any(expected in t for t in _captions(window.report_view)), timeout=10000)
    window.patient_panel.set_filter("center", "Bonn")
    window.patient_panel.search.clear()
    qtbot.waitUntil(lambda: any("Cohort: 4 of 12 patients (centre = Bonn)" in t for t in _captions(page)),
                    timeout=10000)


def test_the_caption_shows_a_search_literally(window, qtbot):
    window.views.setCurrentWidget(window.cohort_toxicity_page)
    qtbot.waitUntil(lambda: window.cohort_toxicity is not None, timeout=30000)
    qtbot.keyClicks(window.patient_panel.search, "<b>T</b>")
    qtbot.waitUntil(lambda: any("0 of 12 patients (search “<b>T</b>”)" in t
                                for t in _captions(window.cohort_toxicity)), timeout=10000)


def test_pages_and_the_cohort_menu_phrase_the_cohort_alike(window, qtbot):
    """One phrasing of the cohort line: the caption of every page, the Cox page's caption and the
    Cohort menu's save question say the same words for the same filter (issue 12 leftovers)."""
    window.patient_panel.set_filter("center", "Bonn")
    qtbot.waitUntil(lambda: window.session.view.shown == 4, timeout=10000)
    view = window.session.view
    asked = []
    window.cohort_menu.ask_name = lambda title, prompt, text: asked.append(prompt)  # cancels
    window.cohort_menu.save_current()
    assert asked == ["Name for 4 of 12 patients (centre = Bonn):"]
    window.views.setCurrentWidget(window.cohort_toxicity_page)
    qtbot.waitUntil(lambda: window.cohort_toxicity is not None, timeout=30000)
    qtbot.waitUntil(lambda: "Cohort: 4 of 12 patients (centre = Bonn)" in _captions(window.cohort_toxicity),
                    timeout=10000)
    window.views.setCurrentWidget(window.cox_page)
    qtbot.waitUntil(lambda: window.background.cox is not None, timeout=30000)
    assert window.background.cox.caption.text().endswith("\u2014 4 of 12 patients (centre = Bonn)")
    assert view.scope() == "4 of 12 patients (centre = Bonn)"
