"""The demo cohort reproduces the seed paper's abstract, counted straight from the store.

Every figure is counted here with plain SQL/Python following spec/report.md's definitions,
independently of `y90gui.analysis` (which has its own tests on this cohort).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from demo_reference import first_at_or_below_half, grade, kaplan_meier

from y90gui.core.sheets import SHEET_BY_NAME
from y90gui.core.validate import check_consistency, check_row, parse_value
from y90gui.demo.cohort import build_demo
from y90gui.demo.commands import write_demo
from y90gui.store.store import Store

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("demo") / "demo.y90"
    write_demo(path)
    with Store.open(path, read_only=True) as s:
        yield s


def q(store: Store, sql: str, *params: object) -> list[tuple]:
    return store.conn.execute(sql, params).fetchall()


def first_re(store: Store) -> dict[str, dt.date]:
    return {p: D(d) for p, d in q(store, "SELECT patient_id, min(date) FROM radioembolization GROUP BY patient_id")}


def procedures(store: Store) -> dict[str, list[tuple[int, dt.date]]]:
    out: dict[str, list[tuple[int, dt.date]]] = defaultdict(list)
    for pid, proc, date in q(store, "SELECT patient_id, procedure, date FROM radioembolization ORDER BY date"):
        out[pid].append((proc, D(date)))
    return out


def test_patients_procedures_whole_liver(store: Store) -> None:
    assert q(store, "SELECT count(DISTINCT patient_id) FROM radioembolization") == [(44,)]
    assert q(store, "SELECT count(*) FROM patients") == [(44,)]
    assert q(store, "SELECT count(*) FROM radioembolization") == [(58,)]
    assert q(store, "SELECT count(*) FROM radioembolization WHERE extent = 'whole_liver'") == [(32,)]
    assert q(store, "SELECT count(*) FROM actions WHERE description = 'demo cohort'") == [(1,)]


def test_prrt_to_re_interval_median_353(store: Store) -> None:
    firsts = first_re(store)
    intervals = []
    for pid, first in firsts.items():
        before = [D(d) for (d,) in q(store, "SELECT date FROM prrt WHERE patient_id = ?", pid) if D(d) < first]
        intervals.append((first - max(before)).days)
    assert len(intervals) == 44
    assert statistics.median(intervals) == 353
    assert statistics.median_low(intervals) == statistics.median_high(intervals) == 353
    # some patients had salvage PRRT after RE: those cycles must not shorten the interval
    assert q(store, "SELECT count(DISTINCT p.patient_id) FROM prrt p JOIN (SELECT patient_id, min(date) f "
                    "FROM radioembolization GROUP BY patient_id) r USING (patient_id) WHERE p.date > r.f")[0][0] >= 1


def _derive(baseline: float, nadir: float, current: float, new: bool | None, non_target: str | None) -> str:
    if new or non_target == "PD" or (current - nadir >= 0.2 * nadir and current - nadir >= 5):
        return "PD"
    if current == 0:
        return "CR" if non_target in ("CR", None) else "PR"
    return "PR" if current <= 0.7 * baseline else "SD"


def three_month(store: Store) -> dict[str, dict]:
    firsts = first_re(store)
    cols = ("date", "recist", "target_sum_mm", "new_lesions", "non_target", "clinical_response")
    out = {}
    for pid, first in firsts.items():
        rows = [dict(zip(cols, r)) for r in q(store, f"SELECT {', '.join(cols)} FROM response WHERE patient_id = ? "
                                                     "ORDER BY date", pid)]
        for r in rows:
            r["day"] = (D(r["date"]) - first).days
        window = sorted((abs(r["day"] - 90), r["day"]) for r in rows if 45 <= r["day"] <= 135)
        if not window:
            continue
        assert len(window) == 1 or window[0][0] != window[1][0], f"{pid}: tie for the 3-month assessment"
        chosen = next(r for r in rows if r["day"] == window[0][1])
        code = chosen["recist"]
        if code is None:
            base = [r["target_sum_mm"] for r in rows if r["day"] <= 0 and r["target_sum_mm"] is not None]
            so_far = [r["target_sum_mm"] for r in rows
                      if r["day"] < chosen["day"] and r["target_sum_mm"] is not None]
            assert base and chosen["target_sum_mm"] is not None
            code = _derive(base[-1], min(so_far), chosen["target_sum_mm"], chosen["new_lesions"],
                           chosen["non_target"])
        out[pid] = {**chosen, "derived_recist": code}
    return out


def test_recist_3_months(store: Store) -> None:
    tm = three_month(store)
    counts = Counter(r["derived_recist"] for r in tm.values())
    assert counts == {"CR": 1, "PR": 6, "SD": 33, "PD": 4}
    evaluable = sum(counts[c] for c in ("CR", "PR", "SD", "PD"))
    assert (counts["CR"] + counts["PR"], evaluable) == (7, 44)
    assert (counts["CR"] + counts["PR"] + counts["SD"], evaluable) == (40, 44)
    assert any(r["recist"] is None for r in tm.values()), "some categories are left to the derivation"


def test_recorded_recist_agrees_with_target_sums(store: Store) -> None:
    """Where both are present, the recorded 3-month category matches the sums (derivation rule)."""
    tm = three_month(store)
    firsts = first_re(store)
    for pid, row in tm.items():
        if row["recist"] is None:
            continue
        sums = [(D(d), s) for d, s in q(store, "SELECT date, target_sum_mm FROM response WHERE patient_id = ? "
                                                "AND target_sum_mm IS NOT NULL ORDER BY date", pid)]
        base = [s for d, s in sums if d <= firsts[pid]][-1]
        assert _derive(base, base, row["target_sum_mm"], row["new_lesions"], row["non_target"]) == row["recist"], pid


def test_clinical_response(store: Store) -> None:
    tm = three_month(store)
    symptomatic = {p for (p,) in q(store, "SELECT patient_id FROM patients WHERE functional_syndrome = 1")}
    answers = [tm[p]["clinical_response"] for p in symptomatic if tm[p]["clinical_response"] in ("yes", "no")]
    assert (answers.count("yes"), len(answers)) == (15, 23)


def test_deaths_and_reild(store: Store) -> None:
    assert q(store, "SELECT count(*) FROM patients WHERE vital_status = 'dead'") == [(24,)]
    reild = q(store, "SELECT a.patient_id, a.grade, a.category, p.vital_status FROM adverse_events a "
                     "JOIN patients p USING (patient_id) WHERE lower(a.term) = 'reild'")
    assert len(reild) == 1
    pid, grade_, category, status = reild[0]
    assert (grade_, category, status) == (5, "complication", "dead")
    assert q(store, "SELECT count(*) FROM adverse_events WHERE grade = 5") == [(1,)]
    assert "REILD" in q(store, "SELECT cause_of_death FROM patients WHERE patient_id = ?", pid)[0][0]


def owned_events(store: Store, category: str) -> list[tuple[str, int, int]]:
    """(patient, owning procedure, days from that procedure to onset), by spec/report.md's rule."""
    procs = procedures(store)
    out = []
    for pid, proc, onset in q(store, "SELECT patient_id, procedure, onset_date FROM adverse_events "
                                     "WHERE category = ?", category):
        onset = D(onset)
        if proc is None:
            proc = max((p for p in procs[pid] if p[1] <= onset), key=lambda p: p[1])[0]
        date = dict(procs[pid])[proc]
        out.append((pid, proc, (onset - date).days))
    return out


