from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from y90gui.core.validate import CaseData
from y90gui.store.store import Store


def small_case(prefix: str = "P", n: int = 2, labs_per_patient: int = 3) -> CaseData:
    """A few valid patients with children in every patient sheet."""
    data: CaseData = {s: [] for s in ("patients", "prrt", "radioembolization", "response", "labs",
                                      "adverse_events", "treatments_after", "reference_ranges")}
    for i in range(n):
        pid = f"{prefix}{i:03d}"
        data["patients"].append({"patient_id": pid, "center": "Utrecht", "sex": "F", "birth_year": 1955,
                                 "functional_syndrome": True, "vital_status": "dead",
                                 "followup_date": dt.date(2019, 6, 1), "cause_of_death": "progression"})
        data["prrt"].append({"patient_id": pid, "cycle": 1, "date": dt.date(2016, 1, 5),
                             "radiopharmaceutical": "177Lu-DOTATATE", "activity_gbq": 7.4})
        data["radioembolization"].append({"patient_id": pid, "procedure": 1, "date": dt.date(2017, 1, 10),
                                          "extent": "whole_liver", "microspheres": "resin",
                                          "activity_administered_gbq": 1.7, "dosimetry_method": "bsa"})
        data["response"].append({"patient_id": pid, "date": dt.date(2017, 4, 10), "recist": "SD",
                                 "target_sum_mm": 80.0, "new_lesions": False})
        for k in range(labs_per_patient):
            data["labs"].append({"patient_id": pid, "date": dt.date(2017, 1, 10) + dt.timedelta(days=30 * k),
                                 "test": "lymphocytes", "value": 0.4 + k / 10, "unit": "10^9/L",
                                 "lln": 1.0, "uln": 4.0})
        data["adverse_events"].append({"patient_id": pid, "procedure": 1, "onset_date": dt.date(2017, 2, 1),
                                       "term": "fatigue", "category": "clinical", "grade": 2})
        data["treatments_after"].append({"patient_id": pid, "start_date": dt.date(2018, 1, 1),
                                         "treatment": "everolimus"})
    data["reference_ranges"].append({"center": "Utrecht", "test": "alt", "unit": "U/L", "lln": 0.0, "uln": 45.0})
    return data


@pytest.fixture
def store(tmp_path: Path):
    s = Store.create(tmp_path / "case.y90")
    yield s
    s.close()
