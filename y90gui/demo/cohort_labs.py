"""Lab rows of the demo cohort: baseline and about 1, 2 and 3 months after every procedure.

Which procedures show a grade 3–4 value of a test is decided up front (`GRADE34_PROCEDURES`),
then one value inside that procedure's 1–90-day window is given grade 3 (or 4), placed on a
date that lies in no other, unflagged procedure's window, so overlapping windows (sequential
lobar treatments a few weeks apart) cannot add or hide a grade 3–4 procedure. Every other
value gets grade 0–2. Creatinine and INR are drawn so that the baseline criteria agree with
the ULN criteria whichever baseline a grader uses.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from y90gui.core.codes import LAB_TEST
from y90gui.demo.centres import conventions, limits_on_row
from y90gui.demo.labs import sample, sample_stable
from y90gui.demo.plan import PatientPlan

#: Procedures (of 57 with follow-up labs) with a grade 3–4 value, per test.
GRADE34_PROCEDURES = {"lymphocytes": 24, "alt": 1, "ast": 2, "alp": 4, "ggt": 5, "bilirubin": 2, "albumin": 1,
                      "hemoglobin": 1, "wbc": 1, "neutrophils": 1, "platelets": 2}
#: Of the lymphocyte grade 3–4 procedures, how many reach grade 4.
LYMPHOCYTE_GRADE4 = 3
#: Background chances of grade 0, 1, 2 for a value that is not a chosen peak.
BACKGROUND = {
    "alt": (0.75, 0.22, 0.03), "ast": (0.72, 0.25, 0.03), "alp": (0.4, 0.45, 0.15), "ggt": (0.3, 0.45, 0.25),
    "bilirubin": (0.85, 0.12, 0.03), "albumin": (0.75, 0.2, 0.05), "hemoglobin": (0.5, 0.45, 0.05),
    "wbc": (0.65, 0.28, 0.07), "lymphocytes": (0.2, 0.38, 0.42), "neutrophils": (0.8, 0.15, 0.05),
    "platelets": (0.68, 0.27, 0.05),
}
WINDOW = 90
#: Chance that a creatinine / INR value is drawn as grade 0 (else grade 0 or 1).
NORMAL_SHARE = {"creatinine": 0.6, "inr": 0.9}


def lab_dates(rng: random.Random, plan: PatientPlan, with_followup: bool) -> list[tuple[dt.date, int | None]]:
    """(date, index of the procedure it is the baseline of, else None), in date order."""
    out: list[tuple[dt.date, int | None]] = []
    procs = plan.procedures
    baselines = [p - dt.timedelta(days=rng.randint(1, 10)) for p in procs]
    for k, proc in enumerate(procs):
        out.append((baselines[k], k))
        if not with_followup:
            continue
        for lo, hi in ((26, 31), (54, 59), (82, 87)):
            d = proc + dt.timedelta(days=rng.randint(lo, hi))
            if k + 1 < len(procs) and d >= baselines[k + 1] - dt.timedelta(days=3):
                break
            if d > plan.followup:
                break
            out.append((d, None))
    return sorted(out)


def windows(date: dt.date, procs: Sequence[dt.date]) -> list[int]:
    return [k for k, p in enumerate(procs) if 1 <= (date - p).days <= WINDOW]


def choose_flags(rng: random.Random, eligible: list[tuple[str, int]], forced: dict[str, set[tuple[str, int]]]
                 ) -> dict[str, set[tuple[str, int]]]:
    """Per test, the (patient, procedure index) pairs that get a grade 3–4 value."""
    flags: dict[str, set[tuple[str, int]]] = {}
    for test, count in GRADE34_PROCEDURES.items():
        chosen = set(forced.get(test, set()))
        pool = [e for e in eligible if e not in chosen]
        chosen |= set(rng.sample(pool, count - len(chosen)))
        flags[test] = chosen
    return flags


def patient_labs(rng: random.Random, plan: PatientPlan, dates: list[tuple[dt.date, int | None]],
                 flags: dict[str, set[tuple[str, int]]], special: dict[tuple[str, dt.date], int] | None = None
                 ) -> list[dict[str, Any]]:
    """All 13 tests at every lab date of one patient."""
    procs = plan.procedures
    convs = conventions(plan.centre, plan.sex)
    peaks: dict[str, dict[dt.date, int]] = {}
    for test, flagged in flags.items():
        peaks[test] = {}
        mine = sorted(k for pid, k in flagged if pid == plan.pid)
        for k in mine:
            ok = [d for d, _ in dates
                  if k in windows(d, procs) and all((plan.pid, j) in flagged for j in windows(d, procs))]
            if not ok:
                raise AssertionError(f"{plan.pid}: no date for a {test} peak after procedure {k + 1}")
            grade = 3
            if test == "lymphocytes" and (plan.pid, k) in _lymph_grade4(flags):
                grade = 4
            peaks[test][rng.choice(ok)] = grade
    for (test, date), grade in (special or {}).items():
        peaks.setdefault(test, {})[date] = grade
    tendency = {t: rng.choices((0, 1, 2), weights=w)[0] for t, w in BACKGROUND.items()}
    position = {t: rng.random() for t in BACKGROUND}
    level = {t: convs[t].uln * rng.uniform(0.62, 0.8) for t in ("creatinine", "inr")}  # type: ignore[operator]
    level["inr"] = convs["inr"].uln * rng.uniform(0.85, 0.93)  # type: ignore[operator]
    base_values: dict[str, dict[int, float]] = {"creatinine": {}, "inr": {}}
    rows: list[dict[str, Any]] = []
    for date, baseline_of in dates:
        in_windows = windows(date, procs)
        for test in LAB_TEST:
            conv = convs[test]
            if test in ("creatinine", "inr"):
                context = [base_values[test][k] for k in in_windows if k in base_values[test]]
                peak = peaks.get(test, {}).get(date)
                # A later procedure's baseline sits a little below the earlier ones, leaving room above it.
                spread = (0.86, 0.96) if baseline_of is not None and context else None
                if peak is not None:
                    value = sample_stable(rng, test, conv, context, (peak,), level[test] * 1.6, spread)
                else:
                    value = _stable_background(rng, test, conv, context, level[test], spread)
                if baseline_of is not None:
                    base_values[test][baseline_of] = value
            else:
                peak_grade = peaks.get(test, {}).get(date)
                if peak_grade is None:
                    peak_grade = max(0, min(2, tendency[test] + rng.choice((-1, 0, 0, 0, 0, 0, 1))))
                value = sample(rng, test, peak_grade, conv, position=position[test])
            on_row = limits_on_row(plan.centre, test)
            rows.append({
                "patient_id": plan.pid, "date": date, "test": test, "value": value, "unit": conv.unit,
                "uln": conv.uln if on_row else None, "lln": conv.lln if on_row else None,
            })
    return rows


def _stable_background(rng: random.Random, test: str, conv: Any, context: list[float], level: float,
                       spread: tuple[float, float] | None) -> float:
    """Mostly unchanged (grade 0); now and then a rise that reaches grade 1."""
    if rng.random() < NORMAL_SHARE[test]:
        try:
            return sample_stable(rng, test, conv, context, (0,), level, spread)
        except ValueError:
            pass
    return sample_stable(rng, test, conv, context, (0, 1), level, spread)


def _lymph_grade4(flags: dict[str, set[tuple[str, int]]]) -> set[tuple[str, int]]:
    return set(sorted(flags["lymphocytes"])[:LYMPHOCYTE_GRADE4])
