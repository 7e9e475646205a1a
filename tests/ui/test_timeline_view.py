"""The timeline as a user sees it (issue 12): the axis after toggling days/dates, readable date
ticks at 1366 px, every event labelled without overlaps, and a legend of the markers."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QLabel

from y90gui.ui.timeline import MIN_PLOT_HEIGHT, TimelineWidget

D = dt.date


def _course() -> dict[str, list[dict[str, object]]]:
    """Four PRRT cycles six weeks apart and three REs within two months: the crowded case."""
    prrt = [{"id": i + 1, "patient_id": "P1", "cycle": i + 1, "date": D(2012, 1, 10) + dt.timedelta(days=42 * i),
             "radiopharmaceutical": "177Lu-DOTATATE", "activity_gbq": 7.4 + i / 10} for i in range(4)]
    re = [{"id": p + 1, "patient_id": "P1", "procedure": p + 1, "date": D(2013, 3, 1) + dt.timedelta(days=30 * p),
           "extent": ("right_lobe", "left_lobe", "whole_liver")[p], "microspheres": "resin",
           "activity_administered_gbq": 1.4, "lung_shunt_pct": 5.0} for p in range(3)]
    response = [{"id": 1, "patient_id": "P1", "date": D(2013, 6, 1), "recist": "PR", "target_sum_mm": 60.0,
                 "new_lesions": False, "non_target": "non-CR/non-PD", "clinical_response": None}]
    ae = [{"id": 1, "patient_id": "P1", "procedure": 1, "onset_date": D(2013, 3, 5), "term": "fatigue",
           "category": "clinical", "grade": 2, "notes": None}]
    patients = [{"patient_id": "P1", "vital_status": "dead", "followup_date": D(2016, 8, 1),
                 "cause_of_death": "progression"}]
    return {"prrt": prrt, "radioembolization": re, "response": response, "adverse_events": ae,
            "treatments_after": [], "patients": patients}


@pytest.fixture
def timeline(qtbot):  # type: ignore[no-untyped-def]
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(740, 430)  # the timeline's share of a 1366 x 768 window
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_patient(_course())
    qtbot.wait(50)
    return widget


def _tick_texts(widget: TimelineWidget) -> list[str]:
    """The strings the bottom axis draws now (its own draw specs)."""
    axis = widget.plot.getAxis("bottom")
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in specs[2]] if specs else []


def _x_range(widget: TimelineWidget) -> tuple[float, float]:
    (x0, x1), _y = widget.plot.getPlotItem().vb.viewRange()
    return x0, x1


def _data_fits(widget: TimelineWidget) -> bool:
    xs = [widget.x_of(it.date) for it in widget.items]
    x0, x1 = _x_range(widget)
    return x0 <= min(xs) and max(xs) <= x1 and (x1 - x0) < 3 * (max(xs) - min(xs))


def test_toggling_days_keeps_the_data_in_view_both_ways(timeline, qtbot):
    assert _data_fits(timeline)
    timeline.days_mode.setChecked(True)
    qtbot.wait(20)
    assert _data_fits(timeline)  # not an empty 0-1 axis
    days = _tick_texts(timeline)
    assert len(days) >= 3 and all(t.lstrip("-").isdigit() for t in days), days
    timeline.days_mode.setChecked(False)
    qtbot.wait(20)
    assert _data_fits(timeline)
    dates = _tick_texts(timeline)
    assert dates and not any("1970" in t or ":" in t for t in dates), dates  # no minutes since 1970


def test_date_axis_has_several_readable_ticks_at_1366_px(timeline):
    texts = _tick_texts(timeline)
    assert len(texts) >= 4, texts
    assert len(set(texts)) == len(texts)
    assert all(t[-4:].isdigit() and 2011 <= int(t[-4:]) <= 2017 for t in texts), texts
    assert "(x1e+09)" not in timeline.plot.getAxis("bottom").labelString()


def test_every_event_is_labelled_without_overlaps(timeline):
    QApplication.processEvents()
    shown = [(lane, text) for lane, text in timeline.labels if text.isVisible()]
    assert len(shown) == len(timeline.items)  # all four PRRT doses, RE #3, …
    labels = sorted(text.toPlainText() for _lane, text in shown)
    assert labels.count("#3 whole liver") == 1 and sum(t.startswith("7.") for t in labels) == 4
    # the glyphs' boxes: a text item's rectangle includes an empty document margin all round
    boxes = []
    for _lane, text in shown:
        m = text.textItem.document().documentMargin()
        boxes.append((text.toPlainText(), text.sceneBoundingRect().adjusted(0, m, 0, -m)))
    for i, (name_a, a) in enumerate(boxes):
        for name_b, b in boxes[i + 1:]:
            assert not a.intersects(b), (name_a, a, name_b, b)


def test_legend_names_every_marker(timeline):
    texts = [label.text() for label in timeline.findChildren(QLabel) if label.text() and label.isVisible()]
    for entry in ("PRRT cycle", "radioembolization", "first RE", "assessment (RECIST)",
                  "adverse event (grade)", "treatment after RE", "censored", "death"):
        assert entry in texts, (entry, texts)


def test_dense_course_labels_never_overlap_at_200_percent(tmp_path):
    """At 200 % on 1920 x 1080 (a 960 x 540 logical window) DEMO-029's course (four PRRT cycles
    weeks apart, three REs, assessments) had overlapping labels, lanes ~33 px apart: now no two
    label rectangles intersect, none covers a marker or leaves the plot, a shortened one carries
    its whole text as tooltip, and the hint says how many wait for the zoom, in a wording that fits."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    child = Path(__file__).with_name("timeline_scaled_child.py")
    env = dict(os.environ, QT_SCALE_FACTOR="2", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(child), str(tmp_path)], env=env, capture_output=True, text=True,
                          timeout=300, check=True)
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["dpr"] == 2.0 and shown["lane_px"] < 40  # the crowded case: lanes ~30 px apart
    boxes = [(lab["text"], lab["box"]) for lab in shown["labels"]]

    def meet(a, b):  # two (left, top, right, bottom) rectangles share an area
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    for i, (name_a, a) in enumerate(boxes):
        for name_b, b in boxes[i + 1:]:
            assert not meet(a, b), (name_a, a, name_b, b)
        assert not any(meet(a, m) for m in shown["markers"]), name_a
        f = shown["frame"]
        assert f[0] <= a[0] and a[2] <= f[2] and f[1] <= a[1] and a[3] <= f[3], name_a
    for lab in shown["labels"]:  # shortened or merged: the whole text is one hover away
        if lab["text"] not in shown["items"]:
            assert lab["tip"] and all(part.rstrip("\u2026").strip() in lab["tip"]
                                      for part in lab["text"].replace(" \u00b7 ", "\u2026").split("\u2026") if part)
    waiting = len(shown["items"]) - sum(1 + lab["text"].count(" \u00b7 ") for lab in shown["labels"])
    assert shown["waiting"] == waiting
    labels = "label" if waiting == 1 else "labels"
    assert (shown["hint"] == f"{waiting} {labels} hidden: zoom in") == (waiting > 0)
    assert waiting > 0 or not shown["hint"]
    # the status beside the hint gets what room is left (little at 200 %): a shorter wording
    # that fits whole, with the count, never a cut-off one ("7 labe"); the whole one as tooltip
    assert shown["hint_fits"], shown["hint_shown"]
    if waiting:
        assert shown["hint_shown"] in (shown["hint"], f"{waiting} {labels} hidden", f"{waiting} hidden",
                                       f"+{waiting}")
        assert f"{waiting} {labels} hidden where events crowd" in shown["hint_tip"]
    assert len(shown["labels"]) >= len(shown["items"]) // 2  # most events keep their label
    # the legend under the plot never covers the x axis's numbers (it did at 200 %: the tab was
    # shorter than plot + legend, and Qt squeezed them over each other)
    assert shown["axis_bottom"] <= shown["timeline_height"]
    if shown["legend"] is not None:
        assert shown["legend"]["top"] >= shown["axis_bottom"] - 1, shown
    assert shown["days_axis_bottom"] <= shown["timeline_height"]
    if shown["days_legend"] is not None:
        assert shown["days_legend"] >= shown["days_axis_bottom"] - 1


