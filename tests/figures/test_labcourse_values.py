"""Figure 4's numbers against its definition, computed value by value in plain Python.

For each radioembolization of an analysed patient: the baseline is the last value of the test
from 30 days before up to the procedure day (by date, then row); a value on days a..b after the
procedure falls in that bin, for every procedure whose window holds it. The figure shows the
median and quartiles of each bin (numpy's default quantiles) and the number of values under the
axis, in the test's SI unit.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
import pytest

from y90gui.analysis.frames import Frames, from_case_data, from_store
from y90gui.analysis.inclusion import analysed
from y90gui.analysis.units import FACTOR
from y90gui.demo.commands import write_demo
from y90gui.demo.synthetic import build_cohort
from y90gui.figures.labcourse import BINS, labs_description
from y90gui.store.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Frames:
    db = write_demo(Path(tmp_path_factory.mktemp("labs")) / "demo.y90")
    with Store.open(db, read_only=True) as store:
        return from_store(store)


def _by_definition(fr: Frames, test: str) -> tuple[list[int], list[tuple[float, float, float]]]:
    fr = analysed(fr)
    procedures: dict[str, list[float]] = {}
    for pid, date in zip(fr.radioembolization["patient_id"], fr.radioembolization["date"], strict=True):
        procedures.setdefault(pid, []).append(float(date))
    values: dict[str, list[tuple[float, int, float]]] = {}  # patient -> (day, row, value in SI)
    labs = fr.labs
    for pid, date, t, value, unit, row in zip(labs["patient_id"], labs["date"], labs["test"], labs["value"],
                                              labs["unit"], labs["_row"], strict=True):
        if t == test and isinstance(unit, str) and value == value:
            values.setdefault(pid, []).append((float(date), int(row), float(value) * FACTOR[test][unit]))
    groups: list[list[float]] = [[] for _ in range(len(BINS) + 1)]
    for pid, dates in procedures.items():
        mine = sorted(values.get(pid, []))
        for proc in dates:
            before = [v for v in mine if -30 <= v[0] - proc <= 0]
            if before:
                groups[0].append(before[-1][2])  # the last by date, then row
            for i, (a, b) in enumerate(BINS, 1):
                groups[i] += [v[2] for v in mine if a <= v[0] - proc <= b]
    counts = [len(g) for g in groups]
    quartiles = [tuple(float(q) for q in np.quantile(g, [0.25, 0.5, 0.75])) for g in groups if g]
    return counts, quartiles  # type: ignore[return-value]


@pytest.mark.parametrize("test", ["bilirubin", "creatinine", "platelets", "albumin"])
def test_bins_are_the_values_paired_by_the_definition(demo: Frames, test: str) -> None:
    for fr in (demo, from_case_data(build_cohort(400, seed=11))):
        d = labs_description(fr, test, scale="value")
        counts, quartiles = _by_definition(fr, test)
        assert list(d.under.rows[0][2]) == counts
        got = [(i.q1, i.median, i.q3) for i in d.intervals]
        assert len(got) == len(quartiles) and sum(counts) > 0
        for g, q in zip(got, quartiles, strict=True):
            assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) for a, b in zip(g, q, strict=True)), (g, q)


def test_other_tests_values_do_not_move_a_tests_figure(demo: Frames) -> None:
    """The figure of one test reads that test's values only (the others are not even paired)."""
    import dataclasses

    alone = dataclasses.replace(demo, labs=demo.labs[demo.labs["test"] == "alt"])
    assert repr(labs_description(alone, "alt")) == repr(labs_description(demo, "alt"))
    assert statistics.fmean(labs_description(demo, "alt").under.rows[0][2]) > 0
