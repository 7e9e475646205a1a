"""Assessments, adverse events and later treatments of the demo cohort.

Response rows carry target-lesion sums that agree with their RECIST 1.1 category (baseline,
nadir, the 20 % / 5 mm and 30 % rules, each kept at least 3 percentage points from its
threshold), so a centre that leaves the category empty (`derive_only`) gets the same answer
from the report's derivation. Clinical adverse events are placed 1–45 days after their
procedure and before the next one, so the "latest procedure on or before onset" rule and an
explicit `procedure` give the same owner; three late events (days 120–300) must not count.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from y90gui.demo.plan import PatientPlan

DAY = dt.timedelta(days=1)
_MARGIN = 0.03
_CLINICAL_TERMS = (("fatigue", (1, 2)), ("abdominal pain", (1, 2, 3)), ("nausea", (1, 2)), ("vomiting", (1, 2)),
                   ("fever", (1,)), ("anorexia", (1, 2)))


def recist_rule(baseline: float, nadir: float, current: float, new_lesions: bool, non_target: str | None) -> str:
    if new_lesions or non_target == "PD":
        return "PD"
    if current - nadir >= 0.2 * nadir and current - nadir >= 5:
        return "PD"
    if current == 0:
        return "CR" if non_target in ("CR", None) else "PR"
    return "PR" if current <= 0.7 * baseline else "SD"


def _clear(baseline: float, nadir: float, current: float) -> bool:
    """True when `current` is no closer than the margin to the PR and PD thresholds."""
    if current == 0:
        return True
    if abs(current / baseline - 0.7) < _MARGIN or abs(current / nadir - 1.2) < _MARGIN:
        return False
    return abs((current - nadir) - 5) >= 1.5


def _sum_for(rng: random.Random, code: str, baseline: float, nadir: float, lo: float, hi: float) -> float:
    for _ in range(1000):
        current = float(round(nadir * rng.uniform(lo, hi)))
        if _clear(baseline, nadir, current) and recist_rule(baseline, nadir, current, False, None) == code:
            return current
    raise AssertionError(f"no {code} sum for baseline {baseline}, nadir {nadir}")


def responses(rng: random.Random, plan: PatientPlan, derive_only: bool) -> list[dict[str, Any]]:
    first, pid = plan.first_re, plan.pid

    def row(date: dt.date, **values: Any) -> dict[str, Any]:
        out = {"patient_id": pid, "date": date, "recist": None, "target_sum_mm": None, "new_lesions": None,
               "non_target": None, "clinical_response": None}
        out.update(values)
        if derive_only:
            out["recist"] = None
        return out

    def clinical() -> str | None:
        if plan.symptomatic:
            return "yes" if plan.clinical_yes else "no"
        return "na" if rng.random() < 0.7 else None

    baseline = float(rng.randint(15, 30) if plan.recist == "CR" else rng.randint(35, 190))
    rows = [row(first - rng.randint(7, 42) * DAY, target_sum_mm=baseline)]
    if plan.symptomatic and rng.random() < 0.5:  # an early clinic visit, outside the 45-135 day window
        rows.append(row(first + rng.randint(28, 38) * DAY, clinical_response=clinical()))
    new, non_target = False, "non-CR/non-PD"
    if plan.recist == "CR":
        current, non_target = 0.0, "CR"
    elif plan.recist == "PR":
        current = _sum_for(rng, "PR", baseline, baseline, 0.42, 0.64)
    elif plan.recist == "SD":
        current = _sum_for(rng, "SD", baseline, baseline, 0.78, 1.12)
    else:
        variant = rng.choice(("growth", "growth", "new", "non_target"))
        if variant == "growth":
            current = _sum_for(rng, "PD", baseline, baseline, 1.28, 1.5)
        else:
            current = _sum_for(rng, "SD", baseline, baseline, 0.92, 1.08)
            new, non_target = variant == "new", ("PD" if variant == "non_target" else non_target)
    rows.append(row(first + rng.randint(80, 100) * DAY, recist=plan.recist, target_sum_mm=current,
                    new_lesions=new, non_target=non_target, clinical_response=clinical()))
    if plan.recist == "PD":
        return rows
    nadir = min(baseline, current)
    progression_day = _progression_day(rng, plan)
    for months in (6, 12, 24, 36, 48, 60):
        date = first + (round(months * 30.44) + rng.randint(-10, 10)) * DAY
        if date > plan.followup - 10 * DAY:
            break
        progressed = progression_day is not None and (date - first).days >= progression_day
        if plan.recist == "CR":
            rows.append(row(date, recist="CR", target_sum_mm=0.0, new_lesions=False, non_target="CR",
                            clinical_response=clinical()))
            continue
        if progressed:
            current = _sum_for(rng, "PD", baseline, nadir, 1.3, 1.55)
        else:
            lo, hi = (0.85, 1.0) if plan.recist == "PR" else (0.9, 1.1)
            previous = current
            for _ in range(100):
                current = float(round(previous * rng.uniform(lo, hi)))
                code = recist_rule(baseline, nadir, current, False, None)
                if _clear(baseline, nadir, current) and code != "PD":
                    break
        code = recist_rule(baseline, nadir, current, False, non_target)
        rows.append(row(date, recist=code, target_sum_mm=current, new_lesions=False, non_target=non_target,
                        clinical_response=clinical()))
        nadir = min(nadir, current)
        if code == "PD":
            break
    return rows


def _progression_day(rng: random.Random, plan: PatientPlan) -> int | None:
    """Hepatic progression precedes a repeat procedure and most deaths."""
    if len(plan.procedures) > 1 and plan.pattern != "seq":
        return (plan.procedures[-1] - plan.first_re).days - rng.randint(20, 60)
    if plan.dead or rng.random() < 0.4:
        return int(plan.days * rng.uniform(0.5, 0.8))
    return None


def adverse_events(rng: random.Random, plans: list[PatientPlan]) -> list[dict[str, Any]]:
    procs = [(p, k) for p in plans for k in range(len(p.procedures))]
    reild = next(p for p in plans if p.reild)
    rows: list[dict[str, Any]] = []

    def limit(plan: PatientPlan, k: int) -> dt.date:
        nxt = plan.procedures[k + 1] - DAY if k + 1 < len(plan.procedures) else plan.followup
        return min(nxt, plan.followup)

    def event(plan: PatientPlan, k: int, onset: dt.date, term: str, category: str, grade: int,
              explicit: bool = True, notes: str | None = None) -> None:
        assert plan.procedures[k] < onset <= limit(plan, k)
        rows.append({"patient_id": plan.pid, "procedure": k + 1 if explicit else None, "onset_date": onset,
                     "term": term, "category": category, "grade": grade, "notes": notes})

    for plan, k in rng.sample(procs, 15):
        span = min(45, (limit(plan, k) - plan.procedures[k]).days)
        for _ in range(rng.choice((1, 1, 2))):
            term, grades = rng.choice(_CLINICAL_TERMS)
            event(plan, k, plan.procedures[k] + rng.randint(1, span) * DAY, term, "clinical", rng.choice(grades),
                  explicit=rng.random() < 0.7)
    counted = {(r["patient_id"], r["procedure"]) for r in rows}
    late = [(p, k) for p, k in procs if k == len(p.procedures) - 1 and p.days > 400 and (p.pid, k + 1) not in counted
            and all(r["patient_id"] != p.pid for r in rows)]
    for plan, k in rng.sample(late, 3):
        onset = plan.procedures[k] + rng.randint(120, 300) * DAY
        event(plan, k, onset, rng.choice(("fatigue", "diarrhoea")), "clinical", 1, explicit=rng.random() < 0.5,
              notes="late event (after the 3-month window)")
    singles = [(p, 0) for p in plans if p.pattern == "single" and p.days > 200]
    (ulcer, _), (gallbladder, _) = rng.sample(singles, 2)
    event(ulcer, 0, ulcer.procedures[0] + rng.randint(14, 30) * DAY, "gastric ulcer", "complication", 2,
          notes="non-target deposition of microspheres")
    event(gallbladder, 0, gallbladder.procedures[0] + rng.randint(5, 15) * DAY, "cholecystitis", "complication", 3,
          explicit=False)
    event(reild, 1, reild.procedures[1] + 35 * DAY, "REILD", "complication", 5,
          notes="radioembolization-induced liver disease, fatal (synthetic case)")
    return rows


def treatments_after(rng: random.Random, plan: PatientPlan, prrt: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(treatment: str, day: int, notes: str | None = None) -> None:
        day = max(1, min(day, plan.days - 1))
        rows.append({"patient_id": plan.pid, "start_date": plan.first_re + day * DAY, "treatment": treatment,
                     "notes": notes})

    if plan.reild:
        return rows
    if (plan.symptomatic and rng.random() < 0.85) or rng.random() < 0.3:
        add("somatostatin_analogue", rng.randint(7, 90))
    if plan.salvage_prrt:
        start = min(r["date"] for r in prrt if r["patient_id"] == plan.pid and r["date"] > plan.first_re)
        add("prrt", (start - plan.first_re).days, "salvage 177Lu-DOTATATE")
    if plan.dead or plan.recist == "PD" or rng.random() < 0.25:
        treatment = rng.choices(("everolimus", "sunitinib", "chemotherapy", "liver_directed", "other"),
                                (0.35, 0.12, 0.28, 0.15, 0.1))[0]
        notes = {"chemotherapy": "capecitabine/temozolomide", "liver_directed": "TACE",
                 "other": "interferon-alpha"}.get(treatment)
        add(treatment, int(plan.days * rng.uniform(0.55, 0.85)), notes)
    if plan.pid.endswith("7") and not plan.dead:
        add("surgery", int(plan.days * 0.4), "resection of the primary tumour")
    return rows
