"""Bad workbooks: a clear message naming the cell, exit 1, and the store byte-for-byte unchanged."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.io.cohort_fixture import make_cohort, write_with_xlsxwriter
from tests.io.conftest import checksum
from y90gui.cli import main
from y90gui.io.exporter import write_workbook
from y90gui.io.importer import apply_import, prepare_import
from y90gui.store.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "case.y90"
    with Store.create(path) as s:
        s.replace_patients(make_cohort(2, seed=9))
    return path


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.xlsx"
    write_workbook(make_cohort(3, seed=5), path)
    return path


def run_import(workbook: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any], str]:
    before = checksum(db)
    code = main(["import", str(workbook), "--db", str(db), "--json"])
    out, err = capsys.readouterr()
    assert checksum(db) == before, "the store changed although the import failed"
    assert "Traceback" not in out + err
    return code, (json.loads(out) if out.strip() else {}), err


def edit(src: Path, dest: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dest)
    return dest


def col(ws: Any, name: str) -> int:
    return [c.value for c in ws[1]].index(name) + 1


def first_error(result: dict[str, Any]) -> dict[str, Any]:
    assert result["ok"] is False and result["errors"], result
    return result["errors"][0]


# ------------------------------------------------------------------------- not a workbook

def test_not_a_zip(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("patient_id,center\nP1,Bern\n")
    code, result, err = run_import(bad, db, capsys)
    assert code == 1 and "not a zip" in err and len(err.strip().splitlines()) == 1
    assert result["ok"] is False and "not a zip" in first_error(result)["message"]  # --json still gets JSON


def test_old_xls(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\0" * 600)
    code, _, err = run_import(bad, db, capsys)
    assert code == 1 and ".xls" in err


def test_password_protected(tmp_path: Path, db: Path, good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    enc = tmp_path / "secret.xlsx"
    with open(good, "rb") as src, open(enc, "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    assert msoffcrypto  # the module is used through OOXMLFile
    code, _, err = run_import(enc, db, capsys)
    assert code == 1 and "password" in err


def test_zip_bomb_refused_before_unpacking(tmp_path: Path, db: Path, good: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        with dst.open("xl/worksheets/padding.xml", "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros, ~300 kB compressed: ratio ~1000:1
                f.write(block)
    code, _, err = run_import(bomb, db, capsys)
    assert code == 1 and "zip bomb" in err


def test_empty_file(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    code, _, err = run_import(empty, db, capsys)
    assert code == 1 and "not a zip" in err


def test_missing_file(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_import(tmp_path / "nope.xlsx", db, capsys)
    assert code == 1 and "does not exist" in err


# --------------------------------------------------------------------------- bad content

def _missing_sheet(wb: openpyxl.Workbook) -> None:
    del wb["labs"]


def _missing_column(wb: openpyxl.Workbook) -> None:
    ws = wb["patients"]
    ws.delete_cols(col(ws, "vital_status"))


def _duplicate_id(wb: openpyxl.Workbook) -> None:
    ws = wb["patients"]
    ws.cell(3, 1).value = ws.cell(2, 1).value


def _unknown_code(wb: openpyxl.Workbook) -> None:
    ws = wb["radioembolization"]
    ws.cell(2, col(ws, "extent")).value = "both_lobes"


def _non_iso_date(wb: openpyxl.Workbook) -> None:
    ws = wb["patients"]
    ws.cell(2, col(ws, "followup_date")).value = "09-03-2017"


def _wrong_unit(wb: openpyxl.Workbook) -> None:
    ws = wb["labs"]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col(ws, "test")).value == "alt":
            ws.cell(r, col(ws, "unit")).value = "g/L"
            return


def _orphan(wb: openpyxl.Workbook) -> None:
    ws = wb["prrt"]
    ws.cell(2, 1).value = "NOBODY"


def _followup_before_re(wb: openpyxl.Workbook) -> None:
    ws = wb["patients"]
    ws.cell(2, col(ws, "followup_date")).value = dt.date(1995, 1, 1)


def _uncached_formula(wb: openpyxl.Workbook) -> None:
    ws = wb["labs"]
    ws.cell(2, col(ws, "value")).value = "=1+2"


@pytest.mark.parametrize(("change", "sheet", "column", "words"), [
    (_missing_sheet, "labs", None, "missing"),
    (_missing_column, "patients", "vital_status", "missing"),
    (_duplicate_id, "patients", "patient_id", "duplicate"),
    (_unknown_code, "radioembolization", "extent", "allowed"),
    (_non_iso_date, "patients", "followup_date", "date"),
    (_wrong_unit, "labs", "unit", "does not belong"),
    (_orphan, "prrt", "patient_id", "not on the patients sheet"),
    (_followup_before_re, "patients", "followup_date", "before the first radioembolization"),
    (_uncached_formula, "labs", "value", "formula"),
])
def test_content_errors(change: Callable[[openpyxl.Workbook], None], sheet: str, column: str | None, words: str,
                        tmp_path: Path, db: Path, good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = edit(good, tmp_path / "bad.xlsx", change)
    code, result, _ = run_import(bad, db, capsys)
    assert code == 1
    errors = [e for e in result["errors"] if e["sheet"] == sheet and e["column"] == column]
    assert errors, result["errors"]
    assert words in errors[0]["message"]
    if column is not None and change is not _missing_column:
        assert isinstance(errors[0]["row"], int) and errors[0]["row"] >= 2


def test_every_error_at_once_with_excel_row_numbers(tmp_path: Path, db: Path, good: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def many(wb: openpyxl.Workbook) -> None:
        _unknown_code(wb)
        _non_iso_date(wb)
        ws = wb["labs"]
        ws.insert_rows(3, 2)  # empty rows in the middle shift the Excel row numbers
        ws.cell(6, col(ws, "value")).value = "12,5,1"

    bad = edit(good, tmp_path / "bad.xlsx", many)
    code, result, _ = run_import(bad, db, capsys)
    assert code == 1
    where = {(e["sheet"], e["row"], e["column"]) for e in result["errors"]}
    assert ("radioembolization", 2, "extent") in where
    assert ("patients", 2, "followup_date") in where
    assert ("labs", 6, "value") in where
    value_error = next(e for e in result["errors"] if e["sheet"] == "labs")
    assert value_error["value"] == "12,5,1"


def test_text_error_output_names_the_cell(tmp_path: Path, db: Path, good: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bad = edit(good, tmp_path / "bad.xlsx", _non_iso_date)
    before = checksum(db)
    assert main(["import", str(bad), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "patients, row 2, column followup_date, value '09-03-2017'" in err
    assert checksum(db) == before


def test_apply_refuses_a_plan_with_errors(tmp_path: Path, db: Path, good: Path) -> None:
    bad = edit(good, tmp_path / "bad.xlsx", _duplicate_id)
    with Store.open(db) as s:
        plan = prepare_import(bad, s)
        assert not plan.ok
        with pytest.raises(Exception, match="nothing imported"):
            apply_import(s, plan)


def test_no_traceback_on_damaged_zip(tmp_path: Path, db: Path, good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = good.read_bytes()
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(data[: len(data) // 2])
    code, _, err = run_import(broken, db, capsys)
    assert code == 1 and err.startswith("y90gui import: error:")


def test_unknown_sheets_and_columns_are_warnings(tmp_path: Path, db: Path, good: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    def extra(wb: openpyxl.Workbook) -> None:
        wb.create_sheet("my notes")["A1"] = "whatever"
        ws = wb["patients"]
        ws.cell(1, ws.max_column + 1).value = "hospital_number"

    wb_path = edit(good, tmp_path / "extra.xlsx", extra)
    assert main(["import", str(wb_path), "--db", str(db), "--json", "--dry-run"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is True
    assert {w["sheet"] for w in result["warnings"]} == {"my notes", "patients"}
    assert io  # keep import for the helpers above


def test_error_value_cells_are_errors(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Calamine shows #DIV/0! as an empty cell; the importer must not take it for 'missing'."""
    pytest.importorskip("xlsxwriter")
    data = make_cohort(2, seed=4)
    path = tmp_path / "err.xlsx"

    def div0(ws: Any, sheet: Any) -> None:
        if sheet.name == "labs":
            ws.write_formula(1, sheet.column_names.index("uln"), "=1/0", None, "#DIV/0!")

    write_with_xlsxwriter(path, data, dates_as_text=True, per_sheet=div0)
    code, result, _ = run_import(path, db, capsys)
    assert code == 1
    err = first_error(result)
    assert (err["sheet"], err["row"], err["column"], err["value"]) == ("labs", 2, "uln", "#DIV/0!")
    assert "error value" in err["message"]


