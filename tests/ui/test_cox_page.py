"""The Cox page: covariates chosen and fitted on a worker show R's coxph figures (the committed
fixture of the demo cohort) and cox_analysis' result; bad models are one message in the page;
the page follows the table's filter (refit when shown, stale otherwise)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import close_window, open_ready_window

from y90gui.analysis.cox import cox_analysis
from y90gui.analysis.frames import from_store
from y90gui.analysis.tables_format import DASH, p_cell, round_half_up
from y90gui.demo.commands import write_demo
from y90gui.store.store import Store
from y90gui.ui.patient_model import ALL

DATA = Path(__file__).parents[1] / "analysis" / "data"
REF = json.loads((DATA / "r_endpoints_reference.json").read_text())["cox"]["demo_os"]
MULTI = ["sex", "ki67_pct", "extrahepatic_disease", "age", "prrt_cycles"]
#: the words the page shows for MULTI's terms: the patient editor's (core.sheets) for patient fields
LABELS = {"sex": "Sex: M vs F", "ki67_pct": "Ki-67 index [%]",
          "extrahepatic_disease": "Extrahepatic disease: yes vs no",
          "age": "Age at first RE [years]", "prrt_cycles": "PRRT cycles before the first RE"}


def _list(x):
    return x if isinstance(x, list) else [x]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("coxdemo") / "demo.y90")


@pytest.fixture
def demo_window(qtbot, demo_template, tmp_path):
    import shutil

    path = tmp_path / "demo.y90"
    shutil.copy(demo_template, path)
    win = open_ready_window(qtbot, path)
    yield win
    close_window(qtbot, win)


def _page(win, qtbot):
    win.views.setCurrentWidget(win.cox_page)
    qtbot.waitUntil(lambda: win.background.cox is not None, timeout=30000)
    return win.background.cox


def _check(page, names):
    """Tick exactly `names` in the covariate list, by clicking the check boxes' items."""
    for i in range(page.covariates.count()):
        item = page.covariates.item(i)
        want = item.data(Qt.ItemDataRole.UserRole) in names
        if (item.checkState() == Qt.CheckState.Checked) != want:
            item.setCheckState(Qt.CheckState.Checked if want else Qt.CheckState.Unchecked)
    assert page.chosen() == [n for n in page.chosen() if n in names] and set(page.chosen()) == set(names)


def _fit(page, qtbot, win):
    # two clicks within the double-click interval reach the button as a double click, not a click
    qtbot.wait(QApplication.doubleClickInterval() + 50)
    qtbot.mouseClick(page.fit_button, Qt.MouseButton.LeftButton)
    assert "cox" in win.tasks.running(), "the click started no fit"
    qtbot.waitUntil(lambda: "cox" not in win.tasks.running(), timeout=60000)


def _cells(table):
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _row(label, hr, lo, hi, p, counts):
    return [label, round_half_up(hr, 2), f"{round_half_up(lo, 2)}{DASH}{round_half_up(hi, 2)}", p_cell(p), *counts]


def test_tables_and_forest_show_rs_coxph(demo_window, qtbot, demo_template):
    win = demo_window
    page = _page(win, qtbot)
    _check(page, MULTI)
    _fit(page, qtbot, win)
    assert page.message.isHidden()
    labels = LABELS
    expected_uni = []
    for cov in MULTI:
        r = next(f for f in REF if _list(f["covariates"]) == [cov])
        expected_uni.append(_row(labels.get(cov, cov), r["hr"], r["lower"], r["upper"], r["p"],
                                 [str(r["n"]), str(r["events"]), str(r["excluded"])]))
    assert _cells(page.uni_table) == expected_uni
    m = next(f for f in REF if _list(f["covariates"]) == MULTI)
    expected_multi = [_row(labels.get(c, c), hr, lo, hi, p, [str(m["n"]), str(m["events"]), str(m["excluded"])]
                           if i == 0 else ["", "", ""])
                      for i, (c, hr, lo, hi, p) in enumerate(zip(MULTI, m["hr"], m["lower"], m["upper"], m["p"],
                                                                 strict=True))]
    assert _cells(page.multi_table) == expected_multi
    # the same as cox_analysis on the same cohort (itself checked against R to 1e-6)
    with Store.open(demo_template, read_only=True) as store:
        ours = cox_analysis(from_store(store), MULTI)
    assert page.result.to_json() == ours.to_json()
    drawn = [v for d in page.forest.drawn for v in d[1:]]
    want = [v for mod in (*ours.univariable, ours.multivariable) for t in mod.terms for v in (t.hr, *t.ci95)]
    assert drawn == pytest.approx(want, rel=1e-12)
    assert round_half_up(m["hr"][0], 2) + " (" in " ".join(page.forest.texts())
    assert "all 44 patients" in page.caption.text() and "Overall survival" in page.caption.text()
    assert page.export_button.isEnabled()


