"""A small, valid, deterministic cohort for the io tests (independent of the demo package)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from y90gui.core import codes
from y90gui.core.validate import CaseData


def make_cohort(n: int, seed: int = 0, labs_per_patient: int = 8) -> CaseData:
    rng = random.Random(seed)
    d0 = dt.date(2010, 1, 1)
    data: CaseData = {k: [] for k in ("patients", "prrt", "radioembolization", "response", "labs",
                                      "adverse_events", "treatments_after", "reference_ranges")}
    for center in ("Bern", "Zürich"):
        data["reference_ranges"].append({"center": center, "test": "alt", "unit": "U/L", "lln": None, "uln": 40.0})
        data["reference_ranges"].append({"center": center, "test": "bilirubin", "unit": "umol/L", "lln": 3.4,
                                         "uln": 21.0})
    for i in range(n):
        pid = f"P{i:05d}"
        center = "Bern" if i % 3 else "Zürich"
        re1 = d0 + dt.timedelta(days=rng.randint(0, 2500))
        dead = rng.random() < 0.5
        fu = re1 + dt.timedelta(days=rng.randint(60, 1500))
        patient: dict[str, Any] = {
            "patient_id": pid, "center": center, "sex": rng.choice(codes.SEX), "birth_year": rng.randint(1930, 1980),
            "primary_site": rng.choice(codes.PRIMARY_SITE), "who_grade": rng.choice((*codes.WHO_GRADE, None)),
            "ki67_pct": rng.choice((None, round(rng.uniform(0, 30), 1))),
            "diagnosis_date": re1 - dt.timedelta(days=rng.randint(400, 2000)),
            "functional_syndrome": rng.choice((True, False, None)), "extrahepatic_disease": rng.random() < 0.3,
            "hepatic_tumour_burden_pct": float(rng.randint(5, 80)),
            "vital_status": "dead" if dead else "alive", "followup_date": fu,
            "cause_of_death": "tumour progression" if dead and rng.random() < 0.5 else None,
            "notes": rng.choice((None, "=SUM(A1:A2)", "+41 79 000 00 00", "-", "@home", "line 1\nline 2", "Zoë ö")),
        }
        data["patients"].append(patient)
        for c in range(1, rng.randint(2, 5)):
            data["prrt"].append({"patient_id": pid, "cycle": c, "date": re1 - dt.timedelta(days=400 - 60 * c),
                                 "radiopharmaceutical": rng.choice(codes.RADIOPHARMACEUTICAL[:2]),
                                 "activity_gbq": round(rng.uniform(3, 8), 2)})
        n_re = rng.randint(1, 2)
        for p in range(1, n_re + 1):
            data["radioembolization"].append({
                "patient_id": pid, "procedure": p, "date": re1 + dt.timedelta(days=(p - 1) * 20),
                "extent": rng.choice(codes.EXTENT), "microspheres": rng.choice(codes.MICROSPHERES),
                "activity_planned_gbq": 1.8, "activity_administered_gbq": round(rng.uniform(0.5, 2.5), 3),
                "dosimetry_method": rng.choice(codes.DOSIMETRY_METHOD), "lung_shunt_pct": round(rng.uniform(1, 15), 1),
                "notes": None})
        for day in (-5, 90):
            data["response"].append({
                "patient_id": pid, "date": re1 + dt.timedelta(days=day), "recist": None if day < 0 else "SD",
                "target_sum_mm": float(rng.randint(20, 150)), "new_lesions": False,
                "non_target": "non-CR/non-PD", "clinical_response": rng.choice(codes.CLINICAL_RESPONSE)})
        for k in range(labs_per_patient):
            test = codes.LAB_TEST[k % len(codes.LAB_TEST)]
            unit = codes.UNITS_BY_TEST[test][0]
            data["labs"].append({
                "patient_id": pid, "date": min(re1 + dt.timedelta(days=-10 + 7 * k), fu),
                "test": test, "value": round(rng.uniform(0.1, 120), rng.choice((0, 1, 2))), "unit": unit,
                "uln": rng.choice((None, 40.0)) if test != "albumin" else None,
                "lln": 35.0 if test == "albumin" else None})
        if rng.random() < 0.4:
            data["adverse_events"].append({
                "patient_id": pid, "procedure": 1, "onset_date": re1 + dt.timedelta(days=3), "term": "fatigue",
                "category": "clinical", "grade": rng.randint(1, 3), "notes": None})
        if rng.random() < 0.5:
            data["treatments_after"].append({"patient_id": pid, "start_date": re1 + dt.timedelta(days=100),
                                             "treatment": rng.choice(codes.TREATMENT), "notes": None})
    return data


def write_with_xlsxwriter(path: Any, data: CaseData, *, dates_as_text: bool = False,
                          options: dict[str, Any] | None = None, per_sheet: Any = None, per_book: Any = None) -> None:
    """`data` as a workbook written by xlsxwriter (neither openpyxl nor our writer): a header row
    per sheet, yes/no for booleans, dates as date cells (or ISO text), `per_sheet(ws, sheet)`
    for a test's extras (a formula, an error cell), `per_book(wb)` first (cell formats).
    The caller skips when xlsxwriter is missing."""
    import xlsxwriter

    from y90gui.core.sheets import SHEETS

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "default_date_format": "yyyy-mm-dd",
                                         **(options or {})})
    if per_book is not None:
        per_book(wb)
    for sheet in SHEETS:
        ws = wb.add_worksheet(sheet.name)
        ws.write_row(0, 0, list(sheet.column_names))
        for i, r in enumerate(data[sheet.name], 1):
            for j, n in enumerate(sheet.column_names):
                v = r.get(n)
                if isinstance(v, bool):
                    ws.write_string(i, j, "yes" if v else "no")
                elif dates_as_text and isinstance(v, dt.date):
                    ws.write_string(i, j, v.isoformat())
                elif v is not None:
                    ws.write(i, j, v)
        if per_sheet is not None:
            per_sheet(ws, sheet)
    wb.close()

