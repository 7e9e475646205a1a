"""Import semantics: whole-record replacement, rows for patients only in the database, previews."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tests.io.cohort_fixture import make_cohort
from tests.io.conftest import canonical
from y90gui.core.validate import CaseData
from y90gui.io.exporter import write_workbook
from y90gui.io.importer import StoreChangedError, apply_import, prepare_import
from y90gui.store.store import Store


def empty() -> CaseData:
    return {k: [] for k in ("patients", "prrt", "radioembolization", "response", "labs", "adverse_events",
                            "treatments_after", "reference_ranges")}


@pytest.fixture
def loaded(tmp_path: Path):
    s = Store.create(tmp_path / "c.y90")
    s.replace_patients(make_cohort(3, seed=7))
    yield s
    s.close()


def test_rows_for_a_patient_only_in_the_database_replace_that_sheet_only(loaded: Store, tmp_path: Path) -> None:
    pid = loaded.patient_ids()[0]
    before = loaded.read_case_data([pid])
    wb = empty()
    wb["labs"] = [{"patient_id": pid, "date": dt.date(2020, 1, 1), "test": "alt", "value": 12.0, "unit": "U/L",
                   "uln": None, "lln": None}]
    write_workbook(wb, tmp_path / "labs_only.xlsx")
    plan = prepare_import(tmp_path / "labs_only.xlsx", loaded)
    assert plan.ok and plan.new == [] and list(plan.changed) == [pid]
    removed = [c for c in plan.changed[pid] if c.column is None and c.new is None]
    added = [c for c in plan.changed[pid] if c.column is None and c.old is None]
    assert len(added) == 1 and len(removed) == len(before["labs"])
    assert {c.sheet for c in plan.changed[pid]} == {"labs"}
    apply_import(loaded, plan)
    after = loaded.read_case_data([pid])
    assert after["labs"] == wb["labs"]
    for sheet in ("patients", "prrt", "radioembolization", "response", "adverse_events", "treatments_after"):
        assert after[sheet] == before[sheet]
    again = prepare_import(tmp_path / "labs_only.xlsx", loaded)
    assert again.unchanged == [pid] and again.changed == {} and not again.has_changes


def test_listed_patient_loses_rows_missing_from_the_workbook(loaded: Store, tmp_path: Path) -> None:
    data = loaded.read_case_data()
    pid = data["patients"][0]["patient_id"]
    data["prrt"] = [r for r in data["prrt"] if r["patient_id"] != pid]
    write_workbook(data, tmp_path / "w.xlsx")
    plan = prepare_import(tmp_path / "w.xlsx", loaded)
    assert list(plan.changed) == [pid] and len(plan.unchanged) == 2
    assert all(c.sheet == "prrt" and c.column is None and c.new is None for c in plan.changed[pid])
    apply_import(loaded, plan)
    assert not [r for r in loaded.read_table("prrt") if r["patient_id"] == pid]


def test_field_change_of_a_keyless_row_is_one_change(loaded: Store, tmp_path: Path) -> None:
    data = loaded.read_case_data()
    lab = data["labs"][0]
    lab["value"] = lab["value"] + 1
    write_workbook(data, tmp_path / "w.xlsx")
    plan = prepare_import(tmp_path / "w.xlsx", loaded)
    (changes,) = plan.changed.values()
    assert [(c.sheet, c.column, c.new) for c in changes] == [("labs", "value", lab["value"])]
    assert lab["test"] in changes[0].key and changes[0].as_dict()["key"] == changes[0].key


def test_store_changed_between_preview_and_apply(loaded: Store, tmp_path: Path) -> None:
    data = loaded.read_case_data()
    data["patients"][0]["center"] = "Basel"
    write_workbook(data, tmp_path / "w.xlsx")
    plan = prepare_import(tmp_path / "w.xlsx", loaded)
    loaded.update_row("patients", data["patients"][1]["patient_id"], {"notes": "edited meanwhile"})
    with pytest.raises(StoreChangedError):
        apply_import(loaded, plan)


def test_reference_ranges_replace_by_key_and_rows_keep_missing_limits(loaded: Store, tmp_path: Path) -> None:
    data = loaded.read_case_data()
    data["reference_ranges"] = [{"center": "Bern", "test": "alt", "unit": "U/L", "lln": None, "uln": 50.0}]
    no_limits = [r for r in data["labs"] if r["uln"] is None and r["lln"] is None]
    assert no_limits
    write_workbook(data, tmp_path / "w.xlsx")
    plan = prepare_import(tmp_path / "w.xlsx", loaded)
    assert [(c.column, c.old, c.new) for c in plan.reference_changes] == [("uln", 40.0, 50.0)]
    apply_import(loaded, plan)
    refs = {(r["center"], r["test"], r["unit"]): r["uln"] for r in loaded.read_table("reference_ranges")}
    assert refs[("Bern", "alt", "U/L")] == 50.0 and refs[("Zürich", "alt", "U/L")] == 40.0
    # lab rows without limits stay without limits (the report looks them up), so export is lossless
    assert canonical(loaded.read_case_data())["labs"] == canonical(data)["labs"]


def test_duplicate_sheet_names_and_header_columns(tmp_path: Path, loaded: Store) -> None:
    write_workbook(make_cohort(2), tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    wb.create_sheet("PRRT ")["A1"] = "patient_id"
    ws = wb["labs"]
    ws.cell(1, ws.max_column + 1).value = " Value"
    wb.save(tmp_path / "dup.xlsx")
    plan = prepare_import(tmp_path / "dup.xlsx", loaded)
    messages = {(e.sheet, e.column, e.message) for e in plan.errors}
    assert ("PRRT ", None, "two sheets are named prrt (names ignore case and spaces)") in messages
    assert ("labs", "Value", "column appears twice") in messages


def test_empty_workbook_sheet_without_header(tmp_path: Path, loaded: Store) -> None:
    write_workbook(make_cohort(2), tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    del wb["response"]
    wb.create_sheet("response")
    wb.save(tmp_path / "nohdr.xlsx")
    plan = prepare_import(tmp_path / "nohdr.xlsx", loaded)
    assert [(e.sheet, e.message) for e in plan.errors] == [
        ("response", "sheet has no header row: copy the headers from the template")]


def test_prepare_reports_progress_and_can_be_cancelled(loaded: Store, tmp_path: Path) -> None:
    from y90gui.core.progress import Cancelled, Progress

    write_workbook(make_cohort(5, seed=3), tmp_path / "w.xlsx")
    seen: list[tuple[float, str]] = []
    plan = prepare_import(tmp_path / "w.xlsx", loaded, progress=Progress(lambda f, m: seen.append((f, m))))
    assert plan.ok and seen[-1][0] == 1.0
    assert [f for f, _ in seen] == sorted(f for f, _ in seen) and any("labs" in m for _, m in seen)
    progress = Progress(lambda f, m: progress.cancel() if "labs" in m else None)
    with pytest.raises(Cancelled):
        prepare_import(tmp_path / "w.xlsx", loaded, progress=progress)
