"""Lab toxicity per procedure and per patient: windows, baseline, reference ranges, not gradable."""

from __future__ import annotations

from tests.analysis.conftest import day, empty, patient
from y90gui.analysis.frames import from_case_data
from y90gui.analysis.toxicity import graded_labs, lab_windows, summary_by_test, worst_after_procedures


def lab(pid, d, test, value, unit, uln=None, lln=None):
    return {"patient_id": pid, "date": day(d), "test": test, "value": value, "unit": unit, "uln": uln, "lln": lln}


def case():
    d = empty()
    d["patients"] = [patient("P1", center="A"), patient("P2", center="B")]
    d["radioembolization"] = [
        {"patient_id": "P1", "procedure": 1, "date": day(0), "extent": "whole_liver"},
        {"patient_id": "P1", "procedure": 2, "date": day(200), "extent": "right_lobe"},
        {"patient_id": "P2", "procedure": 1, "date": day(0), "extent": "whole_liver"},
    ]
    d["reference_ranges"] = [
        {"center": "A", "test": "alt", "unit": "U/L", "lln": None, "uln": 40.0},
        {"center": "B", "test": "bilirubin", "unit": "mg/dL", "lln": None, "uln": 1.2},  # P2 reports umol/L
    ]
    d["labs"] = [
        lab("P1", -31, "alt", 500.0, "U/L"),  # before the baseline window: ignored
        lab("P1", -30, "alt", 50.0, "U/L"),  # baseline candidate
        lab("P1", 0, "alt", 60.0, "U/L"),  # baseline of procedure 1 (last in -30..0): 1.5 x ULN -> G1
        lab("P1", 1, "alt", 130.0, "U/L"),  # 3.25 x 40 -> G2
        lab("P1", 90, "alt", 210.0, "U/L"),  # 5.25 x -> G3
        lab("P1", 91, "alt", 900.0, "U/L"),  # outside the window
        lab("P1", 201, "alt", 30.0, "U/L"),  # procedure 2: G0
        lab("P1", 210, "lymphocytes", 0.9, "10^9/L"),  # no LLN anywhere: not gradable
        lab("P1", 5, "creatinine", 70.0, "umol/L", uln=100.0),  # 70 > 0.7 mg/dL = 61.88 umol/L: G1 by baseline
        lab("P1", -2, "creatinine", 0.7, "mg/dL", uln=1.1),
        lab("P2", 10, "bilirubin", 30.0, "umol/L"),  # centre range is mg/dL: not used -> not gradable
        lab("P2", 20, "bilirubin", 40.0, "umol/L", uln=21.0),  # 1.9 x -> G2
        lab("P2", 30, "lymphocytes", 0.3, "10^9/L"),  # below 0.5: G3 without LLN
    ]
    return d


def test_per_procedure_worst_and_baseline():
    rows = {(r["patient_id"], r["procedure"], r["test"]): r for r in worst_after_procedures(case())}
    alt1 = rows[("P1", 1, "alt")]
    assert alt1["baseline_grade"] == 1 and alt1["n_values"] == 2 and alt1["worst_grade"] == 3
    assert alt1["worsened"] is True
    alt2 = rows[("P1", 2, "alt")]
    assert alt2["worst_grade"] == 0 and alt2["baseline_grade"] is None and alt2["worsened"] is None
    ly = rows[("P1", 2, "lymphocytes")]
    assert ly["n_values"] == 1 and ly["worst_grade"] is None and ly["not_gradable"] is True
    assert rows[("P1", 1, "creatinine")]["worst_grade"] == 1  # baseline 0.7 mg/dL converted to umol/L
    assert rows[("P2", 1, "bilirubin")]["worst_grade"] == 2  # one gradable value among two
    assert rows[("P2", 1, "lymphocytes")]["worst_grade"] == 3


def test_summary_counts_not_gradable_and_denominators():
    w = lab_windows(from_case_data(case()))
    by_proc = summary_by_test(w, "procedures", 3, 2)
    assert by_proc["alt"]["grades"] == {"0": 1, "1": 0, "2": 0, "3": 1, "4": 0}
    assert by_proc["alt"]["grade3_4"] == {"n": 1, "N": 2, "pct": 50.0}
    assert by_proc["lymphocytes"]["not_gradable"] == 1
    assert by_proc["lymphocytes"]["grade3_4"] == {"n": 1, "N": 2, "pct": 50.0}
    assert by_proc["platelets"]["grade3_4"] == {"n": 0, "N": 0, "pct": None}
    by_pat = summary_by_test(w, "patients", 3, 2)
    assert by_pat["alt"]["grades"]["3"] == 1 and by_pat["alt"]["grade3_4"]["N"] == 1
    # P1's lymphocytes: one value, not gradable -> the patient is not gradable
    assert by_pat["lymphocytes"]["not_gradable"] == 1 and by_pat["lymphocytes"]["grades"]["3"] == 1


def test_graded_labs_rows():
    rows = graded_labs(case())
    by_value = {(r["test"], r["value"]): r for r in rows}
    assert by_value[("alt", 500.0)]["procedure"] is None
    assert by_value[("alt", 60.0)]["baseline"] is True and by_value[("alt", 60.0)]["procedure"] == 1
    assert by_value[("alt", 50.0)]["baseline"] is False
    assert by_value[("alt", 130.0)]["grade"] == 2 and by_value[("alt", 130.0)]["procedure"] == 1
    assert by_value[("alt", 30.0)]["procedure"] == 2
    assert by_value[("lymphocytes", 0.9)]["grade"] is None
    assert by_value[("alt", 900.0)]["grade"] == 4  # graded, but in no window
    assert len(rows) == len(case()["labs"])


def test_per_patient_rows_and_worsened():
    from y90gui.analysis.toxicity import worsened_by_test, worst_per_patient

    rows = {(r["patient_id"], r["test"]): r for r in worst_per_patient(case())}
    alt = rows[("P1", "alt")]
    assert alt["baseline_grade"] == 1 and alt["worst_grade"] == 3 and alt["n_values"] == 3 and alt["worsened"]
    assert rows[("P2", "lymphocytes")]["baseline_grade"] is None
    per_proc = worst_after_procedures(case())
    worse = worsened_by_test(per_proc)
    assert worse["alt"] == {"n": 1, "N": 1, "pct": 100.0}  # only procedure 1 has a graded baseline
    assert worse["platelets"] == {"n": 0, "N": 0, "pct": None}
