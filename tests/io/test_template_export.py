"""Template, typed and safe export, atomic writes, de-identification."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.io.cohort_fixture import make_cohort
from tests.io.conftest import canonical, workbook_cells
from y90gui import WORKBOOK_FORMAT_VERSION, __version__
from y90gui.core.progress import Cancelled, Progress
from y90gui.core.sheets import SHEETS
from y90gui.io.exporter import export_store, write_workbook
from y90gui.io.importer import apply_import, prepare_import
from y90gui.io.template import write_template
from y90gui.store.store import Store


def test_template(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["README", *[s.name for s in SHEETS], "_meta"]
    for sheet in SHEETS:
        ws = wb[sheet.name]
        assert [c.value for c in ws[1]] == list(sheet.column_names)
        assert ws.max_row == 1 and ws.freeze_panes == "A2"
        lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
        for i, c in enumerate(sheet.columns):
            letter = openpyxl.utils.get_column_letter(i + 1)
            assert ws.column_dimensions[letter].width >= len(c.name)
            if c.type == "code":
                assert lists[f"{letter}2"] == '"' + ",".join(c.codes) + '"'
            elif c.type == "yesno":
                assert lists[f"{letter}2"] == '"yes,no"'
            else:
                assert f"{letter}2" not in lists
            if c.type == "date":
                assert ws.column_dimensions[letter].number_format == "yyyy\\-mm\\-dd"
    readme = [[c.value for c in row] for row in wb["README"].iter_rows()]
    described = {(r[0], r[1]) for r in readme}
    assert {(s.name, c.name) for s in SHEETS for c in s.columns} <= described
    assert len([r for r in readme[1:] if r[1]]) == sum(len(s.columns) for s in SHEETS)
    row = next(r for r in readme if r[:2] == ["labs", "unit"])
    assert row[2] == "code" and row[3] == "yes" and "umol/L" in row[4] and "bilirubin" in row[7]
    meta = dict(r for r in wb["_meta"].iter_rows(values_only=True))
    assert meta["format_version"] == WORKBOOK_FORMAT_VERSION and meta["app_version"] == __version__
    # the empty template imports cleanly (nothing to do)
    with Store.create(tmp_path / "c.y90") as store:
        plan = prepare_import(path, store)
        assert plan.ok and not plan.has_changes


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    data = make_cohort(2)
    nasty = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://x\")"]
    for p, text in zip(data["patients"] * 3, nasty, strict=False):
        p["notes"] = text
    data["patients"][1]["cause_of_death"] = None
    data["radioembolization"][0]["notes"] = "=1+1"
    path = write_workbook(data, tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.endswith(".xml"))


def test_meta_and_selected_patients(tmp_path: Path) -> None:
    data = make_cohort(6, seed=2)
    with Store.create(tmp_path / "case.y90") as store:
        store.replace_patients(data)
        ids = store.patient_ids()[:2]
        path = export_store(store, tmp_path / "two.xlsx", patient_ids=ids)
    cells = workbook_cells(path, skip=())
    assert [r[0] for r in cells["patients"][1:]] == ids
    assert {r[0] for r in cells["labs"][1:]} == set(ids)
    meta = dict(cells["_meta"][1:])
    assert meta["source"] == "case.y90" and meta["format_version"] == 1 and meta["exported"]


def test_export_unknown_patient_is_an_error(tmp_path: Path) -> None:
    with Store.create(tmp_path / "case.y90") as store, pytest.raises(Exception, match="no patient X"):
        export_store(store, tmp_path / "x.xlsx", patient_ids=["X"])
    assert not (tmp_path / "x.xlsx").exists()


def test_cancelled_export_leaves_no_file_and_keeps_an_old_one(tmp_path: Path) -> None:
    data = make_cohort(300, seed=2, labs_per_patient=20)
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    progress = Progress(lambda f, m: progress.cancel() if f > 0.3 else None)
    with pytest.raises(Cancelled):
        write_workbook(data, target, progress=progress)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_special_text_survives(tmp_path: Path) -> None:
    data = make_cohort(1)
    texts = ["a_x0041_b", "ctrl\x01char", "cr\r\nlf", "  ", "<tag> & \"q\"", "tab\there", "emoji 🙂", "_x"]
    data["patients"][0]["notes"] = " | ".join(texts)
    data["radioembolization"][0]["notes"] = "line1\nline2"
    write_workbook(data, tmp_path / "s.xlsx")
    with Store.create(tmp_path / "c.y90") as store:
        plan = prepare_import(tmp_path / "s.xlsx", store)
        assert plan.errors == []
        apply_import(store, plan)
        assert canonical(store.read_case_data()) == canonical(data)


def test_deidentified_export(tmp_path: Path) -> None:
    data = make_cohort(12, seed=8)
    with Store.create(tmp_path / "case.y90") as store:
        store.replace_patients(data)
        before = canonical(store.read_case_data())
        export_store(store, tmp_path / "deid.xlsx", deidentify=True)
        assert canonical(store.read_case_data()) == before
        maps = [v for k, v in store.conn.execute("SELECT key, value FROM meta") if k.startswith("deidentify:")]
        assert len(maps) == 1
    with Store.create(tmp_path / "deid.y90") as other:
        plan = prepare_import(tmp_path / "deid.xlsx", other)
        assert plan.errors == []
        apply_import(other, plan)
        deid = other.read_case_data()
    original_ids = {p["patient_id"] for p in data["patients"]}
    assert not original_ids & {p["patient_id"] for p in deid["patients"]}
    assert all(p["notes"] is None and p["cause_of_death"] is None for p in deid["patients"])
    with zipfile.ZipFile(tmp_path / "deid.xlsx") as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    assert not any(pid.encode() in blob for pid in original_ids)
    import json

    mapping = json.loads(maps[0])["codes"]
    by_code = {code: m for code, m in mapping.items()}
    orig = {p["patient_id"]: p for p in data["patients"]}
    shifts = set()
    for p in deid["patients"]:
        m = by_code[p["patient_id"]]
        o = orig[m["patient_id"]]
        shift = dt.timedelta(days=m["shift_days"])
        assert 1 <= m["shift_days"] <= 364
        shifts.add(m["shift_days"])
        assert p["followup_date"] == o["followup_date"] - shift
        assert p["diagnosis_date"] == o["diagnosis_date"] - shift
        own = [r for r in deid["labs"] if r["patient_id"] == p["patient_id"]]
        orig_labs = [r for r in data["labs"] if r["patient_id"] == m["patient_id"]]
        assert sorted((r["date"] + shift, r["test"], r["value"]) for r in own) == sorted(
            (r["date"], r["test"], r["value"]) for r in orig_labs)
    assert len(shifts) > 1  # one offset per patient, not one for all


def test_deidentified_report_equals_original(tmp_path: Path) -> None:
    report = pytest.importorskip("y90gui.analysis.report")
    cohort = pytest.importorskip("y90gui.demo.cohort")
    data = cohort.build_demo()
    with Store.create(tmp_path / "case.y90") as store:
        store.replace_patients(data)
        original = report.compute_report(store.read_case_data())
        export_store(store, tmp_path / "deid.xlsx", deidentify=True)
    with Store.create(tmp_path / "deid.y90") as other:
        apply_import(other, prepare_import(tmp_path / "deid.xlsx", other))
        deidentified = report.compute_report(other.read_case_data())
    assert deidentified == original


def test_text_longer_than_excel_allows_is_a_clear_error(tmp_path: Path) -> None:
    from y90gui.core.errors import Y90Error

    data = make_cohort(1)
    data["patients"][0]["notes"] = "x" * 40000
    with pytest.raises(Y90Error, match="sheet patients, cell O2: a text of 40,000 characters"):
        write_workbook(data, tmp_path / "long.xlsx")
    assert not (tmp_path / "long.xlsx").exists()


def test_sheet_longer_than_excel_allows_is_refused_before_writing(tmp_path: Path) -> None:
    """Excel holds 1,048,576 rows a sheet, the header included: one lab row more is refused,
    naming the sheet, its rows and the limit, and no file (not even a temporary one) appears."""
    from y90gui.core.xlsxwrite import SheetTooLongError

    data = make_cohort(1, labs_per_patient=1)
    data["labs"] = data["labs"] * 1_048_576  # one dict shared: the refusal must come before any cell is written
    target = tmp_path / "big.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(SheetTooLongError, match=r"sheet labs has 1,048,576 rows plus the header, more than an "
                                                r"Excel sheet holds \(1,048,576 rows\): nothing was written"):
        write_workbook(data, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["big.xlsx"]


def test_export_store_refuses_a_sheet_over_the_limit_and_writes_one_at_it(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from y90gui.core import xlsxwrite

    data = make_cohort(10, labs_per_patient=30)  # 300 lab rows + header; every other sheet is shorter
    with Store.create(tmp_path / "case.y90") as store:
        store.replace_patients(data, "fixture")
        monkeypatch.setattr(xlsxwrite, "EXCEL_MAX_ROWS", 301)
        export_store(store, tmp_path / "fits.xlsx")  # exactly the limit: written
        assert len(workbook_cells(tmp_path / "fits.xlsx")["labs"]) == 301
        monkeypatch.setattr(xlsxwrite, "EXCEL_MAX_ROWS", 300)
        with pytest.raises(xlsxwrite.SheetTooLongError, match=r"sheet labs has 300 rows plus the header, more "
                                                              r"than an Excel sheet holds \(300 rows\)"):
            export_store(store, tmp_path / "over.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == ["fits.xlsx"]


def test_sheet_of_unknown_length_is_stopped_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet given as a generator (no row count) is stopped at the first row past the limit;
    the atomic file is dropped, so nothing appears."""
    from y90gui.core import xlsxwrite
    from y90gui.io import layout

    monkeypatch.setattr(xlsxwrite, "EXCEL_MAX_ROWS", 5)
    sheet = xlsxwrite.SheetData("list", ["n"], ([i] for i in range(7)), kinds=["any"])
    with pytest.raises(xlsxwrite.SheetTooLongError, match=r"sheet list has 7 rows plus the header, more than an "
                                                          r"Excel sheet holds \(5 rows\)"):
        layout.write_sheets(tmp_path / "list.xlsx", [sheet])
    assert list(tmp_path.iterdir()) == []
