"""export -> import into an empty store -> export: identical cells, identical stores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.io.cohort_fixture import make_cohort
from tests.io.conftest import canonical, store_data, workbook_cells
from y90gui.core import codes
from y90gui.core.validate import CaseData
from y90gui.io.exporter import export_store, write_workbook
from y90gui.io.importer import apply_import, prepare_import
from y90gui.store.store import Store


def round_trip(data: CaseData, tmp: Path) -> None:
    first = tmp / "first.xlsx"
    write_workbook(data, first)
    with Store.create(tmp / "a.y90") as a:
        plan = prepare_import(first, a)
        assert plan.errors == []
        assert sorted(plan.new) == sorted(r["patient_id"] for r in data["patients"])
        apply_import(a, plan)
        assert canonical(a.read_case_data()) == canonical(data)
        export_store(a, tmp / "second.xlsx")
    with Store.create(tmp / "b.y90") as b:
        apply_import(b, prepare_import(tmp / "second.xlsx", b))
        export_store(b, tmp / "third.xlsx")
    assert workbook_cells(tmp / "second.xlsx") == workbook_cells(tmp / "third.xlsx")
    assert canonical(store_data(tmp / "a.y90")) == canonical(store_data(tmp / "b.y90"))
    # and importing the same workbook again changes nothing
    with Store.open(tmp / "a.y90") as a:
        again = prepare_import(tmp / "third.xlsx", a)
        assert again.new == [] and again.changed == {} and not again.has_changes


def test_fixture_cohort_round_trip(tmp_path: Path) -> None:
    round_trip(make_cohort(40, seed=3), tmp_path)


def test_demo_cohort_round_trip(tmp_path: Path) -> None:
    cohort = pytest.importorskip("y90gui.demo.cohort")
    round_trip(cohort.build_demo(), tmp_path)


@pytest.mark.slow
def test_synthetic_1000_round_trip(tmp_path: Path) -> None:
    synthetic = pytest.importorskip("y90gui.demo.synthetic")
    round_trip(synthetic.build_cohort(1000), tmp_path)


def test_cells_are_typed(tmp_path: Path) -> None:
    data = make_cohort(3, seed=1)
    write_workbook(data, tmp_path / "w.xlsx")
    cells = workbook_cells(tmp_path / "w.xlsx")
    header = cells["patients"][0]
    row = cells["patients"][1]
    assert isinstance(row[header.index("followup_date")], dt.date)
    assert isinstance(row[header.index("hepatic_tumour_burden_pct")], float)
    assert row[header.index("extrahepatic_disease")] in ("yes", "no")
    labs = cells["labs"]
    assert isinstance(labs[1][labs[0].index("value")], float)


# ---------------------------------------------------------------- property-based cohorts

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                min_size=1, max_size=30).map(str.strip).filter(bool)
_float = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
_date = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2020, 12, 31))


@st.composite
def cohorts(draw: st.DrawFn) -> CaseData:
    n = draw(st.integers(1, 4))
    ids = draw(st.lists(_text, min_size=n, max_size=n, unique=True))
    data: CaseData = {k: [] for k in ("patients", "prrt", "radioembolization", "response", "labs",
                                      "adverse_events", "treatments_after", "reference_ranges")}
    for pid in ids:
        re_date = draw(_date)
        data["patients"].append({
            "patient_id": pid, "center": draw(_text), "sex": draw(st.sampled_from((*codes.SEX, None))),
            "birth_year": draw(st.one_of(st.none(), st.integers(1900, 2000))),
            "ki67_pct": draw(st.one_of(st.none(), st.floats(0, 100))), "diagnosis_date": draw(st.none() | _date),
            "functional_syndrome": draw(st.sampled_from((True, False, None))),
            "vital_status": "alive", "followup_date": re_date + dt.timedelta(days=draw(st.integers(0, 2000))),
            "notes": draw(st.none() | _text), "cause_of_death": None,
        })
        data["radioembolization"].append({"patient_id": pid, "procedure": 1, "date": re_date,
                                          "extent": draw(st.sampled_from(codes.EXTENT)),
                                          "activity_administered_gbq": draw(st.floats(0.001, 10)),
                                          "notes": draw(st.none() | _text)})
        for _ in range(draw(st.integers(0, 3))):
            test = draw(st.sampled_from(codes.LAB_TEST))
            data["labs"].append({"patient_id": pid, "date": draw(_date), "test": test, "value": draw(_float),
                                 "unit": draw(st.sampled_from(codes.UNITS_BY_TEST[test])),
                                 "uln": draw(st.none() | _float), "lln": None})
        for _ in range(draw(st.integers(0, 2))):
            data["response"].append({"patient_id": pid, "date": draw(_date),
                                     "recist": draw(st.sampled_from((*codes.RECIST, None))),
                                     "target_sum_mm": draw(st.none() | _float),
                                     "new_lesions": draw(st.sampled_from((True, False, None)))})
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=cohorts())
def test_random_cohorts_round_trip(data: CaseData, tmp_path_factory: pytest.TempPathFactory) -> None:
    round_trip(data, tmp_path_factory.mktemp("rt"))
