"""The report workbook's PFS and landmark sheets and SPSS rows carry the report's figures."""

from __future__ import annotations

import openpyxl
import pytest
from endpoint_cases import case_data, expected_pfs

from y90gui.analysis.report import compute_report
from y90gui.analysis.report_workbook import write_report_workbook


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    data = case_data()
    report = compute_report(data, ci_method="log")
    out = write_report_workbook(report, data, tmp_path_factory.mktemp("wb") / "report.xlsx")
    return report, openpyxl.load_workbook(out)


def _pairs(ws):
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0] is not None and len(r) > 1}


def test_pfs_sheet(book):
    report, wb = book
    ws = wb["PFS"]
    rows = list(ws.iter_rows(values_only=True))
    values = _pairs(ws)
    pfs = report["pfs"]
    assert values["event"] == "RECIST 1.1 progression or death"
    assert values["patients"] == pfs["N"] == 24 and values["progressions or deaths"] == pfs["events"]
    assert values["median (years)"] == pfs["median_years"]
    assert values["median, SPSS (years)"] == pfs["spss_median"]["median_years"]
    assert values["SE, SPSS (years)"] == pfs["spss_median"]["se_years"]
    start = next(i for i, r in enumerate(rows) if r[0] == "patient_id")
    per_patient = {r[0]: (int(r[1]), int(r[2] == "yes")) for r in rows[start + 1:] if r and r[0]}
    assert per_patient == expected_pfs()


def test_landmark_sheet(book):
    report, wb = book
    rows = list(wb["Landmark OS"].iter_rows(values_only=True))
    lm = report["os_landmark_3m"]
    flat = [c for r in rows for c in r if c is not None]
    assert lm["N"] in flat and lm["logrank"]["chi2"] in flat and lm["logrank"]["p"] in flat
    for group in ("responders", "non_responders"):
        assert lm["groups"][group]["median_years"] is None or lm["groups"][group]["median_years"] in flat
        assert lm["groups"][group]["N"] in flat
    titles = [r[0] for r in rows if r and isinstance(r[0], str)]
    assert "Responders (CR, PR): OS from the landmark" in titles
    assert "Non-responders (SD, PD): OS from the landmark" in titles


def test_survival_sheet_has_spss_median(book):
    report, wb = book
    values = _pairs(wb["Survival"])
    assert values["median, SPSS (years)"] == report["os"]["spss_median"]["median_years"]
    assert values["95% CI upper, SPSS (symmetric, years)"] == report["os"]["spss_median"]["ci95_years"][1]
