"""The Kaplan–Meier widget draws the figure layer's description of the table's filter: the
curves, bands, at-risk table and legend on screen are those of the exported file."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from cohort_fixture import build_small_cohort
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QGraphicsPathItem

from y90gui.analysis import survival
from y90gui.analysis.frames import from_case_data


def _expected(pids=None, ci="log-log"):
    rows = survival.os_data(build_small_cohort())
    rows = [r for r in rows if pids is None or r[0] in pids]
    return survival.kaplan_meier([r[1] for r in rows], [r[2] for r in rows], ci_method=ci)


def _open_survival(window, qtbot):
    window.views.setCurrentWidget(window.survival_page)
    qtbot.waitUntil(lambda: window.km is not None and window.km.description is not None, timeout=30000)
    return window.km


def _plain(label) -> str:
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def _curve(km, key):
    return next(i for i in km.plot.listDataItems() if i.objectName() == f"km_{key}")


def test_curve_summary_and_at_risk_equal_the_analysis(window, qtbot):
    km = _open_survival(window, qtbot)
    expected = _expected()
    xs, ys = _curve(km, "all").getData()
    np.testing.assert_allclose(np.unique(ys), np.unique(100 * expected.survival))
    assert xs[-1] == pytest.approx(expected.times_years[-1])
    text = _plain(km.summary)
    assert "All patients (n = 12, events = 3)" in text
    drawn = {(round(x, 6), t) for x, _row, t in km.at_risk_texts()}
    ticks = km.description.under.at
    days = [d for _p, d, _e in survival.os_data(build_small_cohort())]
    at = survival.number_at_risk(days, [t * survival.DAYS_PER_YEAR for t in ticks])
    assert drawn == {(float(t), str(n)) for t, n in zip(ticks, at, strict=True)}
    assert at[-1] == 0 and (float(ticks[-1]), "0") in drawn  # after the last follow-up: 0, not blank
    bands = km.band_items()
    assert len(bands) == 1 and isinstance(bands[0], QGraphicsPathItem) and bands[0].isVisible()
    assert not [i for i in km.plot.items if isinstance(i, pg.FillBetweenItem)]  # one path, not a FillBetween
    km.band_check.setChecked(False)
    assert not bands[0].isVisible()


def test_screen_draws_the_exported_figures_description(window, qtbot):
    """Curves, bands, at-risk rows and legend equal figures.km.km_description of the same data."""
    from y90gui.figures.km import km_description
    from y90gui.ui.km_items import legend_lines

    km = _open_survival(window, qtbot)
    km.strata_combo.setCurrentIndex(km.strata_combo.findData("center"))
    desc = km_description(from_case_data(build_small_cohort()), strata="center")
    assert legend_lines(km.description) == legend_lines(desc)
    assert km.description.under == desc.under and km.description.x == desc.x
    shown = _plain(km.summary).splitlines()
    assert [s.split("\u00a0", 1)[-1].lstrip("━ ") for s in shown] == legend_lines(desc)
    for c in desc.curves:
        xs, ys = _curve(km, c.key).getData()
        assert list(ys[::2]) == pytest.approx(list(c.y))
        assert list(xs[::2]) == pytest.approx(list(c.x))
    assert len(km.band_items()) == len(desc.curves)
    assert km.description.caption in km.note.text()


def test_follows_the_table_filter(window, qtbot):
    km = _open_survival(window, qtbot)
    with qtbot.waitSignal(km.redrawn, timeout=30000):
        window.patient_panel.set_filter("center", "Utrecht")
    ids = set(window.filtered_patient_ids())
    assert len(ids) == 8
    expected = _expected(ids)
    assert f"All patients (n = {expected.n}, events = {expected.events})" in _plain(km.summary)
    assert km.caption.text().endswith(f"8 of {window.session.view.total} patients (centre = Utrecht)")


def test_strata_legend_and_logrank(window, qtbot):
    km = _open_survival(window, qtbot)
    km.strata_combo.setCurrentIndex(km.strata_combo.findData("center"))
    data = build_small_cohort()
    centre = {p["patient_id"]: p["center"] for p in data["patients"]}
    rows = survival.os_data(data)
    groups = {c: ([r[1] for r in rows if centre[r[0]] == c], [r[2] for r in rows if centre[r[0]] == c])
              for c in ("Bonn", "Utrecht")}
    lr = survival.logrank(groups)
    text = _plain(km.summary)
    assert f"centre: log-rank p = {lr.p_value:.3f}" in text
    assert "Bonn (n = 4" in text and "Utrecht (n = 8" in text


def test_left_out_patients_are_counted(qtbot, tmp_path):
    from ui_helpers import close_window, open_ready_window

    from y90gui.analysis.strata import stratify
    from y90gui.store.store import Store

    data = build_small_cohort()
    for row in data["patients"][:3]:
        row["who_grade"] = None
    with Store.create(tmp_path / "gaps.y90") as store:
        store.replace_patients(data, "fixture")
    window = open_ready_window(qtbot, tmp_path / "gaps.y90")
    try:
        km = _open_survival(window, qtbot)
        km.strata_combo.setCurrentIndex(km.strata_combo.findData("who_grade"))
        left = stratify(from_case_data(data), "who_grade", keep_missing=False).left_out
        assert left == 3
        assert "3 patients without a value of WHO grade left out" in km.note.text()
    finally:
        close_window(qtbot, window)


def test_ci_method_and_time_unit(window, qtbot):
    km = _open_survival(window, qtbot)
    km.ci_combo.setCurrentText("plain")
    expected = _expected(ci="plain")
    lo = [np.nan if v is None else v for v in km.description.curves[0].band_lo]
    np.testing.assert_allclose(np.nan_to_num(lo)[1:], np.nan_to_num(100 * expected.ci_lower)[1:])
    km.time_combo.setCurrentText("months")
    assert "Months" in km.plot.getAxis("bottom").labelText
    xs = sorted({round(x, 6) for x, _r, _t in km.at_risk_texts()})
    assert xs == [float(t) for t in km.description.x.ticks] and all(x % 6 == 0 for x in xs)


def test_hover_text_reads_the_curve(window, qtbot):
    km = _open_survival(window, qtbot)
    expected = _expected()
    one_year = expected.landmarks[1]["s"]
    assert f"All patients: {100 * one_year:.1f} %" in km.describe_at(1.0)
    km.time_combo.setCurrentText("months")
    assert f"All patients: {100 * one_year:.1f} %" in km.describe_at(12.0)
    assert "not estimable" in km.describe_at(1000.0)


def test_a_filter_change_paints_the_plot_once(window, qtbot):
    """The view boxes take their new ranges when the curves are drawn, not in the paint: an
    item whose geometry changed inside the paint scheduled a second paint of the whole plot."""
    from PySide6.QtCore import QEvent, QObject

    km = _open_survival(window, qtbot)
    qtbot.wait(200)

    class Paints(QObject):
        count = 0

        def eventFilter(self, _obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = Paints()
    km.graphics.viewport().installEventFilter(paints)
    for centre in ("Bonn", None):  # the time axis's range changes both ways
        paints.count = 0
        before = (km.plot.viewRange()[0], km.description.x.hi)
        with qtbot.waitSignal(km.redrawn, timeout=30000):
            if centre is None:
                window.patient_panel.clear_filters()
            else:
                window.patient_panel.set_filter("center", centre)
        qtbot.wait(300)
        assert (km.plot.viewRange()[0], km.description.x.hi) != before
        assert paints.count == 1
