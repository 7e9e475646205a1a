"""The seed paper's abstract, reproduced by the report on the demo cohort.

Braat et al., CVIR 2020 (shared/seed): 44 patients, 58 procedures, 55 % whole liver, median 353
days after PRRT, RECIST 3 m ORR 16 % / DCR 91 %, clinical response 15/23, clinical toxicity 26 %,
grade 3-4 lab toxicity <= 10 % except lymphocytopenia (42 %), complications 5 %, one fatal
REILD (2 %), median OS 3.5 years (95 % CI 1.8-5.1).
"""

from __future__ import annotations

import pytest

from y90gui.analysis.report import compute_report, report_for_store
from y90gui.store.store import Store

demo = pytest.importorskip("y90gui.demo.cohort")


@pytest.fixture(scope="module")
def report():
    return compute_report(demo.build_demo())


def test_cohort(report):
    assert report["patients"] == 44
    assert report["procedures"] == 58
    assert report["whole_liver"] == {"n": 32, "N": 58, "pct": 55.2}
    assert report["prrt_to_re_days"]["median"] == 353


def test_response(report):
    rc = report["recist_3m"]
    assert (rc["CR"], rc["PR"], rc["SD"], rc["PD"]) == (1, 6, 33, 4)
    assert rc["orr"] == {"n": 7, "N": 44, "pct": 15.9}
    assert rc["dcr"] == {"n": 40, "N": 44, "pct": 90.9}
    assert report["clinical_response_3m"] == {"n": 15, "N": 23, "pct": 65.2}


def test_toxicity(report):
    assert report["clinical_toxicity_3m"] == {"basis": "procedures", "n": 15, "N": 58, "pct": 25.9}
    assert report["complications"] == {"basis": "procedures", "n": 3, "N": 58, "pct": 5.2}
    assert report["reild"]["fatal"] == {"n": 1, "N": 44, "pct": 2.3}
    tests = report["lab_toxicity"]["tests"]
    assert tests["lymphocytes"]["grade3_4"]["pct"] == pytest.approx(42, abs=1.0)
    for name, t in tests.items():
        if name != "lymphocytes":
            assert t["grade3_4"]["pct"] is not None and t["grade3_4"]["pct"] <= 10.0, name


def test_survival(report):
    os_ = report["os"]
    assert os_["N"] == 44 and os_["events"] == 24
    assert os_["median_years"] == pytest.approx(3.5, abs=0.2)
    lo, hi = os_["ci95_years"]
    assert lo == pytest.approx(1.8, abs=0.2) and hi == pytest.approx(5.1, abs=0.2)


def test_same_through_the_store(report, tmp_path):
    with Store.create(tmp_path / "demo.y90") as store:
        store.replace_patients(demo.build_demo(), "demo")
        assert report_for_store(store) == report


@pytest.mark.parametrize("method", ["log", "log-log", "plain"])
def test_os_equals_r_survival_on_the_demo(method):
    """The report's OS figures equal R survfit(conf.type = method) on the demo cohort's exported OS
    data (tests/analysis/data/r_input/demo_os.csv -> r_reference.json, made by make_reference.R)."""
    import json
    from pathlib import Path

    ref = json.loads((Path(__file__).parent / "data" / "r_reference.json").read_text())["sets"]["demo_os"]
    fit = ref["fits"][method]
    os_ = compute_report(demo.build_demo(), ci_method=method)["os"]
    years = [None if v is None else v / 365.25 for v in (fit["median"], fit["lcl"], fit["ucl"])]
    assert [os_["median_years"], *os_["ci95_years"]] == [pytest.approx(v) if v is not None else None for v in years]
    for k, lm in fit["landmarks"].items():
        assert os_["survival"][k]["s"] == pytest.approx(lm["s"])
        assert os_["survival"][k]["ci95"] == [pytest.approx(lm["lower"]), pytest.approx(lm["upper"])]
    assert os_["at_risk"] == ref["at_risk"]


def test_logrank_by_centre_equals_r_survdiff():
    import json
    from pathlib import Path

    from y90gui.analysis.frames import from_case_data
    from y90gui.analysis.strata import os_by_stratum
    from y90gui.analysis.survival import logrank

    ref = json.loads((Path(__file__).parent / "data" / "r_reference.json").read_text())["sets"]["demo_os"]["logrank"]
    res = logrank(os_by_stratum(from_case_data(demo.build_demo()), "center"))
    assert res.df == ref["df"]
    assert res.statistic == pytest.approx(ref["chisq"], rel=1e-9)
    assert res.p_value == pytest.approx(ref["p"], rel=1e-7)
