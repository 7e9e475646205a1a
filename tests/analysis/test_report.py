"""The report JSON on a hand-made case series: every figure derived by hand (see conftest)."""

from __future__ import annotations

import json

import pytest

from y90gui.analysis.fractions import pct
from y90gui.analysis.report import compute_report, report_for_store
from y90gui.store.store import Store

TOP_KEYS = ["format", "patients", "procedures", "whole_liver", "prrt_to_re_days", "recist_3m",
            "clinical_response_3m", "clinical_toxicity_3m", "lab_toxicity", "complications", "reild", "os",
            "pfs", "os_landmark_3m", "post_re_treatments"]


def test_keys_exactly_as_spec(small_case):
    r = compute_report(small_case)
    assert list(r) == TOP_KEYS
    assert r["format"] == "y90gui-report/1"
    assert set(r["recist_3m"]) == {"CR", "PR", "SD", "PD", "NE", "not_assessed", "orr", "dcr"}
    assert set(r["os"]) == {"origin", "N", "events", "ci_method", "median_years", "ci95_years", "survival", "at_risk",
                          "spss_median"}
    assert set(r["pfs"]) == set(r["os"]) | {"event_definition"}
    assert r["pfs"]["event_definition"] == "RECIST 1.1 progression or death"
    assert set(r["os"]["spss_median"]) == {"median_years", "se_years", "ci95_years"}
    lm = r["os_landmark_3m"]
    assert set(lm) == {"landmark_days", "N", "excluded", "groups", "logrank"} and lm["landmark_days"] == 90
    assert set(lm["excluded"]) == {"not_alive_at_landmark", "not_evaluable"}
    assert set(lm["groups"]) == {"responders", "non_responders"}
    assert set(lm["groups"]["responders"]) == set(r["os"])
    assert set(lm["logrank"]) == {"chi2", "df", "p"} and lm["logrank"]["df"] == 1
    assert set(r["prrt_to_re_days"]) == {"median", "q1", "q3", "N"}
    assert set(r["lab_toxicity"]) == {"basis", "window_days", "tests"}
    t = r["lab_toxicity"]["tests"]["lymphocytes"]
    assert set(t) == {"grades", "not_gradable", "grade3_4"} and list(t["grades"]) == ["0", "1", "2", "3", "4"]
    assert set(r["os"]["survival"]) == {"1", "2", "3", "5"}
    json.dumps(r, allow_nan=False)


def test_figures_by_hand(small_case):
    r = compute_report(small_case)
    assert r["patients"] == 3 and r["procedures"] == 4
    assert r["whole_liver"] == {"n": 2, "N": 4, "pct": 50.0}
    assert r["prrt_to_re_days"] == {"median": 150, "q1": 125, "q3": 175, "N": 2}
    rc = r["recist_3m"]
    assert (rc["CR"], rc["PR"], rc["SD"], rc["PD"], rc["NE"], rc["not_assessed"]) == (0, 1, 1, 0, 0, 1)
    assert rc["orr"] == {"n": 1, "N": 2, "pct": 50.0} and rc["dcr"] == {"n": 2, "N": 2, "pct": 100.0}
    assert r["clinical_response_3m"] == {"n": 1, "N": 2, "pct": 50.0}
    assert r["clinical_toxicity_3m"] == {"basis": "procedures", "n": 2, "N": 4, "pct": 50.0}
    assert r["complications"] == {"basis": "procedures", "n": 1, "N": 4, "pct": 25.0}
    assert r["reild"] == {"any": {"n": 1, "N": 3, "pct": 33.3}, "fatal": {"n": 1, "N": 3, "pct": 33.3}}
    assert r["post_re_treatments"]["everolimus"] == {"n": 1, "N": 3, "pct": 33.3}
    assert r["post_re_treatments"]["surgery"] == {"n": 0, "N": 3, "pct": 0.0}
    assert r["lab_toxicity"]["tests"]["alt"]["grade3_4"] == {"n": 0, "N": 0, "pct": None}
    os_ = r["os"]
    assert (os_["N"], os_["events"], os_["origin"]) == (3, 1, "first_radioembolization")
    assert os_["survival"]["1"]["s"] == 1.0  # the death is on day 400
    assert os_["survival"]["2"]["s"] == pytest.approx(2 / 3)
    assert os_["survival"]["3"] == {"s": None, "ci95": [None, None]}  # after the last follow-up
    assert os_["at_risk"] == {"0": 3, "1": 3, "2": 2}
    # median not reached; the lower log-log band is below 0.5 from day 400 on
    assert os_["median_years"] is None and os_["ci95_years"] == [pytest.approx(400 / 365.25), None]


def test_patient_basis(small_case):
    r = compute_report(small_case, basis="patients")
    assert r["clinical_toxicity_3m"] == {"basis": "patients", "n": 1, "N": 3, "pct": 33.3}
    assert r["complications"] == {"basis": "patients", "n": 1, "N": 3, "pct": 33.3}
    assert r["lab_toxicity"]["basis"] == "patients"


def test_store_path_equals_case_data_path(small_case, tmp_path):
    with Store.create(tmp_path / "s.y90") as store:
        store.replace_patients(small_case, "test")
        for method in ("log-log", "log", "plain"):
            for basis in ("procedures", "patients"):
                assert report_for_store(store, ci_method=method, basis=basis) == compute_report(
                    small_case, ci_method=method, basis=basis)
        part = report_for_store(store, patient_ids=["P1"])
        assert part["patients"] == 1 and part["procedures"] == 2


def test_empty_case_series(tmp_path):
    with Store.create(tmp_path / "e.y90") as store:
        r = report_for_store(store)
    assert r["patients"] == 0 and r["whole_liver"]["pct"] is None and r["os"]["median_years"] is None
    assert r["recist_3m"]["orr"] == {"n": 0, "N": 0, "pct": None}
    json.dumps(r, allow_nan=False)


def test_bad_settings(small_case):
    with pytest.raises(ValueError, match="basis"):
        compute_report(small_case, basis="lesions")
    with pytest.raises(ValueError, match="CI method"):
        compute_report(small_case, ci_method="logit")


def test_pct_rounding():
    assert pct(1, 8) == 12.5 and pct(1, 3) == 33.3 and pct(2, 3) == 66.7 and pct(0, 0) is None
    assert pct(1, 16) == 6.3  # 6.25 -> half up on the exact decimal
    assert pct(7, 44) == 15.9 and pct(40, 44) == 90.9 and pct(32, 58) == 55.2


def test_store_opened_on_another_thread(small_case, tmp_path):
    import threading

    with Store.create(tmp_path / "t.y90") as store:
        store.replace_patients(small_case, "test")
        result = {}
        worker = threading.Thread(target=lambda: result.update(r=report_for_store(store)))
        worker.start()
        worker.join()
        assert result["r"] == compute_report(small_case)
