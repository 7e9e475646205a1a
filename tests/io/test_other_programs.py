"""Workbooks that openpyxl did not write: LibreOffice Calc (committed file) and xlsxwriter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.io.cohort_fixture import write_with_xlsxwriter
from tests.io.conftest import canonical
from y90gui.io.importer import apply_import, prepare_import
from y90gui.store.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"


def test_libreoffice_workbook(tmp_path: Path) -> None:
    with Store.create(tmp_path / "c.y90") as store:
        plan = prepare_import(DATA / "libreoffice_realworld.xlsx", store)
        assert plan.errors == []
        assert {(w.sheet, w.column) for w in plan.warnings} == {
            ("Notes for the study team", None), ("patients", "hospital_no"), ("labs", "comment")}
        assert plan.new == ["LO-001", "LO-002"]
        apply_import(store, plan)
        data = store.read_case_data()
    p1, p2 = data["patients"]
    assert p1["patient_id"] == "LO-001" and p1["center"] == "Bern"  # trailing spaces trimmed
    assert p1["sex"] == "F" and p1["primary_site"] == "small_bowel" and p1["who_grade"] == "G2"
    assert p1["birth_year"] == 1950 and p1["ki67_pct"] == 2.5  # number as text, comma decimal
    assert p1["diagnosis_date"] == dt.date(2014, 3, 9)  # ISO text date
    assert p1["functional_syndrome"] is True and p1["extrahepatic_disease"] is False
    assert p1["vital_status"] == "dead" and p1["followup_date"] == dt.date(2019, 5, 2)
    assert p1["notes"] == "=not a formula, text"
    assert p2["followup_date"] == dt.date(2020, 2, 29) and p2["hepatic_tumour_burden_pct"] == 45.0
    assert [(r["cycle"], r["date"], r["radiopharmaceutical"], r["activity_gbq"]) for r in data["prrt"]] == [
        (1, dt.date(2015, 6, 1), "177Lu-DOTATATE", 7.4), (2, dt.date(2015, 8, 3), "177Lu-DOTATATE", 7.4),
        (1, dt.date(2016, 2, 1), "90Y-DOTATOC", 3.0)]
    re1 = data["radioembolization"][0]
    assert re1["extent"] == "whole_liver" and re1["microspheres"] == "resin" and re1["dosimetry_method"] == "bsa"
    assert re1["activity_planned_gbq"] == 1.9 and re1["activity_administered_gbq"] == pytest.approx(1.8)
    assert data["response"][1]["target_sum_mm"] == 82.0 and data["response"][1]["recist"] == "SD"  # formula
    assert data["response"][0]["non_target"] == "non-CR/non-PD" and data["response"][0]["clinical_response"] == "na"
    labs = data["labs"]
    assert [(r["test"], r["value"], r["unit"], r["uln"]) for r in labs] == [
        ("alt", 35.0, "U/L", 40.0), ("bilirubin", 12.3, "umol/L", None), ("platelets", 150.0, "10^9/L", 400.0)]
    assert labs[2]["date"] == dt.date(2016, 5, 9)  # date-time keeps the date
    assert data["adverse_events"][0]["term"] == "fatigue" and data["adverse_events"][0]["grade"] == 2
    assert data["reference_ranges"] == [{"center": "Bern", "test": "bilirubin", "unit": "umol/L", "lln": None,
                                         "uln": 21.0}]


def test_xlsxwriter_workbook(tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    from tests.io.cohort_fixture import make_cohort
    from y90gui.core.sheets import SHEETS

    data = make_cohort(5, seed=11)
    path = tmp_path / "xw.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "default_date_format": "dd.mm.yyyy"})
    for sheet in SHEETS:
        ws = wb.add_worksheet(sheet.name.upper() if sheet.name == "labs" else sheet.name)
        names = list(sheet.column_names)[::-1]  # column order does not matter
        ws.write_row(0, 0, [n.title() for n in names])
        row = 2  # an empty row after the header
        for r in data[sheet.name]:
            values = []
            for n in names:
                v = r.get(n)
                values.append(("YES" if v else "No") if isinstance(v, bool) else v)
            for j, v in enumerate(values):
                if v is not None:
                    ws.write(row, j, v)
            row += 1
        if sheet.name == "patients":
            ws.write_formula(row + 3, 0, "=1+1", None, 2)  # a lone formula with cached value in an unused row
    wb.close()
    with Store.create(tmp_path / "c.y90") as store:
        plan = prepare_import(path, store)
        # title-cased headers in reverse order and an empty row are fine; the lone formula row
        # (cached value 2 in the first column, notes) lacks the required values: reported at its Excel row
        lone = len(data["patients"]) + 6
        assert {(e.sheet, e.row) for e in plan.errors} == {("patients", lone)}
        assert {e.column for e in plan.errors} == {"patient_id", "center", "vital_status", "followup_date"}
        assert all(e.message == "required value is missing" for e in plan.errors)
    # without that row everything imports exactly
    write_with_xlsxwriter(path, data)
    with Store.create(tmp_path / "d.y90") as store:
        plan = prepare_import(path, store)
        assert plan.errors == []
        apply_import(store, plan)
        assert canonical(store.read_case_data()) == canonical(data)


@pytest.mark.slow
def test_export_resaved_by_libreoffice_imports_unchanged(tmp_path: Path) -> None:
    """Our workbook opened and saved by LibreOffice Calc still holds exactly the same data."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    from tests.io.cohort_fixture import make_cohort
    from y90gui.io.exporter import write_workbook

    data = make_cohort(20, seed=12)
    write_workbook(data, tmp_path / "ours.xlsx")
    out = tmp_path / "lo"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xlsx",
                    "--outdir", str(out), str(tmp_path / "ours.xlsx")], check=True, timeout=300,
                   capture_output=True)
    with Store.create(tmp_path / "c.y90") as store:
        plan = prepare_import(out / "ours.xlsx", store)
        assert plan.errors == [] and plan.warnings == []
        apply_import(store, plan)
        assert canonical(store.read_case_data()) == canonical(data)


def test_1904_date_system(tmp_path: Path) -> None:
    """Workbooks from old Mac Excel count days from 1904; the dates must come out the same."""
    pytest.importorskip("xlsxwriter")
    from tests.io.cohort_fixture import make_cohort

    data = make_cohort(3, seed=21)
    path = tmp_path / "mac.xlsx"
    write_with_xlsxwriter(path, data, options={"date_1904": True})
    with Store.create(tmp_path / "c.y90") as store:
        plan = prepare_import(path, store)
        assert plan.errors == []
        apply_import(store, plan)
        assert canonical(store.read_case_data()) == canonical(data)
