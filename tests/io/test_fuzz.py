"""Random damage: whatever a workbook holds, the importer answers with errors, never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.io.cohort_fixture import make_cohort
from y90gui.core.errors import Y90Error
from y90gui.io.exporter import write_workbook
from y90gui.io.importer import prepare_import
from y90gui.store.store import Store

_cell = st.one_of(
    st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
    st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.floats(-1e12, 1e12),
    st.sampled_from(["2017-02-30", "1,5", "1.5.2", " yes ", "NA", "#N/A", "=1/0", "=A1", "µmol/L", "-0"]),
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "base.xlsx"
    write_workbook(make_cohort(3, seed=1), path)
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(["patients", "prrt", "radioembolization", "response", "labs",
                                                 "adverse_events", "treatments_after", "reference_ranges"]),
                                st.integers(1, 12), st.integers(1, 16), _cell), min_size=1, max_size=8))
def test_random_cells(edits: list[tuple[str, int, int, object]], base: Path,
                      tmp_path_factory: pytest.TempPathFactory) -> None:
    tmp = tmp_path_factory.mktemp("f")
    wb = openpyxl.load_workbook(base)
    for sheet, row, col, value in edits:
        try:
            wb[sheet].cell(row, col).value = value
        except Exception:  # noqa: BLE001 - openpyxl refuses some values itself (control characters)
            continue
    wb.save(tmp / "w.xlsx")
    with Store.create(tmp / "c.y90") as store:
        plan = prepare_import(tmp / "w.xlsx", store)
        for issue in plan.errors:
            assert issue.sheet and issue.message
        assert plan.ok == (not plan.errors)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=6))
@example(flips=[(0.943359375, 64)])  # central directory "zip file version 6.4": NotImplementedError (Python 3.13 CI)
def test_random_bytes(flips: list[tuple[float, int]], base: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    tmp = tmp_path_factory.mktemp("b")
    raw = bytearray(base.read_bytes())
    for where, value in flips:
        raw[int(where * len(raw))] = value
    (tmp / "w.xlsx").write_bytes(bytes(raw))
    with Store.create(tmp / "c.y90") as store:
        message = "ok"
        try:
            prepare_import(tmp / "w.xlsx", store)
        except Y90Error as exc:  # a clear error is fine; anything else fails the test
            message = str(exc)
        assert message
        if message != "ok":
            assert "\n" not in message and "Traceback" not in message


def test_unsupported_zip_version_is_a_damaged_workbook(base: Path, tmp_path: Path) -> None:
    """The flip CI found: the central directory claims a zip version zipfile cannot read."""
    raw = bytearray(base.read_bytes())
    # "version needed to extract" (offset 6) of a central-directory entry (PK\x01\x02) set to 6.4,
    # found by its signature rather than by a position that moves whenever the workbook's layout does
    entry = raw.rindex(b"PK\x01\x02")
    raw[entry + 6] = 64
    (tmp_path / "w.xlsx").write_bytes(bytes(raw))
    with Store.create(tmp_path / "c.y90") as store, pytest.raises(Y90Error, match="damaged zip file"):
        prepare_import(tmp_path / "w.xlsx", store)
