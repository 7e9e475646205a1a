"""The report of a filter by masks (`prepared_report`) equals the report computed from scratch on
the filtered frames; the numpy event table and log-rank equal lifelines' to the last bit."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from y90gui.analysis import inclusion, survival
from y90gui.analysis.frames import Frames, from_case_data
from y90gui.analysis.prepared_report import prepare
from y90gui.analysis.report import compute_from_frames
from y90gui.demo.synthetic import build_cohort


@pytest.fixture(scope="module")
def frames() -> Frames:
    """300 synthetic patients, every 11th excluded from analysis (reasons mixed, some not given)."""
    data = build_cohort(300, seed=3)
    for i, row in enumerate(data["patients"]):
        if i % 11 == 4:
            row["excluded_from_analysis"] = True
            row["exclusion_reason"] = ("lost to follow-up", "withdrew consent", None)[i % 3]
    return from_case_data(data)


def _ids(fr: Frames, keep: Any) -> list[str]:
    return [str(r["patient_id"]) for r in fr.patients.to_dict("records") if keep(r)]


FILTERS = {
    "centre": lambda r: r["center"] == "Synthetic Centre 03 (fictional)",
    "search": lambda r: "7" in str(r["patient_id"]),
    # a saved cohort is a search text plus column filters: here centre and vital status together
    "named cohort": lambda r: "Centre 01" not in r["center"] and r["vital_status"] == "alive",
    "excluded only": lambda r: r["excluded_from_analysis"] == 1,
    "one patient": lambda r: str(r["patient_id"]).endswith("000042"),
    "nobody": lambda r: False,
}


@pytest.mark.parametrize("name", list(FILTERS))
@pytest.mark.parametrize(("ci_method", "basis", "window_days"),
                         [("log-log", "procedures", 90), ("plain", "patients", 60), ("log", "procedures", 30)])
def test_masked_report_equals_the_report_of_the_filtered_frames(frames: Frames, name: str, ci_method: str,
                                                                basis: str, window_days: int) -> None:
    ids = _ids(frames, FILTERS[name])
    if name not in ("nobody", "one patient"):
        assert 0 < len(ids) < len(frames.patients), f"filter {name!r} should select some patients"
    expected = compute_from_frames(inclusion.subset(frames, ids), ci_method=ci_method, basis=basis,
                                   window_days=window_days)
    got = prepare(frames, window_days).report(ids, ci_method=ci_method, basis=basis)
    assert json.dumps(got) == json.dumps(expected)  # same keys in the same order, same numbers to the bit


def test_the_filters_reach_the_interesting_cases(frames: Frames) -> None:
    """The equality above is only worth something if the subsets differ from the whole."""
    prepared = prepare(frames)
    whole = prepared.report(None)
    assert whole[inclusion.REPORT_KEY]["n"] == 27  # i % 11 == 4 for i < 300
    centre = prepared.report(_ids(frames, FILTERS["centre"]))
    assert centre["patients"] < whole["patients"] and centre["os"] != whole["os"]
    assert inclusion.REPORT_KEY not in prepared.report(_ids(frames, lambda r: r["excluded_from_analysis"] != 1))
    assert prepared.report(_ids(frames, FILTERS["excluded only"]))["patients"] == 0


def test_the_whole_cohort_is_compute_from_frames(frames: Frames) -> None:
    assert prepare(frames).report(None, basis="patients") == compute_from_frames(frames, basis="patients")


def _lifelines_event_table(d: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, ...]:
    from lifelines import KaplanMeierFitter

    table = KaplanMeierFitter().fit(d, event_observed=e).event_table
    table = table[table["removed"].to_numpy() > 0]
    return (table.index.to_numpy(dtype=float), table["at_risk"].to_numpy(dtype=float),
            table["observed"].to_numpy(dtype=float), table["censored"].to_numpy(dtype=float))


@pytest.mark.parametrize("seed", range(6))
def test_event_table_and_logrank_are_lifelines_to_the_bit(seed: int) -> None:
    from lifelines.statistics import multivariate_logrank_test

    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 3000))
    d = np.round(rng.exponential(400, n)) + rng.choice([0.0, 0.5], n)  # many ties, some half days
    e = rng.random(n) < 0.6
    for ours, theirs in zip(survival._event_table(d, e), _lifelines_event_table(d, e), strict=True):
        assert ours.tobytes() == theirs.tobytes()
    groups = rng.integers(0, int(rng.integers(2, 4)), n)
    parts = {str(g): (d[groups == g], e[groups == g]) for g in np.unique(groups)}
    res = survival.logrank(parts)
    durations = np.concatenate([p[0] for p in parts.values()])
    events = np.concatenate([p[1] for p in parts.values()])
    labels = np.concatenate([[i] * len(p[0]) for i, p in enumerate(parts.values())])
    ref = multivariate_logrank_test(durations, labels, events)
    assert (res.statistic, res.p_value, res.df) == (float(ref.test_statistic), float(ref.p_value),
                                                     int(ref.degrees_of_freedom))


@pytest.mark.parametrize("seed", range(4))
def test_logrank_of_many_strata_is_lifelines_to_the_bit(seed: int) -> None:
    """Up to 15 strata (the workbook's centre and WHO grade tables), some tiny, some without
    deaths: the numpy-built tables keep lifelines' numbers to the last bit."""
    from lifelines.statistics import multivariate_logrank_test

    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(200, 4000))
    d = np.round(rng.exponential(900, n)) + rng.choice([0.0, 0.5], n)
    e = rng.random(n) < 0.5
    groups = rng.integers(0, int(rng.integers(4, 16)), n)
    groups[:2] = 99  # a stratum of two patients
    e[groups == 0] = False  # a stratum without deaths
    parts = {str(g): (d[groups == g], e[groups == g]) for g in np.unique(groups)}
    res = survival.logrank(parts)
    labels = np.concatenate([[i] * len(p[0]) for i, p in enumerate(parts.values())])
    ref = multivariate_logrank_test(np.concatenate([p[0] for p in parts.values()]), labels,
                                    np.concatenate([p[1] for p in parts.values()]))
    assert (res.statistic, res.p_value, res.df) == (float(ref.test_statistic), float(ref.p_value),
                                                     int(ref.degrees_of_freedom))


def test_lab_windows_by_slices_of_patients_give_the_same_report(frames: Frames,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A large case series grades its labs 10,000 patients at a time (peak memory): the same report."""
    from y90gui.analysis import prepared_report

    ids = _ids(frames, FILTERS["centre"])
    whole = [json.dumps(prepare(frames).report(x, basis=b)) for x in (None, ids) for b in ("procedures", "patients")]
    monkeypatch.setattr(prepared_report, "LAB_CHUNK_PATIENTS", 70)  # 5 slices, the last one short
    sliced = prepare(frames)
    assert [json.dumps(sliced.report(x, basis=b)) for x in (None, ids) for b in ("procedures", "patients")] == whole