def test_covariates_are_shown_in_words_not_column_names(demo_window, qtbot):
    """Popup, chosen line, both tables and the forest plot's row labels use the editor's words."""
    from y90gui.analysis.covariates import COVARIATES

    win = demo_window
    page = _page(win, qtbot)
    popup = [page.covariates.item(i).text() for i in range(page.covariates.count())]
    assert "Ki-67 index [%]" in popup and "Hepatic tumour burden [%]" in popup
    assert not any(name in text for text in popup for name in COVARIATES)
    # the patient editor names the patient fields the same way
    pid = win.current_patient_id() or "DEMO-001"
    win.patient_panel.select_patient(pid)
    qtbot.waitUntil(lambda: win.detail.patient_id == pid, timeout=30000)
    editor = win.detail.models["patients"]
    editor_names = {editor.columns[r].name: editor.index(r, 0).data() for r in range(editor.rowCount())}
    for name in ("ki67_pct", "primary_site", "hepatic_tumour_burden_pct", "extrahepatic_disease"):
        assert editor_names[name] in popup
    _check(page, MULTI)
    assert page.chosen_label.text() == "Covariates: " + ", ".join(LABELS[n].split(":")[0] for n in MULTI)
    _fit(page, qtbot, win)
    shown = [r[0] for r in _cells(page.uni_table) + _cells(page.multi_table)]
    assert shown == [LABELS[n] for n in MULTI] * 2
    ticks = [t for _, t in page.forest.plot.getAxis("left")._tickLevels[0]]
    assert [LABELS[n] for n in MULTI] == [t for t in ticks if t in LABELS.values()][:len(MULTI)]
    assert not any(name in t for t in ticks for name in MULTI)


def test_bad_models_are_one_message_in_the_page(demo_window, qtbot):
    win = demo_window
    page = _page(win, qtbot)
    failures = []
    win.session.failed.connect(lambda title, exc: failures.append(title))
    _check(page, [])
    qtbot.mouseClick(page.fit_button, Qt.MouseButton.LeftButton)
    assert page.message.isVisible() and "Choose at least one covariate" in page.message.text()
    _check(page, ["who_grade"])  # no death among the G3 patients: R flags it too
    _fit(page, qtbot, win)
    assert "who_grade does not converge" in page.message.text() and page.uni_table.rowCount() == 0
    # one level among the filtered patients
    with qtbot.waitSignal(win.session.cohort_changed, timeout=10000):
        win.patient_panel.set_filter("primary_site", "pancreas")
    qtbot.waitUntil(lambda: "cox" not in win.tasks.running(), timeout=60000)
    _check(page, ["primary_site"])
    _fit(page, qtbot, win)
    assert "'primary_site' has only one level (pancreas)" in page.message.text()
    # the page says which patients it tried, and draws no stale forest plot
    assert page.caption.text().startswith("Cox proportional hazards") and "of 44 patients" in page.caption.text()
    assert page.forest.graphics.isHidden() and page.forest.drawn == []
    # no events: only patients alive
    win.patient_panel.set_filter("primary_site", ALL)
    with qtbot.waitSignal(win.session.cohort_changed, timeout=10000):
        win.patient_panel.set_filter("vital_status", "alive")
    qtbot.waitUntil(lambda: "cox" not in win.tasks.running(), timeout=60000)
    _check(page, ["age"])
    _fit(page, qtbot, win)
    assert "no deaths among the" in page.message.text()
    assert failures == []  # never a dialog


