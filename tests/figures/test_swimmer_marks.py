"""The swimmer plot marks each patient's FIRST progression, whichever assessment it is at.

Hand-built patients (no demo, no fixture generator): A progresses by its sums only at day 200
(baseline 100 mm, 90 mm at 3 months = SD, 130 mm at day 200 = +44 % over the nadir, no recorded
response); B is recorded PD at 3 months and again later (only the first is marked); C never
progresses; D's recorded PD is before the first RE (not a progression after it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from y90gui.analysis.frames import from_case_data
from y90gui.analysis.survival import DAYS_PER_YEAR
from y90gui.figures.swimmer import swimmer_descriptions

D0 = dt.date(2020, 1, 1)


def _day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def _patient(pid: str, follow: int) -> dict[str, Any]:
    return {"patient_id": pid, "center": "X", "sex": "F", "birth_year": 1960, "primary_site": "pancreas",
            "who_grade": "G2", "ki67_pct": 5.0, "diagnosis_date": _day(-500), "functional_syndrome": False,
            "extrahepatic_disease": False, "hepatic_tumour_burden_pct": 20.0, "vital_status": "alive",
            "followup_date": _day(follow), "cause_of_death": None, "notes": None}


def _re(pid: str) -> dict[str, Any]:
    return {"patient_id": pid, "procedure": 1, "date": D0, "extent": "whole_liver", "microspheres": "resin",
            "activity_planned_gbq": 1.5, "activity_administered_gbq": 1.4, "dosimetry_method": "bsa",
            "lung_shunt_pct": 5.0, "notes": None}


def _resp(pid: str, day: int, total: float | None, recist: str | None = None) -> dict[str, Any]:
    return {"patient_id": pid, "date": _day(day), "recist": recist, "target_sum_mm": total,
            "new_lesions": False, "non_target": "non-CR/non-PD", "clinical_response": None}


def _data() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "patients", "prrt", "radioembolization", "response", "labs", "adverse_events", "treatments_after",
        "reference_ranges")}
    for pid, follow in (("A", 400), ("B", 500), ("C", 300), ("D", 350)):
        data["patients"].append(_patient(pid, follow))
        data["radioembolization"].append(_re(pid))
        data["response"].append(_resp(pid, -10, 100.0))
    data["response"] += [_resp("A", 90, 90.0), _resp("A", 200, 130.0), _resp("A", 300, 150.0),
                         _resp("B", 91, 140.0, "PD"), _resp("B", 250, 160.0, "PD"),
                         _resp("C", 90, 95.0), _resp("C", 200, 96.0),
                         _resp("D", -5, 100.0, "PD"), _resp("D", 90, 100.0, "SD")]
    return data


def test_first_pd_is_marked_at_a_later_assessment_derived_from_the_sums() -> None:
    desc = swimmer_descriptions(from_case_data(_data()))[0]
    row = dict(zip(desc.y.tick_labels, desc.y.ticks, strict=True))
    pd = next(m for m in desc.markers if m.key == "pd")
    marks = sorted(zip(pd.y, pd.x))
    assert marks == sorted([(row["A"], pytest.approx(200 / DAYS_PER_YEAR)),
                            (row["B"], pytest.approx(91 / DAYS_PER_YEAR))])
