"""The Kaplan–Meier widget draws what the analysis layer computes, for the table's filter."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from cohort_fixture import build_small_cohort

from y90gui.analysis import survival


def _expected(pids=None, ci="log-log"):
    rows = survival.os_data(build_small_cohort())
    rows = [r for r in rows if pids is None or r[0] in pids]
    return survival.kaplan_meier([r[1] for r in rows], [r[2] for r in rows], ci_method=ci)


def _open_survival(window, qtbot):
    window.views.setCurrentWidget(window.survival_page)
    qtbot.waitUntil(lambda: window.km is not None, timeout=30000)
    return window.km


def test_curve_summary_and_at_risk_equal_the_analysis(window, qtbot):
    km = _open_survival(window, qtbot)
    expected = _expected()
    res = km.results["all patients"]
    assert (res.n, res.events) == (expected.n, expected.events) == (12, 3)
    np.testing.assert_allclose(res.survival, expected.survival)
    text = km.summary.text()
    assert "n = 12, events = 3" in text
    med = "not reached" if expected.median_years is None else f"{expected.median_years:.1f}"
    assert med in text
    drawn = {(round(x, 6), t) for x, _row, t in km.at_risk_texts()}
    assert drawn == {(float(year), str(n)) for year, n in expected.at_risk.items()}
    fills = [i for i in km.plot.items if isinstance(i, pg.FillBetweenItem)]
    assert fills, "the CI band is drawn"
    km.band_check.setChecked(False)
    assert not [i for i in km.plot.items if isinstance(i, pg.FillBetweenItem)]


def test_follows_the_table_filter(window, qtbot):
    km = _open_survival(window, qtbot)
    with qtbot.waitSignal(km.redrawn, timeout=30000):
        window.patient_panel.set_filter("center", "Utrecht")
    ids = set(window.filtered_patient_ids())
    assert len(ids) == 8
    expected = _expected(ids)
    assert km.results["all patients"].n == expected.n
    assert km.results["all patients"].events == expected.events
    assert f"n = {expected.n}, events = {expected.events}" in km.summary.text()


def test_strata_legend_and_logrank(window, qtbot):
    km = _open_survival(window, qtbot)
    km.strata_combo.setCurrentIndex(km.strata_combo.findData("center"))
    assert set(km.results) == {"Bonn", "Utrecht"}
    data = build_small_cohort()
    centre = {p["patient_id"]: p["center"] for p in data["patients"]}
    rows = survival.os_data(data)
    groups = {c: ([r[1] for r in rows if centre[r[0]] == c], [r[2] for r in rows if centre[r[0]] == c])
              for c in ("Bonn", "Utrecht")}
    lr = survival.logrank(groups)
    assert km.logrank.p_value == pytest.approx(lr.p_value)
    assert "log-rank p =" in km.summary.text()
    legend_labels = [label.text for _sample, label in km.legend.items]
    assert any(lbl.startswith("Bonn  (n = 4") for lbl in legend_labels)
    assert any(lbl.startswith("Utrecht  (n = 8") for lbl in legend_labels)


def test_ci_method_and_time_unit(window, qtbot):
    km = _open_survival(window, qtbot)
    km.ci_combo.setCurrentText("plain")
    expected = _expected(ci="plain")
    np.testing.assert_allclose(np.nan_to_num(km.results["all patients"].ci_lower), np.nan_to_num(expected.ci_lower))
    km.time_combo.setCurrentText("months")
    assert "months" in km.plot.getAxis("bottom").labelText
    xs = sorted({round(x, 6) for x, _r, _t in km.at_risk_texts()})
    assert xs == [12.0 * y for y in sorted(expected.at_risk)]


def test_export_png_300_dpi_and_svg(window, qtbot, tmp_path):
    from PySide6.QtGui import QImage

    km = _open_survival(window, qtbot)
    png = tmp_path / "km.png"
    task = km.export(png)
    # the PNG is encoded, written and fsync'ed on a worker: on a loaded machine (a busy disk
    # makes fsync slow) that can take long, so wait for the task's outcome, not for a deadline
    qtbot.waitUntil(lambda: task.delivered, timeout=300000)
    assert png.exists(), window.statusBar().currentMessage()  # if not: why (the failure message)
    image = QImage(str(png))
    assert not image.isNull()
    assert round(image.dotsPerMeterX() / 39.3700787) == 300
    assert image.width() >= km.graphics.width() * 300 / 96 - 2
    svg = tmp_path / "km.svg"
    km.export(svg)
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text


def test_hover_text_reads_the_curve(window, qtbot):
    km = _open_survival(window, qtbot)
    expected = _expected()
    one_year = expected.landmarks[1]["s"]
    assert f"all patients: {100 * one_year:.1f} %" in km.describe_at(1.0)
    km.time_combo.setCurrentText("months")
    assert f"all patients: {100 * one_year:.1f} %" in km.describe_at(12.0)
    assert "not estimable" in km.describe_at(1000.0)