def test_filter_change_refits_when_shown_and_is_stale_otherwise(demo_window, qtbot):
    win = demo_window
    page = _page(win, qtbot)
    _check(page, ["age", "sex"])
    _fit(page, qtbot, win)
    assert page.result.multivariable.n == 44
    with qtbot.waitSignal(win.session.cohort_changed, timeout=10000):
        win.patient_panel.set_filter("vital_status", "dead")
    qtbot.waitUntil(lambda: "cox" not in win.tasks.running() and page.result is not None
                    and page.result.multivariable.n != 44, timeout=60000)
    dead = len(win.filtered_patient_ids())
    assert page.result.multivariable.n == dead < 44 and not page.stale
    assert f"{dead} of 44 patients" in page.caption.text()
    # not shown: marked stale and said so; shown again: refitted
    win.views.setCurrentWidget(win.report_view)
    with qtbot.waitSignal(win.session.cohort_changed, timeout=10000):
        win.patient_panel.set_filter("vital_status", ALL)
    assert page.stale and "stale" in page.message.text()
    assert page.result.multivariable.n == dead
    win.views.setCurrentWidget(win.cox_page)
    qtbot.waitUntil(lambda: "cox" not in win.tasks.running() and page.result.multivariable.n == 44,
                    timeout=60000)
    assert not page.stale and page.message.isHidden() and "all 44 patients" in page.caption.text()


def test_cancel_stops_the_fit_and_keeps_the_page_usable(demo_window, qtbot, monkeypatch):
    """The real fit runs; its first progress step is held until Cancel is clicked."""
    import threading

    from ui_helpers import held_progress

    import y90gui.ui.cox_page as cox_page

    real = cox_page.fit
    reached = threading.Event()

    def held_fit(frames, covariates, endpoint, scope, progress):
        return real(frames, covariates, endpoint, scope, held_progress(progress, reached))

    monkeypatch.setattr(cox_page, "fit", held_fit)
    win = demo_window
    page = _page(win, qtbot)
    _check(page, ["age"])
    qtbot.mouseClick(page.fit_button, Qt.MouseButton.LeftButton)
    assert reached.wait(10)
    assert page.cancel_button.isEnabled() and page.progress.isVisible()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cox" not in win.tasks.running(), timeout=30000)
    assert page.result is None and "Fit cancelled" in page.message.text()
    assert not page.cancel_button.isEnabled() and page.progress.isHidden()
    monkeypatch.setattr(cox_page, "fit", real)
    _fit(page, qtbot, win)
    assert page.result is not None and page.message.isHidden()


def test_pfs_endpoint(demo_window, qtbot, demo_template):
    win = demo_window
    page = _page(win, qtbot)
    _check(page, ["sex"])
    page.endpoint.setCurrentIndex(page.endpoint.findData("pfs"))
    _fit(page, qtbot, win)
    with Store.open(demo_template, read_only=True) as store:
        ours = cox_analysis(from_store(store), ["sex"], "pfs")
    assert page.result.to_json() == ours.to_json()
    m = ours.multivariable
    assert _cells(page.multi_table)[0][4:] == [str(m.n), str(m.events), str(m.excluded_missing)]
    assert page.caption.text().startswith("Progression-free survival (PFS)")
    assert "progression-free survival" in page.forest.source.caption


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_forest_plot_has_room_for_its_rows(demo_window, qtbot, size):
    """At 1366 x 768 the forest plot sat under both tables in ~190 px for 12 rows, its labels on
    top of each other: on its own tab each row has at least 1.5 lines of the label font."""
    win = demo_window
    win.showNormal()
    win.resize(*size)
    page = _page(win, qtbot)
    _check(page, MULTI)
    _fit(page, qtbot, win)
    qtbot.mouseClick(page.results.tabBar(), Qt.MouseButton.LeftButton,
                     pos=page.results.tabBar().tabRect(page.results.indexOf(page.forest)).center())
    assert page.results.currentWidget() is page.forest and page.forest.isVisible()
    qtbot.wait(100)
    rows = len(page.forest.source.estimates)
    per_row = page.forest.plot.vb.height() / (rows + 1)
    line = page.forest.fontMetrics().height()
    assert per_row >= 1.5 * line, (per_row, line)
    # the tables are one click away and still show every term
    page.results.setCurrentIndex(0)
    assert page.uni_table.isVisible() and page.uni_table.rowCount() == len(MULTI)