def test_clinical_toxicity_within_3_months(store: Store) -> None:
    events = owned_events(store, "clinical")
    within = {(p, k) for p, k, days in events if 0 <= days <= 90}
    strictly = {(p, k) for p, k, days in events if 1 <= days < 90}
    assert len(within) == len(strictly) == 15
    assert any(days > 90 for _, _, days in events), "late events exist and are not counted"
    assert q(store, "SELECT count(*) FROM adverse_events WHERE category = 'clinical' AND procedure IS NULL")[0][0] > 0


def test_complications(store: Store) -> None:
    assert len({(p, k) for p, k, _ in owned_events(store, "complication")}) == 3


def lab_rows(store: Store) -> list[dict]:
    ranges = {(c, t, u): (lln, uln) for c, t, u, lln, uln in q(store, "SELECT center, test, unit, lln, uln "
                                                                     "FROM reference_ranges")}
    rows = []
    for pid, center, date, test, value, unit, uln, lln in q(
            store, "SELECT l.patient_id, p.center, l.date, l.test, l.value, l.unit, l.uln, l.lln "
                   "FROM labs l JOIN patients p USING (patient_id)"):
        ref = ranges.get((center, test, unit), (None, None))
        rows.append({"pid": pid, "date": D(date), "test": test, "value": value, "unit": unit,
                     "uln": uln if uln is not None else ref[1], "lln": lln if lln is not None else ref[0],
                     "row_uln": uln})
    return rows


