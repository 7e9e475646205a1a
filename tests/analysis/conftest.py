"""Small hand-made case series for the analysis tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

D0 = dt.date(2018, 1, 15)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def patient(pid: str, **kw: Any) -> dict[str, Any]:
    row = {"patient_id": pid, "center": "A", "vital_status": "alive", "followup_date": day(800)}
    row.update(kw)
    return row


def empty() -> dict[str, list[dict[str, Any]]]:
    return {s: [] for s in ("patients", "prrt", "radioembolization", "response", "labs", "adverse_events",
                            "treatments_after", "reference_ranges")}


@pytest.fixture
def small_case() -> dict[str, list[dict[str, Any]]]:
    """Three treated patients, one untreated; every count below is derived by hand in the tests."""
    d = empty()
    d["patients"] = [
        patient("P1", functional_syndrome=True, vital_status="dead", followup_date=day(400)),
        patient("P2", functional_syndrome=True, center="B"),
        patient("P3", functional_syndrome=False),
        patient("P4"),  # no radioembolization: not in the report
    ]
    d["prrt"] = [
        {"patient_id": "P1", "cycle": 1, "date": day(-300), "radiopharmaceutical": "177Lu-DOTATATE",
         "activity_gbq": 7.4},
        {"patient_id": "P1", "cycle": 2, "date": day(-200), "radiopharmaceutical": "177Lu-DOTATATE",
         "activity_gbq": 7.4},
        {"patient_id": "P2", "cycle": 1, "date": day(-100), "radiopharmaceutical": "90Y-DOTATOC", "activity_gbq": 3.0},
        {"patient_id": "P2", "cycle": 2, "date": day(10), "radiopharmaceutical": "90Y-DOTATOC", "activity_gbq": 3.0},
    ]
    d["radioembolization"] = [
        {"patient_id": "P1", "procedure": 1, "date": day(0), "extent": "whole_liver"},
        {"patient_id": "P1", "procedure": 2, "date": day(60), "extent": "right_lobe"},
        {"patient_id": "P2", "procedure": 1, "date": day(0), "extent": "whole_liver"},
        {"patient_id": "P3", "procedure": 1, "date": day(0), "extent": "segmental"},
    ]
    d["response"] = [
        {"patient_id": "P1", "date": day(-5), "target_sum_mm": 100.0},
        {"patient_id": "P1", "date": day(88), "target_sum_mm": 70.0, "clinical_response": "yes"},  # derived PR
        {"patient_id": "P2", "date": day(95), "recist": "SD", "clinical_response": "no"},
        {"patient_id": "P3", "date": day(140), "recist": "PD"},  # outside 45..135: not assessed
    ]
    d["adverse_events"] = [
        # no procedure named: belongs to P1's procedure 2 (latest on or before onset), day 10 after it
        {"patient_id": "P1", "onset_date": day(70), "term": "fatigue", "category": "clinical", "grade": 1},
        {"patient_id": "P1", "procedure": 1, "onset_date": day(5), "term": "nausea", "category": "clinical",
         "grade": 2},
        # 91 days after: outside the clinical window
        {"patient_id": "P2", "procedure": 1, "onset_date": day(91), "term": "pain", "category": "clinical", "grade": 1},
        {"patient_id": "P2", "procedure": 1, "onset_date": day(200), "term": "REILD", "category": "complication",
         "grade": 5},
    ]
    d["treatments_after"] = [
        {"patient_id": "P1", "start_date": day(120), "treatment": "everolimus"},
        {"patient_id": "P2", "start_date": day(-30), "treatment": "everolimus"},  # before the first RE
        {"patient_id": "P4", "start_date": day(30), "treatment": "everolimus"},  # untreated patient
    ]
    return d
