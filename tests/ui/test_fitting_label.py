"""FittingLabel shows the longest wording that fits its width, and chooses again on resize."""

from __future__ import annotations

from y90gui.ui.fitting_label import FittingLabel

WORDINGS = ("7 labels hidden: zoom in", "7 labels hidden", "7 hidden", "+7")


def test_the_longest_wording_that_fits_and_again_after_a_resize(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = FittingLabel()
    qtbot.addWidget(label)
    label.show()  # (a hidden widget's resize events wait until it is shown)
    qtbot.waitExposed(label)
    fm = label.fontMetrics()
    label.set_wordings(WORDINGS, "7 labels hidden where events crowd")
    shown = []
    for wording in WORDINGS:  # a width just enough for each wording in turn
        label.resize(fm.horizontalAdvance(wording) + label.contentsMargins().left() + label.contentsMargins().right(),
                     label.height())
        shown.append(label.text())
    assert shown == list(WORDINGS)
    label.resize(fm.horizontalAdvance("+7") - 1, label.height())  # not even the shortest: nothing, not "+"
    assert label.text() == ""
    label.resize(2000, label.height())
    assert label.text() == WORDINGS[0] == label.full_text()
    assert label.toolTip() == "7 labels hidden where events crowd"
    label.set_wordings(())
    assert label.text() == "" and label.full_text() == "" and label.toolTip() == ""


def test_its_size_never_depends_on_its_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    """(The timeline lays its labels out on every resize of its plot: a status whose size followed
    its text would resize the plot and start that layout again.)"""
    label = FittingLabel()
    qtbot.addWidget(label)
    before = (label.sizePolicy().horizontalPolicy(), label.minimumSizeHint(), label.height())
    label.set_wordings(WORDINGS)
    assert before[0] == label.sizePolicy().Policy.Ignored
    assert label.height() == before[2]