def worst_per_procedure(store: Store, grader) -> dict[str, dict[tuple[str, int], int | None]]:
    procs = procedures(store)
    by_patient_test: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in lab_rows(store):
        by_patient_test[(r["pid"], r["test"])].append(r)
    worst: dict[str, dict[tuple[str, int], int | None]] = defaultdict(dict)
    for (pid, test), rows in by_patient_test.items():
        for proc, date in procs[pid]:
            before = [r for r in rows if 0 <= (date - r["date"]).days <= 30]
            baseline = max(before, key=lambda r: r["date"])["value"] if before else None
            window = [r for r in rows if 1 <= (r["date"] - date).days <= 90]
            if not window:
                continue
            grades = [grader(test, r["value"], r["unit"], r["uln"], r["lln"], baseline) for r in window]
            assert None not in grades, f"{pid} {test}: ungradable value"
            worst[test][(pid, proc)] = max(grades)
    return worst


def test_lab_toxicity_grade_3_4(store: Store) -> None:
    worst = worst_per_procedure(store, grade)
    assert set(worst) == set(SHEET_BY_NAME["labs"].by_name["test"].codes)
    lymph = worst["lymphocytes"]
    assert (sum(g >= 3 for g in lymph.values()), len(lymph)) == (24, 57)
    for test, per_proc in worst.items():
        assert len(per_proc) == 57, test
        if test != "lymphocytes":
            assert sum(g >= 3 for g in per_proc.values()) / len(per_proc) <= 0.10, test


def test_lab_values_realistic_and_complete(store: Store) -> None:
    rows = lab_rows(store)
    units = {(r["test"], r["unit"]) for r in rows}
    assert {("hemoglobin", "mmol/L"), ("bilirubin", "mg/dL"), ("lymphocytes", "/mm3"), ("albumin", "g/dL")} <= units
    assert any(r["row_uln"] is None and r["uln"] is not None for r in rows), "a centre relies on reference_ranges"
    per_date = Counter((r["pid"], r["date"]) for r in rows)
    assert set(per_date.values()) == {13}
    procs = procedures(store)
    for pid, plist in procs.items():
        dates = {d for p, d in per_date if p == pid}
        for _, date in plist:
            assert any(0 <= (date - d).days <= 30 for d in dates), f"{pid}: no baseline labs"


def test_overall_survival_median(store: Store) -> None:
    firsts = first_re(store)
    days, events = [], []
    for pid, status, fu in q(store, "SELECT patient_id, vital_status, followup_date FROM patients"):
        days.append((D(fu) - firsts[pid]).days)
        events.append(status == "dead")
    steps = kaplan_meier(days, events)
    median = first_at_or_below_half(steps, 1)
    lower, upper = first_at_or_below_half(steps, 2), first_at_or_below_half(steps, 3)
    assert median is not None and abs(median - 3.5) <= 0.1
    assert lower is not None and abs(lower - 1.8) <= 0.15
    assert upper is not None and abs(upper - 5.1) <= 0.15
    lifelines = pytest.importorskip("lifelines")
    from lifelines.utils import median_survival_times

    km = lifelines.KaplanMeierFitter().fit([d / 365.25 for d in days], events)
    assert km.median_survival_time_ == pytest.approx(median)
    ci = median_survival_times(km.confidence_interval_).to_numpy()[0]
    assert ci == pytest.approx([lower, upper])


