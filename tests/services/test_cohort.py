"""The window's case series in memory (`services.cohort`): frames read once, the same figures
as the analysis functions give on `CaseData`, strata with an explicit missing-value rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from y90gui.analysis import recist, survival, toxicity
from y90gui.analysis.frames import from_case_data
from y90gui.analysis.strata import MISSING
from y90gui.core.progress import Progress
from y90gui.demo.cohort import build_demo
from y90gui.services.cohort import derive_columns, load_cohort, reload_patients, subset_frames
from y90gui.services.cohort_view import CohortView
from y90gui.store.store import Store


@pytest.fixture(scope="module")
def demo() -> dict:  # type: ignore[type-arg]
    return build_demo()


@pytest.fixture
def demo_path(demo, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.y90"
    with Store.create(path) as store:
        store.replace_patients(demo, "demo")
    return path


def test_derived_columns_from_frames_equal_the_case_data_functions(demo) -> None:  # type: ignore[no-untyped-def]
    derived = derive_columns(from_case_data(demo))
    three = recist.three_month(demo)
    assert derived["recist_3m"] == {pid: a["recist"] for pid, a in three.items()}
    worst: dict[str, int] = {}
    for row in toxicity.worst_after_procedures(demo):
        if row["worst_grade"] is not None:
            worst[row["patient_id"]] = max(worst.get(row["patient_id"], -1), row["worst_grade"])
    assert derived["worst_lab_grade"] == worst
    assert any(worst.values())  # the demo has graded toxicity: the comparison says something


def test_load_gives_the_os_rows_and_strata_of_the_analysis_layer(demo, demo_path) -> None:  # type: ignore[no-untyped-def]
    cohort = load_cohort(demo_path, Progress())
    assert sorted(cohort.os_rows) == sorted((p, float(d), e) for p, d, e in survival.os_data(demo))
    n = len(cohort.os_rows)
    whole = cohort.strata(None, None)
    assert list(whole.groups) == ["all patients"] and len(whole.groups["all patients"][0]) == n
    by_centre = cohort.strata("center", None, keep_missing=False)
    assert by_centre.left_out == 0 and sum(len(d) for d, _e in by_centre.groups.values()) == n


def test_missing_values_are_left_out_and_counted_or_kept(demo_path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(demo_path) as store:
        pids = [p["patient_id"] for p in store.read_table("patients")][:3]
        for pid in pids:
            store.update_row("patients", pid, {"who_grade": None})
    cohort = load_cohort(demo_path, Progress())
    n = len(cohort.os_rows)
    dropped = cohort.strata("who_grade", None, keep_missing=False)
    assert dropped.left_out == 3 and MISSING not in dropped.groups
    assert sum(len(d) for d, _e in dropped.groups.values()) == n - 3
    kept = cohort.strata("who_grade", None, keep_missing=True)
    assert kept.left_out == 0 and len(kept.groups[MISSING][0]) == 3 and list(kept.groups)[-1] == MISSING
    only = cohort.strata("who_grade", pids[:2], keep_missing=False)
    assert only.groups == {} and only.left_out == 2


def test_reloading_edited_patients_equals_a_fresh_load(demo_path) -> None:  # type: ignore[no-untyped-def]
    cohort = load_cohort(demo_path, Progress())
    with Store.open(demo_path) as store:
        pid = store.read_table("patients")[0]["patient_id"]
        dead = store.read_table("patients", [pid])[0]["vital_status"] == "dead"
        store.update_row("patients", pid, {"vital_status": "alive" if dead else "dead"})
    again = reload_patients(demo_path, cohort, {pid}, Progress())
    fresh = load_cohort(demo_path, Progress())
    assert sorted(again.os_rows) == sorted(fresh.os_rows) != sorted(cohort.os_rows)
    assert again.derived == fresh.derived
    assert len(again.frames.patients) == len(fresh.frames.patients)


def test_subset_keeps_reference_ranges_whole(demo) -> None:  # type: ignore[no-untyped-def]
    fr = from_case_data(demo)
    pid = fr.patients["patient_id"].iloc[0]
    sub = subset_frames(fr, [pid])
    assert set(sub.patients["patient_id"]) == {pid} and set(sub.labs["patient_id"]) <= {pid}
    assert len(sub.reference_ranges) == len(fr.reference_ranges)
    assert subset_frames(fr, None) is fr


def test_cohort_view_says_what_it_shows() -> None:
    assert CohortView(None, "all patients", 44).scope() == "all 44 patients"
    view = CohortView(("A", "B"), "centre = Bonn", 44)
    assert view.shown == 2 and view.scope() == "2 of 44 patients (centre = Bonn)"
    assert view.ids(["X"]) == ["A", "B"] and CohortView(None, "", 1).ids(["X"]) == ["X"]
