"""A small, deterministic case series for the GUI tests (independent of the demo helper).

Twelve patients from two centres with every sheet filled, including the cases the panels must
draw correctly: a patient without labs, one with two procedures, deaths and censored patients,
a grade-3 lab value and a grade-5 adverse event.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from y90gui.core.validate import CaseData

D = dt.date


def build_small_cohort(n: int = 12, seed: int = 7) -> CaseData:
    rng = random.Random(seed)
    data: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "patients", "prrt", "radioembolization", "response", "labs", "adverse_events", "treatments_after",
        "reference_ranges")}
    sites = ["pancreas", "small_bowel", "lung", "unknown"]
    for i in range(n):
        pid = f"T{i + 1:03d}"
        centre = "Utrecht" if i % 3 else "Bonn"
        first_re = D(2015, 1, 10) + dt.timedelta(days=37 * i)
        dead = i % 4 == 1
        follow = first_re + dt.timedelta(days=200 + 97 * i)
        data["patients"].append({
            "patient_id": pid, "center": centre, "sex": "F" if i % 2 else "M", "birth_year": 1950 + i,
            "primary_site": sites[i % 4], "who_grade": ("G1", "G2")[i % 2], "ki67_pct": 2.0 + i,
            "diagnosis_date": first_re - dt.timedelta(days=900), "functional_syndrome": i % 3 == 0,
            "extrahepatic_disease": i % 5 == 0, "hepatic_tumour_burden_pct": 10.0 + i,
            "vital_status": "dead" if dead else "alive", "followup_date": follow,
            "cause_of_death": "progression" if dead else None,
            "notes": "carcinoid crisis after RE" if i == 3 else None,
        })
        cycles = 2 + i % 3
        for c in range(cycles):
            data["prrt"].append({"patient_id": pid, "cycle": c + 1,
                                 "date": first_re - dt.timedelta(days=400 - 60 * c),
                                 "radiopharmaceutical": "177Lu-DOTATATE", "activity_gbq": 7.4})
        n_re = 2 if i % 4 == 2 else 1
        for p in range(n_re):
            data["radioembolization"].append({
                "patient_id": pid, "procedure": p + 1, "date": first_re + dt.timedelta(days=45 * p),
                "extent": "whole_liver" if (i + p) % 2 == 0 else "right_lobe", "microspheres": "resin",
                "activity_planned_gbq": 1.5, "activity_administered_gbq": 1.4, "dosimetry_method": "bsa",
                "lung_shunt_pct": 5.0, "notes": None})
        data["response"].append({"patient_id": pid, "date": first_re - dt.timedelta(days=10), "recist": None,
                                 "target_sum_mm": 100.0, "new_lesions": False, "non_target": "non-CR/non-PD",
                                 "clinical_response": None})
        recist = ["PR", "SD", "SD", "PD"][i % 4]
        data["response"].append({"patient_id": pid, "date": first_re + dt.timedelta(days=92), "recist": recist,
                                 "target_sum_mm": {"PR": 60.0, "SD": 95.0, "PD": 130.0}[recist],
                                 "new_lesions": recist == "PD", "non_target": "non-CR/non-PD",
                                 "clinical_response": ("yes" if i % 2 else "no") if i % 3 == 0 else "na"})
        if i != 5:  # one patient without labs
            for day, factor in ((-5, 1.0), (30, 1.0 + rng.random() * 3), (60, 1.2)):
                date = first_re + dt.timedelta(days=day)
                data["labs"].append({"patient_id": pid, "date": date, "test": "alt", "value": round(30 * factor, 1),
                                     "unit": "U/L", "uln": 40.0, "lln": None})
                lympho = 1.2 if day < 0 else (0.3 if i % 3 == 0 else 0.9)
                data["labs"].append({"patient_id": pid, "date": date, "test": "lymphocytes", "value": lympho,
                                     "unit": "10^9/L", "uln": 4.0, "lln": 1.0})
                data["labs"].append({"patient_id": pid, "date": date, "test": "bilirubin",
                                     "value": 12.0 if i != 9 or day < 0 else 70.0, "unit": "umol/L",
                                     "uln": 17.0, "lln": None})
        if i % 2 == 0:
            data["adverse_events"].append({"patient_id": pid, "procedure": 1,
                                           "onset_date": first_re + dt.timedelta(days=3), "term": "fatigue",
                                           "category": "clinical", "grade": 1 + i % 3, "notes": None})
        if i == 9:
            data["adverse_events"].append({"patient_id": pid, "procedure": 1,
                                           "onset_date": first_re + dt.timedelta(days=60), "term": "REILD",
                                           "category": "complication", "grade": 5, "notes": "fatal"})
        if i % 3 == 1:
            data["treatments_after"].append({"patient_id": pid, "start_date": first_re + dt.timedelta(days=150),
                                             "treatment": "everolimus", "notes": None})
    return data