def test_treatment_details(store: Store) -> None:
    given = sorted(v for (v,) in q(store, "SELECT activity_administered_gbq FROM radioembolization"))
    assert given[0] == 0.4 and given[-1] == 5.5
    assert 1.5 <= statistics.median(given) <= 1.9
    assert q(store, "SELECT DISTINCT microspheres FROM radioembolization") == [("resin",)]
    agents = Counter(a for (a,) in q(store, "SELECT radiopharmaceutical FROM prrt"))
    assert agents.most_common(1)[0][0] == "177Lu-DOTATATE" and len(agents) >= 3
    cycles = Counter(n for (n,) in q(store, "SELECT count(*) FROM prrt GROUP BY patient_id"))
    assert cycles.most_common(1)[0][0] == 4
    assert len(q(store, "SELECT DISTINCT center FROM patients")) >= 4
    assert len(q(store, "SELECT DISTINCT treatment FROM treatments_after")) >= 5


def test_labelled_synthetic(store: Store) -> None:
    for pid, center, notes in q(store, "SELECT patient_id, center, notes FROM patients"):
        assert re.fullmatch(r"DEMO-\d{3}", pid)
        assert "Fictional" in center and "synthetic" in center.lower()
        assert "synthetic" in notes.lower()


def test_dates_in_order(store: Store) -> None:
    """Nothing happens after death or after the date last known alive; nothing is in the future."""
    fu = {p: D(d) for p, d in q(store, "SELECT patient_id, followup_date FROM patients")}
    for table, col in (("prrt", "date"), ("radioembolization", "date"), ("response", "date"), ("labs", "date"),
                       ("adverse_events", "onset_date"), ("treatments_after", "start_date")):
        for pid, date in q(store, f"SELECT patient_id, {col} FROM {table}"):
            assert D(date) <= fu[pid] <= dt.date.today(), (table, pid, date)


def test_valid_under_every_rule() -> None:
    data = build_demo()
    assert check_consistency(data) == []
    for sheet, rows in data.items():
        spec = SHEET_BY_NAME[sheet]
        for row in rows:
            assert set(row) == set(spec.column_names), sheet
            for column in spec.columns:
                assert parse_value(column, row[column.name]) == row[column.name], (sheet, column.name, row)
            assert check_row(sheet, row) == []


def test_deterministic_and_lossless(store: Store) -> None:
    first, second = build_demo(), build_demo()
    assert first == second
    stored = store.read_case_data()
    for sheet, rows in first.items():
        key = sorted(map(repr, (sorted(r.items()) for r in rows)))
        assert key == sorted(map(repr, (sorted(r.items()) for r in stored[sheet]))), sheet


def test_store_integrity(store: Store) -> None:
    assert store.integrity() == "ok"
    assert Path(store.path).stat().st_size > 0


def test_product_grader_agrees_on_every_procedure(store: Store) -> None:
    """Values sit away from every CTCAE boundary, so the product's grader gives the same worst grades."""
    ctcae = pytest.importorskip("y90gui.analysis.ctcae")

    def product(test: str, value: float, unit: str, uln: float | None, lln: float | None,
                baseline: float | None) -> int | None:
        return ctcae.grade(test, value, unit, uln=uln, lln=lln, baseline=baseline)

    assert worst_per_procedure(store, product) == worst_per_procedure(store, grade)


def test_lab_values_keep_clear_of_ctcae_boundaries(store: Store) -> None:
    """A 2 % change of any value, or grading Hb in mmol/L by exact conversion, changes no grade."""
    procs = procedures(store)
    rows = lab_rows(store)
    by_patient_test: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        by_patient_test[(r["pid"], r["test"])].append(r)
    checked = 0
    for (pid, test), values in by_patient_test.items():
        for _, date in procs[pid]:
            before = [r for r in values if 0 <= (date - r["date"]).days <= 30]
            baseline = max(before, key=lambda r: r["date"])["value"] if before else None
            for r in values:
                if not 1 <= (r["date"] - date).days <= 90:
                    continue
                g = grade(test, r["value"], r["unit"], r["uln"], r["lln"], baseline)
                for factor in (0.98, 1.02):
                    assert grade(test, r["value"] * factor, r["unit"], r["uln"], r["lln"], baseline) == g, r
                if test == "hemoglobin" and r["unit"] == "mmol/L":
                    assert grade(test, r["value"] * 16.11, "g/L", None, r["lln"] * 16.11) == g, r
                checked += 1
    assert checked > 2000
