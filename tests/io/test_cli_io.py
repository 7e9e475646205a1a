"""The three commands as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.io.cohort_fixture import make_cohort
from tests.io.conftest import checksum, store_data, workbook_cells
from y90gui.cli import main
from y90gui.io.exporter import write_workbook
from y90gui.io.importer import backup_dir


def test_template_import_export_cycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--out", str(tmp_path / "t.xlsx")]) == 0
    assert "template" in capsys.readouterr().out
    wb_path = write_workbook(make_cohort(4, seed=1), tmp_path / "in.xlsx")
    db = tmp_path / "new.y90"
    # dry run on a file that does not exist yet: preview, no file
    assert main(["import", str(wb_path), "--db", str(db), "--dry-run", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and len(result["new"]) == 4 and result["changed"] == [] and result["unchanged"] == []
    assert set(result) >= {"ok", "errors", "warnings", "new", "changed", "unchanged"}
    assert not db.exists()
    assert main(["import", str(wb_path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "4 new, 0 changed, 0 unchanged" in out and db.exists()
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "out.xlsx")]) == 0
    assert "exported 4 patient(s)" in capsys.readouterr().out
    assert workbook_cells(tmp_path / "out.xlsx")["patients"] == workbook_cells(wb_path)["patients"]

    # change one lab value and one patient field: a field-by-field preview, then the import
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    ws = wb["patients"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("center") + 1).value = "Basel"
    ws = wb["labs"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("value") + 1).value = 999.5
    pid = ws.cell(2, 1).value
    wb.save(tmp_path / "edited.xlsx")
    before = checksum(db)
    assert main(["import", str(tmp_path / "edited.xlsx"), "--db", str(db), "--dry-run", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert checksum(db) == before
    assert pid in result["changed"] and len(result["unchanged"]) >= 2
    changes = {(c["sheet"], c["column"], c["new"]) for cs in result["changes"].values() for c in cs}
    assert ("patients", "center", "Basel") in changes and ("labs", "value", 999.5) in changes
    assert main(["import", str(tmp_path / "edited.xlsx"), "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "changed" in text and "-> 'Basel'" in text
    assert any(r["value"] == 999.5 for r in store_data(db)["labs"])
    backups = sorted(backup_dir(db).glob("*.y90"))
    assert len(backups) == 1  # before the second import; a new, empty file has nothing to back up
    assert main(["import", str(tmp_path / "edited.xlsx"), "--db", str(db), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["new"] == [] and result["changed"] == [] and len(result["unchanged"]) == 4


def test_backups_rotate(tmp_path: Path) -> None:
    from y90gui.io.importer import backup_before_import
    from y90gui.store.store import Store

    with Store.create(tmp_path / "c.y90") as store:
        for _ in range(5):
            backup_before_import(store, keep=3)
        assert len(list(backup_dir(store.path).glob("*.y90"))) == 3


def test_import_other_patients_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.y90"
    a = make_cohort(3, seed=1)
    b = make_cohort(6, seed=2)
    b["patients"] = b["patients"][3:]
    keep = {p["patient_id"] for p in b["patients"]}
    for name in ("prrt", "radioembolization", "response", "labs", "adverse_events", "treatments_after"):
        b[name] = [r for r in b[name] if r["patient_id"] in keep]
    write_workbook(a, tmp_path / "a.xlsx")
    write_workbook(b, tmp_path / "b.xlsx")
    assert main(["import", str(tmp_path / "a.xlsx"), "--db", str(db)]) == 0
    first = store_data(db)
    assert main(["import", str(tmp_path / "b.xlsx"), "--db", str(db)]) == 0
    after = store_data(db)
    assert len(after["patients"]) == 6
    assert [p for p in after["patients"] if p["patient_id"] not in keep] == first["patients"]
    capsys.readouterr()


def test_export_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--db", str(tmp_path / "none.y90"), "--out", str(tmp_path / "x.xlsx")]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
