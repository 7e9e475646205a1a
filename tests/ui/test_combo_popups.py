"""Drop-down lists show every item of a short list (issue 12: 2–3 item lists had a scroll arrow).

Under the app's stylesheet the default popup came out a row short. Every combo of the window
(filters, count per, …) is opened with the app's look and must show all its rows unscrolled.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QComboBox

from y90gui.ui.app import apply_look


@pytest.fixture
def app_look(qapp):  # type: ignore[no-untyped-def]
    old_sheet, old_palette, old_font = qapp.styleSheet(), qapp.palette(), qapp.font()
    apply_look(qapp)
    yield qapp
    qapp.setStyleSheet(old_sheet)
    qapp.setPalette(old_palette)
    qapp.setFont(old_font)


def _check_popup(qtbot, combo: QComboBox) -> None:
    qtbot.wait(20)  # the combo polished and laid out, as on screen (a popup opened at once is sized apart)
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(lambda: view.isVisible(), timeout=5000)
    QApplication.processEvents()
    rows = combo.count()
    needed = sum(view.sizeHintForRow(r) for r in range(rows))
    try:
        assert view.viewport().height() >= needed, (combo.accessibleName(), view.viewport().height(), needed)
        assert view.verticalScrollBar().maximum() == 0, combo.accessibleName()
        # nor a horizontal scroll bar over the last row: the items fit the popup's width
        assert not view.horizontalScrollBar().isVisible(), combo.accessibleName()
        assert view.horizontalScrollBar().maximum() == 0, combo.accessibleName()
        last = view.visualRect(combo.model().index(rows - 1, 0))
        assert last.bottom() < view.viewport().height()  # the last item is on show, whole
    finally:
        combo.hidePopup()


def test_a_three_item_combo_shows_every_item(app_look, qtbot):
    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.addItems(["a", "b", "c"])  # a narrow combo: its popup is as narrow
    combo.show()
    _check_popup(qtbot, combo)


def test_every_short_combo_of_the_window_shows_every_item(app_look, window, qtbot):
    checked = 0
    for page in (window.detail, window.survival_page, window.cohort_toxicity_page, window.report_view):
        window.views.setCurrentWidget(page)
        qtbot.wait(50)
        for combo in window.findChildren(QComboBox):
            if 1 < combo.count() <= combo.maxVisibleItems() and combo.isVisible():
                _check_popup(qtbot, combo)
                checked += 1
    assert checked >= 5  # the table's filters, CI method, time unit, count per
