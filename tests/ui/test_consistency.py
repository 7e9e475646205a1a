"""Every consumer of a rule gives the same answer: the patient table, the KM view, the report
JSON and the report workbook, on a cohort built to sit on each rule's boundary.

Issue 11: the table counted a PRRT cycle on the day of the first RE as "before" it (`<=`), the
report did not (`<`, spec/report.md); the KM view kept patients without a stratum value as a
"not recorded" stratum inside the log-rank test while the workbook dropped them. One rule, one
function: these tests hold every consumer to it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ui_helpers import close_window, open_ready_window

from y90gui.analysis import survival
from y90gui.store.store import Store

D = dt.date
FIRST_RE = D(2016, 3, 1)


def boundary_cohort() -> dict[str, list[dict[str, Any]]]:
    """Eight patients; each PRRT/stratum/follow-up case sits on a boundary of its rule.

    B1: PRRT 200 days before and ON the day of the first RE -> interval 200 (the same-day cycle
        is not "before"); B2: PRRT only on the day of the first RE -> no interval; B3: 50 days;
        B4: no PRRT. WHO grade missing for B2 and B5 (two patients left out of a WHO stratification).
        B6 and B7 are censored before the first death (the band's "1 before the first death" stretch),
        B7 on the day of the first RE (0 days); B8 has no radioembolization (in no figure).
    """
    data: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "patients", "prrt", "radioembolization", "response", "labs", "adverse_events", "treatments_after",
        "reference_ranges")}
    follow = {"B1": 900, "B2": 400, "B3": 700, "B4": 300, "B5": 1200, "B6": 60, "B7": 0, "B8": 500}
    dead = {"B1": True, "B2": True, "B3": False, "B4": True, "B5": False, "B6": False, "B7": False, "B8": False}
    grade = {"B1": "G1", "B2": None, "B3": "G2", "B4": "G1", "B5": None, "B6": "G2", "B7": "G1", "B8": "G1"}
    for i, pid in enumerate(follow):
        data["patients"].append({
            "patient_id": pid, "center": "Bonn" if i % 2 else "Utrecht", "sex": "F" if i % 2 else "M",
            "birth_year": 1950 + i, "primary_site": "pancreas", "who_grade": grade[pid],
            "vital_status": "dead" if dead[pid] else "alive",
            "followup_date": FIRST_RE + dt.timedelta(days=follow[pid]),
        })
        if pid != "B8":
            data["radioembolization"].append({"patient_id": pid, "procedure": 1, "date": FIRST_RE,
                                              "extent": "whole_liver"})
    prrt = {"B1": [-200, 0], "B2": [0], "B3": [-50], "B8": [-10]}
    for pid, days in prrt.items():
        for c, day in enumerate(days):
            data["prrt"].append({"patient_id": pid, "cycle": c + 1, "date": FIRST_RE + dt.timedelta(days=day),
                                 "radiopharmaceutical": "177Lu-DOTATATE", "activity_gbq": 7.4})
    return data


#: what spec/report.md's definitions give for `boundary_cohort` (worked out by hand)
PRRT_TO_RE = {"B1": 200, "B2": None, "B3": 50, "B4": None}
WHO_GROUPS = {"G1": ("B1", "B4", "B7"), "G2": ("B3", "B6")}
WHO_LEFT_OUT = 2


@pytest.fixture
def boundary_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "boundary.y90"
    with Store.create(path) as store:
        store.replace_patients(boundary_cohort(), "boundary cohort")
    win = open_ready_window(qtbot, path)
    yield win
    close_window(qtbot, win)


def _report(win, qtbot) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    win.views.setCurrentWidget(win.report_view)
    qtbot.waitUntil(lambda: win.report_view.report is not None and not win.tasks.running(), timeout=60000)
    return win.report_view.report


def _workbook(win, qtbot, tmp_path: Path) -> Any:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    _report(win, qtbot)
    out = tmp_path / "report.xlsx"
    win.report_view.export(out)
    qtbot.waitUntil(lambda: out.exists() and not win.tasks.running(), timeout=60000)
    return load_workbook(out, read_only=True)


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    """Every row padded to the sheet's width (read-only openpyxl drops trailing empty cells)."""
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    width = max((len(r) for r in rows), default=0)
    return [r + (None,) * (width - len(r)) for r in rows]


def _km(win, qtbot):  # type: ignore[no-untyped-def]
    win.views.setCurrentWidget(win.survival_page)
    qtbot.waitUntil(lambda: win.km is not None and bool(win.km.results), timeout=30000)
    return win.km


def test_prrt_to_re_interval_is_the_same_in_table_report_and_workbook(boundary_window, qtbot, tmp_path):
    win = boundary_window
    model = win.patient_panel.model
    table = {pid: model.value(pid, "prrt_to_re_days") for pid in PRRT_TO_RE}
    assert table == PRRT_TO_RE  # the cycle on the day of the first RE is not "before" it

    report = _report(win, qtbot)["prrt_to_re_days"]
    known = sorted(v for v in PRRT_TO_RE.values() if v is not None)
    assert report["N"] == len(known)
    assert report["median"] == pytest.approx(float(np.median(known)))

    wb = _workbook(win, qtbot, tmp_path)
    rows = _rows(wb["Prior PRRT"])
    header = rows[0]
    days = {r[0]: r[header.index("days to first RE")] for r in rows[1:] if r[0]}
    assert days == {pid: v for pid, v in PRRT_TO_RE.items() if pid in days}
    assert set(days) == {"B1", "B2", "B3"}  # treated patients with PRRT (B8 has no RE)


def test_missing_stratum_values_are_left_out_alike_in_km_view_and_workbook(boundary_window, qtbot, tmp_path):
    win = boundary_window
    km = _km(win, qtbot)
    with qtbot.waitSignal(km.redrawn, timeout=30000):
        km.strata_combo.setCurrentIndex(km.strata_combo.findData("who_grade"))
    view = {name: res.n for name, res in km.results.items()}
    assert view == {k: len(v) for k, v in WHO_GROUPS.items()}
    assert f"{WHO_LEFT_OUT} patients without a value" in km.note.text()

    wb = _workbook(win, qtbot, tmp_path)
    rows = _rows(wb["Survival"])
    start = next(i for i, r in enumerate(rows) if r and r[0] == "stratum field")
    header = rows[start]
    book = {r[1]: r[header.index("patients")] for r in rows[start + 1:] if r and r[0] == "who_grade"}
    assert book == view
    p_book = [r[header.index("log-rank p")] for r in rows[start + 1:] if r and r[0] == "who_grade"]
    assert p_book == [pytest.approx(km.logrank.p_value)] * len(book)


def test_os_rows_are_the_same_in_table_km_view_report_and_workbook(boundary_window, qtbot, tmp_path):
    win = boundary_window
    treated = [p for p in boundary_cohort()["patients"] if p["patient_id"] != "B8"]
    model = win.patient_panel.model
    for p in treated:  # follow-up column = OS time of the KM view and the report
        days = (p["followup_date"] - FIRST_RE).days
        assert model.value(p["patient_id"], "followup_years") == pytest.approx(days / survival.DAYS_PER_YEAR)
    km = _km(win, qtbot)
    res = km.results["all"]
    deaths = sum(p["vital_status"] == "dead" for p in treated)
    assert (res.n, res.events) == (len(treated), deaths)
    os_ = _report(win, qtbot)["os"]
    assert (os_["N"], os_["events"]) == (res.n, res.events)
    assert os_["median_years"] == res.median_years
    wb = _workbook(win, qtbot, tmp_path)
    rows = {r[0]: r[1] for r in _rows(wb["Survival"]) if isinstance(r[0], str)}
    assert (rows["patients"], rows["deaths"]) == (res.n, res.events)


def test_ci_method_names_are_defined_once(boundary_window, qtbot):
    win = boundary_window
    km = _km(win, qtbot)
    km_names = tuple(km.ci_combo.itemText(i) for i in range(km.ci_combo.count()))
    report_names = tuple(win.report_view.ci_combo.itemText(i) for i in range(win.report_view.ci_combo.count()))
    assert km_names == report_names == survival.CI_METHODS


def test_band_is_one_before_the_first_death_on_screen_and_in_the_analysis(boundary_window, qtbot):
    """B7 (day 0) and B6 (day 60) are censored before the first death (day 300): with the log-log
    band, S = 1 on [0, 300) has no band; R draws it as 1. The rule lives in `survival.plotted_band`."""
    win = boundary_window
    km = _km(win, qtbot)
    res = km.results["all"]
    lo, hi = survival.plotted_band(res)
    s = np.asarray(res.survival)
    assert np.all(lo[s >= 1.0] == 1.0) and np.all(hi[s >= 1.0] == 1.0)
    bands = km.band_items()  # one path per band (issue 16), drawn from the figure's description
    assert len(bands) == 1
    assert km.description.curves[0].band_hi[0] == 100.0
    assert bands[0].path().boundingRect().bottom() == pytest.approx(100.0)  # the band starts at 1 on screen too
