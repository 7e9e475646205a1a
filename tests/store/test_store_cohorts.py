"""Named cohorts in the file: save, rename, delete as undoable actions; kept by backups."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.conftest import small_case
from y90gui.store.cohorts import CohortNameError, delete_cohort, list_cohorts, rename_cohort, save_cohort
from y90gui.store.store import Store


def _save(store: Store, name: str = "Bonn G2", **kw: object) -> None:
    args: dict[str, object] = {"search": "", "filters": {"center": "Bonn", "who_grade": None},
                               "description": "centre = Bonn, WHO = not recorded", "patient_ids": ["P000"]}
    args.update(kw)
    save_cohort(store, name, **args)  # type: ignore[arg-type]


def test_save_rename_delete_are_undoable_actions(tmp_path: Path) -> None:
    with Store.create(tmp_path / "c.y90") as s:
        s.replace_patients(small_case(n=2))
        _save(s)
        [c] = list_cohorts(s)
        assert (c.name, c.filters, c.patient_ids) == ("Bonn G2", {"center": "Bonn", "who_grade": None}, ("P000",))
        rename_cohort(s, "bonn g2", "Bonn, grade 2")
        assert [c.name for c in list_cohorts(s)] == ["Bonn, grade 2"]
        delete_cohort(s, "Bonn, grade 2")
        assert list_cohorts(s) == []
        s.undo()
        assert [c.name for c in list_cohorts(s)] == ["Bonn, grade 2"]
        s.undo()
        assert [c.name for c in list_cohorts(s)] == ["Bonn G2"]
        s.undo()
        assert list_cohorts(s) == []
        s.redo()
        assert [c.filters for c in list_cohorts(s)] == [{"center": "Bonn", "who_grade": None}]
        assert s.counts()["patients"] == 2  # undoing cohorts never touched a patient


def test_names_are_checked_in_one_sentence(tmp_path: Path) -> None:
    with Store.create(tmp_path / "c.y90") as s:
        _save(s, "All living")
        with pytest.raises(CohortNameError, match="exists already"):
            _save(s, "  all   LIVING ")
        with pytest.raises(CohortNameError, match="needs a name"):
            _save(s, "   ")
        _save(s, "All living", search="007", replace=True)
        [c] = list_cohorts(s)
        assert c.search == "007"
        _save(s, "Other")
        with pytest.raises(CohortNameError, match="exists already"):
            rename_cohort(s, "Other", "all living")
        with pytest.raises(CohortNameError, match="no cohort named"):
            delete_cohort(s, "nope")


def test_cohorts_travel_with_a_backup(tmp_path: Path) -> None:
    with Store.create(tmp_path / "c.y90") as s:
        s.replace_patients(small_case(n=1))
        _save(s, "Everyone", filters={}, patient_ids=None)
        s.backup(tmp_path / "copy.y90")
    with Store.open(tmp_path / "copy.y90") as b:
        [c] = list_cohorts(b)
        assert (c.name, c.filters, c.patient_ids) == ("Everyone", {}, None)