def test_zip_bomb_with_lying_sizes_is_refused(tmp_path: Path, db: Path, good: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A part that declares 1 kB but inflates to 64 MB: caught by the bounded streaming check."""
    bomb = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/worksheets/zzz.xml", b"<" * (64 << 20))
    raw = bytearray(bomb.read_bytes())
    name = b"xl/worksheets/zzz.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := raw.find(sig, pos)) >= 0:
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if raw[name_at:name_at + len(name)] == name:
                raw[pos + size_at:pos + size_at + 4] = (1000).to_bytes(4, "little")
            pos += 4
    bomb.write_bytes(bytes(raw))
    code, _, err = run_import(bomb, db, capsys)
    assert code == 1 and "damaged" in err


def test_a_broken_sheet_does_not_flood_the_list(tmp_path: Path, db: Path, good: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    def no_patient_id(wb: openpyxl.Workbook) -> None:
        wb["patients"].cell(1, 1).value = "study_number"

    code, result, _ = run_import(edit(good, tmp_path / "bad.xlsx", no_patient_id), db, capsys)
    assert code == 1
    assert [(e["sheet"], e["column"], e["message"]) for e in result["errors"]] == [
        ("patients", "patient_id", "required column is missing")]


def test_date_cell_far_outside_the_calendar(tmp_path: Path, db: Path, good: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def far(wb: openpyxl.Workbook) -> None:
        wb["prrt"].cell(2, 3).value = -106751991169.0  # keeps the column's date format

    code, result, _ = run_import(edit(good, tmp_path / "far.xlsx", far), db, capsys)
    assert code == 1
    err = first_error(result)
    assert (err["sheet"], err["row"], err["column"], err["value"]) == ("prrt", 2, "date", "#VALUE!")


def test_plain_values_parse_as_parse_value_says() -> None:
    """`validate.parse_plain` (the importer's one-pass shortcut) takes only values that
    `parse_value` returns unchanged, and leaves every other value to it."""
    import datetime as dt

    from y90gui.core.sheets import SHEETS
    from y90gui.core.validate import parse_plain, parse_value

    today = dt.date(2024, 6, 30)
    raws = {"P1", " P1", "P1 ", "", "  ", "x" * 32_768, "1,5", "2.5", 0.0, -0.0, 1e-9, 5.0, 10.0, 10.5, 15.0, 100.0,
            100.1, -1.0, float("inf"), float("-inf"), float("nan"), 1963.0, 2024.0, 2025.0, 7, dt.date(2010, 1, 1),
            dt.date(1899, 12, 31), dt.date(2024, 7, 1), dt.datetime(2010, 1, 1, 12), None, "yes"}
    for sheet in SHEETS:
        for column in sheet.columns:
            plain, rest = parse_plain(column, raws, today_=today)
            assert set(plain) | set(rest) == raws and not set(plain) & set(rest)
            for raw, value in plain.items():
                assert parse_value(column, raw, today_=today) is raw is value
            common = {"text": "P1", "date": dt.date(2010, 1, 1), "number": 5.0 if column.name != "value" else 15.0}
            if column.type in common:
                assert common[column.type] in plain, column.name  # the shortcut is taken where it can be
