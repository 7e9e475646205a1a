"""The exclusion flag, honoured by every analysis through `inclusion.analysed`; a file without
exclusions gives exactly the report it gave before (the committed R and seed expectations)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from y90gui.analysis import inclusion
from y90gui.analysis.frames import from_case_data
from y90gui.analysis.report import compute_report, report_for_store
from y90gui.analysis.tables import table1
from y90gui.core.validate import CaseData
from y90gui.figures.km import km_description
from y90gui.store.store import Store

demo = pytest.importorskip("y90gui.demo.cohort")
R = json.loads((Path(__file__).parent / "data" / "r_reference.json").read_text())["sets"]["demo_os"]


@pytest.fixture(scope="module")
def plain() -> CaseData:
    return demo.build_demo()


def with_exclusions(data: CaseData, marks: dict[int, str | None]) -> CaseData:
    out = copy.deepcopy(data)
    for i, reason in marks.items():
        out["patients"][i].update(excluded_from_analysis=True, exclusion_reason=reason)
    return out


def test_no_exclusions_gives_the_same_report_as_before(plain: CaseData) -> None:
    before = compute_report(plain)
    flagged_no = copy.deepcopy(plain)
    for p in flagged_no["patients"]:
        p["excluded_from_analysis"] = False
    assert compute_report(flagged_no) == before
    assert inclusion.REPORT_KEY not in before
    # the committed expectations: the seed abstract and R's survfit of the demo cohort's OS
    assert before["patients"] == 44 and before["procedures"] == 58
    os_ = before["os"]
    assert (os_["N"], os_["events"]) == (R["n"], R["events"])
    fit = R["fits"]["log-log"]
    assert os_["median_years"] == pytest.approx(fit["median"] / 365.25)
    assert os_["ci95_years"] == pytest.approx([fit["lcl"] / 365.25, fit["ucl"] / 365.25])


def test_analysed_is_the_same_object_without_exclusions(plain: CaseData) -> None:
    fr = from_case_data(plain)
    assert inclusion.analysed(fr) is fr
    assert inclusion.exclusions(fr) == {"n": 0, "reasons": {}}


def test_excluded_patients_leave_every_count(plain: CaseData) -> None:
    data = with_exclusions(plain, {0: "lost to follow-up", 1: " lost  to follow-up", 2: None})
    report = compute_report(data)
    assert report["patients"] == 41
    assert report["os"]["N"] == 41
    assert report["recist_3m"]["orr"]["N"] + report["recist_3m"]["NE"] + report["recist_3m"]["not_assessed"] <= 41
    assert report[inclusion.REPORT_KEY] == {"n": 3, "reasons": {"lost to follow-up": 2, "not given": 1}}
    excluded = {p["patient_id"] for p in data["patients"][:3]}
    procs = sum(1 for r in plain["radioembolization"] if r["patient_id"] not in excluded)
    assert report["procedures"] == procs
    assert report["whole_liver"]["N"] == procs
    assert inclusion.describe(report[inclusion.REPORT_KEY]) == \
        "3 excluded from analysis (lost to follow-up 2, not given 1)"


def test_table1_and_the_km_figure_count_only_analysed_patients(plain: CaseData) -> None:
    fr = from_case_data(with_exclusions(plain, {5: "duplicate record"}))
    assert "Patients (N = 43)" in table1(fr).header_grid()[0]
    assert "(n = 43, events = 23)" in repr(km_description(fr))  # the legend entry
    assert "(n = 44, events = 24)" in repr(km_description(from_case_data(plain)))


def test_the_stored_flag_reaches_report_json(tmp_path: Path, plain: CaseData) -> None:
    with Store.create(tmp_path / "c.y90") as s:
        s.replace_patients(plain)
        before = report_for_store(s)
        pid = plain["patients"][0]["patient_id"]
        s.update_row("patients", pid, {"excluded_from_analysis": True, "exclusion_reason": "consent withdrawn"})
        after = report_for_store(s)
        s.undo()
        assert report_for_store(s) == before
    assert after["patients"] == 43 and after["os"]["N"] == 43
    assert after[inclusion.REPORT_KEY] == {"n": 1, "reasons": {"consent withdrawn": 1}}


def test_cox_table_leaves_excluded_patients_out(plain: CaseData) -> None:
    from y90gui.analysis.cox import endpoint_table

    fr = from_case_data(with_exclusions(plain, {0: None, 3: None}))
    table: Any = endpoint_table(fr, ["extrahepatic_disease"])
    assert len(table) == 42
    assert plain["patients"][0]["patient_id"] not in set(table["patient_id"])


def test_report_cli_on_a_named_cohort_and_with_exclusions(tmp_path: Path, plain: CaseData,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from y90gui.cli import main
    from y90gui.documents.model import methods_text
    from y90gui.store.cohorts import save_cohort

    data = with_exclusions(plain, {0: "incomplete data"})
    ids = [p["patient_id"] for p in plain["patients"][:10]]
    with Store.create(tmp_path / "c.y90") as s:
        s.replace_patients(data)
        save_cohort(s, "First ten", search="", filters={}, description="first ten", patient_ids=ids)
    assert main(["report", "--db", str(tmp_path / "c.y90"), "--json", "--cohort", "first TEN"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cohort"] == {"name": "First ten", "filter": "first ten", "n": 10, "total": 44}
    assert report["patients"] == 9  # one of the ten is excluded
    assert report[inclusion.REPORT_KEY] == {"n": 1, "reasons": {"incomplete data": 1}}
    assert main(["report", "--db", str(tmp_path / "c.y90"), "--json", "--cohort", "nope"]) == 1
    assert "no cohort named “nope”" in capsys.readouterr().err
    import datetime as dt
    text = methods_text(report, database="c.y90", cohort="Cohort “First ten”", n_all=44, date=dt.datetime(2026, 1, 1))
    assert "1 excluded from analysis (incomplete data 1)" in text[0]
