"""Make tests/data/libreoffice_realworld.xlsx: a workbook as a centre would send it, saved by LibreOffice.

Run from the repository root (needs LibreOffice: apt-get install -y libreoffice-calc):

    .venv/bin/python tests/data/make_libreoffice_workbook.py

It writes a source workbook with openpyxl (formulas without cached values, text where numbers
and dates belong, messy spacing and case), then lets LibreOffice Calc open, recalculate and
save it: `soffice --headless --convert-to xlsx --outdir <tmp> source.xlsx`. The produced file
is what the test reads; it is committed so the test needs no LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
OUT = HERE / "libreoffice_realworld.xlsx"


def build_source(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Patients "  # trailing space and capital in the sheet name
    ws.append(["Patient_ID", "Center", "Sex", "birth_year", "primary_site", "WHO_grade", "ki67_pct",
               "diagnosis_date", "functional_syndrome", "extrahepatic_disease", "hepatic_tumour_burden_pct",
               "vital_status", "followup_date", "cause_of_death", "notes", "hospital_no"])
    ws.append([" LO-001 ", "Bern ", "f", "1950", "Small_Bowel", "g2", "2,5", "2014-03-09", "Yes", "n", 30,
               "Dead", dt.date(2019, 5, 2), "progression", "=not a formula, text", "H123"])
    ws["O2"].data_type = "s"  # text that starts with "=": a text cell, not a formula
    ws.append([])  # empty rows in the middle
    ws.append([])
    ws.append(["LO-002", "Bern", "M", 1961, "pancreas", "G1", 12.5, dt.date(2015, 1, 20), "no", "YES", "45",
               "alive", "2020-02-29", None, None, "H456"])
    ws["N5"].value = None
    ws = wb.create_sheet("prrt")
    ws.append(["patient_id", "cycle", "date", "radiopharmaceutical", "activity_gbq"])
    ws.append(["LO-001 ", 1, dt.date(2015, 6, 1), "177lu-dotatate", "7,4"])
    ws.append(["LO-001", "2", "2015-08-03", "177Lu-DOTATATE", 7.4])
    ws.append(["LO-002", 1, dt.date(2016, 2, 1), "90y-dotatoc", 3])
    ws = wb.create_sheet("radioembolization")
    ws.append(["patient_id", "procedure", "date", "extent", "microspheres", "activity_planned_gbq",
               "activity_administered_gbq", "dosimetry_method", "lung_shunt_pct", "notes"])
    ws.append(["LO-001", 1, dt.date(2016, 3, 10), "Whole_Liver", "RESIN", "1,9", "=2-0.2", "BSA", "4,2", None])
    ws.append(["LO-002", 1, "2016-09-15", "right_lobe", "glass", None, 2.1, "partition", None, "first RE"])
    ws = wb.create_sheet("response")
    ws.append(["patient_id", "date", "recist", "target_sum_mm", "new_lesions", "non_target", "clinical_response"])
    ws.append(["LO-001", dt.date(2016, 3, 1), None, "85", "no", "non-cr/non-pd", "NA"])
    ws.append(["LO-001", dt.date(2016, 6, 9), "sd", "=80+2", "No", "NON-CR/NON-PD", "yes"])
    ws = wb.create_sheet("labs")
    ws.append(["patient_id", "date", "test", "value", "unit", "uln", "lln", "comment"])
    ws.append(["LO-001", dt.date(2016, 3, 9), "ALT", "=20+15", "u/l", "=40", None, "baseline"])
    ws.append(["LO-001", "2016-04-09", "Bilirubin", "12,3", "µmol/L", None, None, None])
    ws.append([None, None, None, None, None, None, None, None])
    ws.append(["LO-001", dt.datetime(2016, 5, 9, 8, 30), "platelets", "150", "10^9/l", 400, 150, None])
    ws = wb.create_sheet("adverse_events")
    ws.append(["patient_id", "procedure", "onset_date", "term", "category", "grade", "notes"])
    ws.append(["LO-001", 1, "2016-03-20", "fatigue ", "Clinical", "2", None])
    ws = wb.create_sheet("treatments_after")
    ws.append(["patient_id", "start_date", "treatment", "notes"])
    ws.append(["LO-002", dt.date(2017, 1, 1), "Everolimus", None])
    ws = wb.create_sheet("reference_ranges")
    ws.append(["center", "test", "unit", "lln", "uln"])
    ws.append(["Bern", "bilirubin", "umol/L", None, "21"])
    wb.create_sheet("Notes for the study team")["A1"] = "call Dr. X about LO-002"
    wb.save(path)


def main() -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice is not installed (apt-get install -y libreoffice-calc)")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "source.xlsx"
        build_source(src)
        outdir = Path(tmp) / "out"
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "xlsx",
                        "--outdir", str(outdir), str(src)], check=True, timeout=300)
        shutil.copyfile(outdir / "source.xlsx", OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
