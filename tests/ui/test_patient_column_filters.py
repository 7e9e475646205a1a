"""The table's column filters keep exactly the rows whose value equals the chosen one.

The model answers each filter from per-column codes it builds once per listing; these check
it against the plain rule (`row[key] == value` for every active filter) over a run of filter
changes, as a user picks one centre, another, a grade, and "all" again, and after the derived
columns arrive (which must drop the codes of the columns they fill).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from y90gui.store.summary import SUMMARY_COLUMNS, PatientSummary
from y90gui.ui.patient_model import ALL, PatientTableModel

CENTRES = st.sampled_from([None, "Aurora", "Borealis", "aurora"])
GRADES = st.sampled_from([None, "G1", "G2", "G3"])
ROWS = st.lists(st.tuples(CENTRES, GRADES), min_size=1, max_size=30)
PICK = st.tuples(st.one_of(st.just(ALL), CENTRES), st.one_of(st.just(ALL), GRADES))


def _summary(rows: list[tuple[str | None, str | None]]) -> PatientSummary:
    out = []
    for i, (centre, grade) in enumerate(rows):
        row = dict.fromkeys(SUMMARY_COLUMNS)
        row.update(patient_id=f"P{i:03d}", center=centre, who_grade=grade)
        out.append(tuple(row[c] for c in SUMMARY_COLUMNS))
    return PatientSummary(SUMMARY_COLUMNS, out)


def _kept(model: PatientTableModel, n: int, filters: dict[str, object]) -> list[str]:
    mask = model.matching("", filters)
    ids = [f"P{i:03d}" for i in range(n)]
    return ids if mask is None else [pid for pid, hit in zip(ids, mask.tolist(), strict=True) if hit]


@settings(max_examples=200, deadline=None)
@given(rows=ROWS, picks=st.lists(PICK, min_size=1, max_size=6))
def test_each_filter_change_keeps_the_rows_equal_to_the_chosen_values(rows, picks) -> None:  # type: ignore[no-untyped-def]
    model = PatientTableModel()
    model.set_summary(_summary(rows))
    for centre, grade in picks:
        filters = {"center": centre, "who_grade": grade}
        plain = [f"P{i:03d}" for i, (c, g) in enumerate(rows)
                 if (centre is ALL or c == centre) and (grade is ALL or g == grade)]
        assert _kept(model, len(rows), filters) == plain


def test_a_filter_on_a_derived_column_sees_the_values_that_arrive_later() -> None:
    model = PatientTableModel()
    model.set_summary(_summary([("Aurora", "G1")] * 4))
    assert _kept(model, 4, {"worst_lab_grade": 3}) == []  # not derived yet: every value empty
    model.set_derived({"worst_lab_grade": {"P001": 3, "P003": 3, "P002": 1}})
    assert _kept(model, 4, {"worst_lab_grade": 3}) == ["P001", "P003"]
    assert _kept(model, 4, {"worst_lab_grade": 1, "center": "Aurora"}) == ["P002"]
    model.set_summary(_summary([("Borealis", "G2")] * 2))  # a new listing: codes of the new rows
    assert _kept(model, 2, {"center": "Aurora"}) == []
    assert _kept(model, 2, {"center": "Borealis"}) == ["P000", "P001"]
