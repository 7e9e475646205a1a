"""A de-identified export cannot be linked back: patients out of their ID order, adverse-event
terms only from the CTCAE list, birth year banded (or shifted, or kept on request), and the
rules written into the workbook's README sheet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.io.cohort_fixture import make_cohort
from tests.io.conftest import workbook_cells
from y90gui.cli import main
from y90gui.core.sheets import SHEET_BY_NAME
from y90gui.store.store import Store

FREE_TEXT_TERM = "Jane Roe (MRN 123456) seen 2017-03-09"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    data = make_cohort(20, seed=3)
    aes = data["adverse_events"]
    first, second = data["patients"][0]["patient_id"], data["patients"][1]["patient_id"]
    aes.append({"patient_id": first, "procedure": 1, "onset_date": dt.date(2017, 3, 9), "term": FREE_TEXT_TERM,
                "category": "clinical", "grade": 2, "notes": None})
    aes.append({"patient_id": second, "procedure": 1, "onset_date": dt.date(2017, 3, 9), "term": "Diarrhoea",
                "category": "clinical", "grade": 1, "notes": None})
    aes.append({"patient_id": second, "procedure": 1, "onset_date": dt.date(2017, 4, 9), "term": "REILD",
                "category": "complication", "grade": 3, "notes": None})
    path = tmp_path / "case.y90"
    with Store.create(path) as s:
        s.replace_patients(data)
    return path


def export(db: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[dict[str, list[list[Any]]],
                                                                                          dict[str, Any]]:
    assert main(["export", "--db", str(db), "--out", str(out), "--deidentify", *extra]) == 0
    capsys.readouterr()
    with Store.open(db, read_only=True) as s:
        [key] = [v for k, v in s.conn.execute("SELECT key, value FROM meta") if k.startswith("deidentify:")]
    return workbook_cells(out), json.loads(key)["codes"]


def rows_of(cells: dict[str, list[list[Any]]], sheet: str) -> list[dict[str, Any]]:
    header, *rows = cells[sheet]
    return [dict(zip(header, r, strict=True)) for r in rows]


def test_patients_are_not_in_the_order_of_their_ids(db: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    cells, codes = export(db, tmp_path / "deid.xlsx", capsys)
    original_order = [codes[r["patient_id"]]["patient_id"] for r in rows_of(cells, "patients")]
    assert sorted(original_order) == [f"P{i:05d}" for i in range(20)]
    assert original_order != sorted(original_order)  # position no longer maps a code to a patient
    labs = [codes[r["patient_id"]]["patient_id"] for r in rows_of(cells, "labs")]
    assert labs != sorted(labs)


def test_only_ctcae_terms_pass_and_the_rest_is_counted_in_the_readme(db: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cells, _ = export(db, tmp_path / "deid.xlsx", capsys)
    terms = [r["term"] for r in rows_of(cells, "adverse_events")]
    assert FREE_TEXT_TERM not in terms and "Jane" not in repr(cells) and "123456" not in repr(cells)
    assert terms.count("other") == 1
    assert {"fatigue", "Diarrhoea", "REILD"} <= set(terms)  # CTCAE (any case, British spelling), the study's REILD
    readme = [r[-1] for r in cells["README"] if r[0] == "(this file)"]
    assert "adverse_events.term is kept only when it is a CTCAE v4.03 term (or REILD); 1 term(s) that were not " \
           "are written as 'other'." in readme
    assert readme[0].startswith("De-identified export. Each patient has a random code")
    assert "Free text (notes, cause_of_death) is left out." in readme


@pytest.mark.parametrize("option", ["band", "shift", "keep"])
def test_birth_year_is_banded_shifted_or_kept_as_asked(db: Path, tmp_path: Path, option: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(db, read_only=True) as s:
        exact = {p["patient_id"]: p["birth_year"] for p in s.read_table("patients")}
    cells, codes = export(db, tmp_path / "deid.xlsx", capsys, *([] if option == "band" else ["--birth-year", option]))
    years = {codes[r["patient_id"]]["patient_id"]: r["birth_year"] for r in rows_of(cells, "patients")}
    readme = " ".join(str(r[-1]) for r in cells["README"] if r[0] == "(this file)")
    if option == "band":
        assert all(y % 5 == 0 and exact[p] - 4 <= y <= exact[p] for p, y in years.items())
        assert "birth_year is the first year of its 5-year band (1957 is written 1955)." in readme
    elif option == "shift":
        assert all(abs(y - exact[p]) <= 2 for p, y in years.items())
        assert years != exact  # 20 patients: some moved
        assert "birth_year is moved by a random -2 to +2 years per patient." in readme
    else:
        assert years == exact
        assert "birth_year is the exact year (kept on request)." in readme
    assert SHEET_BY_NAME["patients"].by_name["birth_year"].type == "integer"