@pytest.mark.parametrize("size", [(740, 430), (700, 300), (520, 280), (900, 260)])
def test_legend_never_lies_over_the_plot_or_its_axis(timeline, qtbot, size):  # type: ignore[no-untyped-def]
    """A short timeline (the window's minimum at 200 %: ~300 logical px for the tab) gave the
    plot and the legend less than their minimums, and Qt laid the legend over the x axis's
    numbers. The legend gives way (the markers' tooltips say what they are); the plot keeps
    its minimum height, and nothing shown overlaps."""
    timeline.resize(*size)
    qtbot.wait(50)
    plot = timeline.plot.geometry()
    assert plot.height() >= MIN_PLOT_HEIGHT
    if timeline.legend.isVisible():
        assert timeline.legend.geometry().top() >= plot.bottom()
        assert timeline.legend.geometry().bottom() <= timeline.height()
    else:
        assert plot.bottom() <= timeline.height()
    bar_bottom = max(w.geometry().bottom() for w in (timeline.hint, timeline.days_mode, timeline.reset_button))
    assert bar_bottom < plot.top()


def test_legend_comes_back_when_there_is_room(timeline, qtbot):  # type: ignore[no-untyped-def]
    timeline.resize(520, 260)
    qtbot.wait(50)
    timeline.resize(740, 600)
    qtbot.wait(50)
    assert timeline.legend.isVisible()


@pytest.mark.parametrize("days", [False, True])
@pytest.mark.parametrize("size", [(470, 300), (470, 250), (470, 220), (740, 240)])
def test_a_squeezed_timeline_keeps_the_legend_off_the_plot(qtbot, size, days):  # type: ignore[no-untyped-def]
    """In the window the timeline gets what its tab has left, less than its own minimum at the
    200 % minimum window (the header wraps, the hint takes four lines, the days axis a second
    text line). Qt then laid plot and legend over each other: the legend covered the x axis's
    numbers (docs/screenshots/gui1_timeline_days_200pct.png before this test)."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    box = QWidget()
    qtbot.addWidget(box)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    widget = TimelineWidget()
    lay.addWidget(widget)
    box.setFixedSize(*size)
    box.show()
    qtbot.waitExposed(box)
    widget.set_patient(_course())
    widget.days_mode.setChecked(days)
    qtbot.wait(80)
    plot = widget.plot.geometry()
    if widget.legend.isVisible():
        assert widget.legend.geometry().top() > plot.bottom(), (plot, widget.legend.geometry())
    bar_bottom = max(w.geometry().bottom() for w in (widget.hint, widget.days_mode, widget.reset_button))
    assert bar_bottom < plot.top()
