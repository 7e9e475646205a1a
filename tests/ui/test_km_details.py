"""The KM view as a researcher reads it (issue 12 "Log-rank p blank", "KM details"; issue 13
item 1; issue 15 item 1): on the demo cohort, stratified by RECIST at 3 months (log-rank
p = 0.0004), the view shows what the exported figure shows, in the code order, with fixed colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextDocument
from ui_helpers import close_window, open_ready_window

from y90gui.analysis.frames import from_case_data
from y90gui.demo.cohort import build_demo
from y90gui.store.store import Store


@pytest.fixture
def demo_window(qtbot, demo_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    import shutil

    dest = tmp_path / "demo.y90"
    shutil.copy(demo_template, dest)
    win = open_ready_window(qtbot, dest)
    yield win
    close_window(qtbot, win)


def _km(win, qtbot):  # type: ignore[no-untyped-def]
    win.views.setCurrentWidget(win.survival_page)
    qtbot.waitUntil(lambda: win.km is not None and not win.km.stale, timeout=30000)
    return win.km


def _by(km, key: str) -> None:  # type: ignore[no-untyped-def]
    km.strata_combo.setCurrentIndex(km.strata_combo.findData(key))


def _plain(label) -> str:  # type: ignore[no-untyped-def]
    """What a rich-text label shows (tags interpreted, entities decoded)."""
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def _legend_strata(km) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for line in _plain(km.summary).splitlines():
        m = re.match(r"^\W*\s*(CR|PR|SD|PD|NE)\b", line)
        if m:
            out.append(m.group(1))
    return out


def _pen_colour(km, key: str) -> str:  # type: ignore[no-untyped-def]
    curve = next(i for i in km.plot.listDataItems() if i.objectName() == f"km_{key}")
    return str(curve.opts["pen"].color().name()).upper()


def test_logrank_p_below_0001_is_shown(demo_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    km = _km(demo_window, qtbot)
    _by(km, "recist_3m")
    assert "log-rank p < 0.001" in _plain(km.summary)


def test_data_text_in_the_legend_is_escaped(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = build_demo()
    odd = "Aurora <b>Uni</b> & Co"
    for row in data["patients"]:
        if row["center"].startswith("Fictional Centre Aurora"):
            row["center"] = odd
    path = tmp_path / "odd.y90"
    with Store.create(path) as store:
        store.replace_patients(data, "demo")
    win = open_ready_window(qtbot, path)
    try:
        km = _km(win, qtbot)
        _by(km, "center")
        assert f"{odd} (n = 12, events = 6)" in _plain(km.summary)  # the name as typed, not as mark-up
    finally:
        close_window(qtbot, win)


def test_at_risk_is_zero_after_a_stratum_ends(demo_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from y90gui.analysis import strata, survival

    km = _km(demo_window, qtbot)
    _by(km, "recist_3m")
    fr = from_case_data(build_demo())
    groups = strata.stratify(fr, "recist_3m", keep_missing=False).groups
    cells = km.at_risk_texts()
    ticks = sorted({x for x, _r, _t in cells})
    assert ticks == [float(t) for t in range(11)]  # years 0..10, every cell filled
    rows = sorted({r for _x, r, _t in cells}, reverse=True)
    assert len(rows) == 4
    for row, label in zip(rows, ("CR", "PR", "SD", "PD"), strict=True):  # code order, not alphabetical
        drawn = [int(t) for x, r, t in sorted(cells) if r == row]
        expected = survival.number_at_risk(groups[label][0], [t * survival.DAYS_PER_YEAR for t in ticks])
        assert drawn == expected
    pd_row = [t for x, r, t in sorted(cells) if r == rows[3]]
    assert pd_row[2:] == ["0"] * 9  # PD ended before year 2: 0, not blank


def test_strata_in_code_order_with_colours_fixed_per_value(demo_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    km = _km(demo_window, qtbot)
    _by(km, "recist_3m")
    assert _legend_strata(km) == ["CR", "PR", "SD", "PD"]
    colours = {k: _pen_colour(km, k) for k in ("CR", "PR", "SD", "PD")}
    assert colours == {"CR": "#009E73", "PR": "#0072B2", "SD": "#999999", "PD": "#D55E00"}
    # a filter that leaves CR out does not shift the colours
    panel = demo_window.patient_panel
    cr = [p for p, v in demo_window.cohort.derived["recist_3m"].items() if v == "CR"]
    others = [p for p in demo_window.cohort.frames.patients["patient_id"] if p not in cr]
    from y90gui.services.cohort_view import CohortView

    with qtbot.waitSignal(km.redrawn, timeout=30000):
        demo_window.session.set_view(CohortView(tuple(others), "without CR", panel.model.rowCount()))
    assert _legend_strata(km) == ["PR", "SD", "PD"]
    assert {k: _pen_colour(km, k) for k in ("PR", "SD", "PD")} == {k: colours[k] for k in ("PR", "SD", "PD")}


def test_median_with_a_limit_not_reached(demo_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    km = _km(demo_window, qtbot)
    _by(km, "recist_3m")
    lines = {line.split()[1]: line for line in _plain(km.summary).splitlines()
             if re.match(r"^\W+ (CR|PR|SD|PD) ", line)}
    assert "median 3.5 (95% CI 0.8\u2013NR)" in lines["PR"]  # reached, upper limit not reached
    assert "median 0.9 (95% CI 0.7\u2013NR)" in lines["PD"]
    assert "median NR" in lines["CR"]  # not reached (one patient, alive)


def test_legend_outside_the_data_area_and_axis_titles_dark(demo_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    km = _km(demo_window, qtbot)
    _by(km, "recist_3m")
    assert km.plot.legend is None  # nothing drawn over the curves and censor ticks
    assert km.summary.isVisible() and km.summary.geometry().bottom() <= km.graphics.geometry().top()
    for name in ("left", "bottom"):
        label = km.plot.getAxis(name).label
        m = re.search(r"color:\s*(#[0-9a-fA-F]{6})", label.toHtml())
        colour = QColor(m.group(1)) if m else label.defaultTextColor()
        assert colour.lightness() < 90, (name, colour.name())


def test_endpoint_pfs_is_the_figure_layers(demo_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from y90gui.analysis.report import compute_report
    from y90gui.figures.km import km_description
    from y90gui.ui.km_items import legend_lines

    km = _km(demo_window, qtbot)
    with qtbot.waitSignal(km.redrawn, timeout=30000):
        km.endpoint_combo.setCurrentIndex(km.endpoint_combo.findData("pfs"))
    desc = km_description(from_case_data(build_demo()), endpoint="pfs")
    assert legend_lines(km.description) == legend_lines(desc)
    pfs = compute_report(build_demo())["pfs"]
    assert f"All patients (n = {pfs['N']}, events = {pfs['events']})" in _plain(km.summary)
    assert km.plot.getAxis("left").labelText == "Progression-free survival"


def test_landmark_endpoint_is_by_response_from_day_90(demo_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from y90gui.analysis.report import compute_report
    from y90gui.services.cohort_view import CohortView
    from y90gui.ui.km_widget import KaplanMeierWidget

    km = _km(demo_window, qtbot)
    _by(km, "center")
    with qtbot.waitSignal(km.redrawn, timeout=30000):
        km.endpoint_combo.setCurrentIndex(km.endpoint_combo.findData("os_landmark_3m"))
    assert not km.strata_combo.isEnabled()  # stratified by 3-month response by definition
    assert km.fixed_strata.isVisible() and "by 3-month response" in km.fixed_strata.text()
    assert "day 90" in km.plot.getAxis("bottom").labelText
    lm = compute_report(build_demo())["os_landmark_3m"]
    text = _plain(km.summary)
    assert "3-month response: log-rank" in text
    for key, name in (("responders", "Responders (CR, PR)"), ("non_responders", "Non-responders (SD, PD)")):
        g = lm["groups"][key]
        assert f"{name} (n = {g['N']}, events = {g['events']})" in text
    excluded = lm["excluded"]
    assert (f"{excluded['not_alive_at_landmark']} not alive beyond day 90, "
            f"{excluded['not_evaluable']} not evaluable") in km.note.text()
    # follows the filter: only the shown patients
    some = tuple(demo_window.cohort.frames.patients["patient_id"][:20])
    with qtbot.waitSignal(km.redrawn, timeout=30000):
        demo_window.session.set_view(CohortView(some, "first 20", 44))
    counts = [int(m) for m in re.findall(r"\(n = (\d+),", _plain(km.summary))]
    assert sum(counts) <= 20 and "20 of 44 patients (first 20)" in km.caption.text()
    # the choice is remembered
    again = KaplanMeierWidget(demo_window.session)
    qtbot.addWidget(again)
    assert again.endpoint() == "os_landmark_3m" and not again.strata_combo.isEnabled()


def test_save_figure_goes_through_the_export_dialog(demo_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QImage

    from y90gui.ui.dialogs.figure_export import FigureExportDialog

    km = _km(demo_window, qtbot)
    _by(km, "recist_3m")
    target = tmp_path / "km.png"

    def drive() -> None:
        dialog = km.findChild(FigureExportDialog)
        if dialog is None or dialog.pages is None:
            QTimer.singleShot(50, drive)
            return
        assert dialog.pages == [km.description]  # the file draws what the screen shows
        dialog.preset.setCurrentIndex(0)  # one column, 85 mm
        dialog.path_edit.setText(str(target))
        dialog.save()

    QTimer.singleShot(50, drive)
    qtbot.mouseClick(km.save_button, Qt.MouseButton.LeftButton)
    image = QImage(str(target))
    assert (image.width(), image.height()) == (round(85 / 25.4 * 300), round(120 / 25.4 * 300))


def test_large_cohort_is_described_on_a_worker(demo_window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Above SYNC_ROWS the fits run off the GUI thread; the last request wins."""
    from y90gui.ui import km_widget

    km = _km(demo_window, qtbot)
    monkeypatch.setattr(km_widget, "SYNC_ROWS", 0)
    before = km.description
    _by(km, "center")
    _by(km, "recist_3m")  # two requests in a row: only the second is drawn
    assert km.description is before  # not yet: computed on a worker
    with qtbot.waitSignal(km.redrawn, timeout=30000):
        pass
    assert "RECIST at 3 months: log-rank p < 0.001" in _plain(km.summary)
    qtbot.waitUntil(lambda: "km" not in demo_window.tasks.running(), timeout=30000)
    assert _legend_strata(km) == ["CR", "PR", "SD", "PD"]
