"""The crafted workbooks of issue 14 (`tests/io/crafted.py`): each gets a clear message naming
the sheet or cell, and a refused import leaves the store byte-for-byte unchanged."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.io import crafted
from tests.io.conftest import checksum
from y90gui.cli import main
from y90gui.store.store import Store

pytest.importorskip("xlsxwriter")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "case.y90"
    with Store.create(path) as s:
        s.replace_patients(crafted.cohort())
    return path


def run_import(workbook: Path, db: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    before = checksum(db)
    code = main(["import", str(workbook), "--db", str(db), "--json", *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    result = json.loads(out)
    if not result["ok"]:
        assert checksum(db) == before, "the store changed although the import failed"
    return code, result


def messages(items: list[dict[str, Any]], sheet: str | None = None) -> list[str]:
    return [i["message"] for i in items if sheet is None or i["sheet"] == sheet]


#: In a child process whose address space is capped at 4 GiB: if the extent check regressed,
#: calamine's 512 GiB request fails there, not in pytest.
LIMITED = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    from y90gui.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="resource.RLIMIT_AS")
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_cell_at_xfd1048576_is_refused_by_name_without_allocating(tmp_path: Path, db: Path, dry_run: bool) -> None:
    workbook = crafted.far_cell(tmp_path / "far.xlsx")
    assert workbook.stat().st_size < 200_000
    before = checksum(db)
    args = ["import", str(workbook), "--db", str(db)] + (["--dry-run"] if dry_run else [])
    r = subprocess.run([sys.executable, "-c", LIMITED, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1, (r.returncode, r.stderr[-2000:])
    assert r.stderr.strip().splitlines() == [
        "y90gui import: error: far.xlsx: sheet 'labs' reaches cell XFD1048576 (1,048,576 rows x 16,384 columns = "
        "17,179,869,184 cells), more than this program reads in one sheet (30,000,000 cells): delete the rows and "
        "columns beyond the data (Ctrl+End in Excel goes to the last cell in use) and save the workbook again"]
    assert checksum(db) == before


def test_text_longer_than_a_cell_is_refused_naming_the_cell(tmp_path: Path, db: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_import(crafted.long_text(tmp_path / "long.xlsx"), db, capsys)
    assert code == 1
    [error] = result["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("patients", 2, "notes")
    assert error["message"] == ("text of 40,000 characters, longer than an Excel cell holds (32,767): shorten it "
                                "(a long text belongs in a document the notes refer to)")


def test_percent_cell_in_a_percent_column_is_read_as_the_percentage_shown(tmp_path: Path, db: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_import(crafted.percent_in_percent_column(tmp_path / "pct.xlsx"), db, capsys)
    assert code == 0 and result["ok"]
    [warning] = [w for w in result["warnings"] if w["column"] == "ki67_pct"]
    assert (warning["sheet"], warning["row"], warning["value"]) == ("patients", 2, 0.05)
    assert warning["message"] == "the cell is formatted as a percentage (5%): read as 5, the number shown"
    with Store.open(db, read_only=True) as s:
        assert s.read_table("patients")[0]["ki67_pct"] == 5.0


def test_percent_cell_elsewhere_is_a_warning_naming_the_cell(tmp_path: Path, db: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_import(crafted.percent_elsewhere(tmp_path / "pct.xlsx"), db, capsys)
    assert code == 0 and result["ok"]
    [warning] = result["warnings"]
    assert (warning["sheet"], warning["row"], warning["column"], warning["value"]) == ("prrt", 2, "activity_gbq",
                                                                                      0.074)
    assert warning["message"] == ("the cell is formatted as a percentage (7.4%): read as 0.074, the value it holds; "
                                  "check that this is what was meant")


def test_patient_ids_differing_only_by_case_or_apostrophe_are_warned(tmp_path: Path, db: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_import(crafted.lookalike_ids(tmp_path / "ids.xlsx"), db, capsys, "--dry-run")
    assert code == 0
    assert sorted(result["new"]) == ["'P00002", "p00001"]
    found = {(w["value"], w["message"]) for w in result["warnings"] if w["column"] == "patient_id"}
    assert found == {
        ("p00001", "differs from the existing patient 'P00001' only by upper/lower case or a leading apostrophe: "
                   "it would be a new patient (correct the ID if it is the same person)"),
        ("'P00002", "differs from the existing patient 'P00002' only by upper/lower case or a leading apostrophe: "
                    "it would be a new patient (correct the ID if it is the same person)"),
    }


def test_hidden_sheet_is_imported_with_a_warning(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_import(crafted.hidden_sheet(tmp_path / "hidden.xlsx"), db, capsys, "--dry-run")
    assert code == 0
    assert messages(result["warnings"], "treatments_after") == [
        "sheet is hidden in the workbook: it is imported like the others (unhide it in Excel to see what it holds)"]


def test_merged_cells_are_named_as_such(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_import(crafted.merged_cells(tmp_path / "merged.xlsx"), db, capsys)
    assert code == 1
    [error] = result["errors"]
    assert (error["sheet"], error["row"], error["column"]) == ("patients", 3, "center")
    assert error["message"] == ("required value is missing: the cell is part of the merged cells B2:B3, and only the "
                                "first of merged cells holds a value (unmerge them and fill in every cell)")


def test_title_rows_above_the_header_are_skipped_with_a_warning(tmp_path: Path, db: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_import(crafted.title_row(tmp_path / "title.xlsx"), db, capsys, "--dry-run")
    assert code == 0 and result["ok"], result["errors"]
    assert messages(result["warnings"], "patients") == [
        "the header is row 3, not row 1: the 2 row(s) above it are not imported"]
    assert sorted(result["unchanged"]) == ["P00000", "P00001", "P00002"]


def test_a_header_beyond_the_first_10_rows_is_one_error(tmp_path: Path, db: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_import(crafted.title_far_down(tmp_path / "title.xlsx"), db, capsys)
    assert code == 1
    assert messages(result["errors"], "patients") == [
        "no header row among the first 10 rows: the header (the column names of the template) must be row 1"]


def test_a_16384_column_header_gives_one_summarised_warning(tmp_path: Path, db: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_import(crafted.wide_header(tmp_path / "wide.xlsx"), db, capsys, "--dry-run")
    assert code == 0
    known = len(crafted.SHEET_BY_NAME["patients"].columns)
    n = 16_384 - known
    first = ", ".join(f"extra{known + i}" for i in range(5))
    assert messages(result["warnings"], "patients") == [
        f"{n:,} unknown columns, not imported: {first} and {n - 5:,} more"]


SECOND = textwrap.dedent(
    """
    import sys
    from y90gui.store.store import Store
    s = Store.open(sys.argv[1])
    print("holding", flush=True)
    sys.stdin.readline()
    """
)


def test_an_import_into_a_file_another_process_holds_says_who(tmp_path: Path, db: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The second import used to be refused only at the end, with 'changed since ... check again'."""
    from y90gui.io.importer import apply_import, prepare_import

    workbook = crafted.lookalike_ids(tmp_path / "ids.xlsx")
    with Store.open(db) as mine:  # the GUI has it open, the preview shown ...
        plan = prepare_import(workbook, mine)
    holder = subprocess.Popen([sys.executable, "-c", SECOND, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        code = main(["import", str(workbook), "--db", str(db)])
        err = capsys.readouterr().err
        assert code == 1 and err.startswith("y90gui import: error: case.y90 is open read-only: ")
        assert "has it open for writing" in err and len(err.strip().splitlines()) == 1
        with Store.open(db) as late:  # ... and a window that opened it after the other process
            assert late.read_only
            from y90gui.store.errors import ReadOnlyError

            with pytest.raises(ReadOnlyError, match="has it open for writing"):
                apply_import(late, plan)
    finally:
        holder.kill()
        holder.wait()
