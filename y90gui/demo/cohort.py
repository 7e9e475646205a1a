"""The synthetic demo cohort: 44 fictional patients that reproduce the seed paper's abstract.

`build_demo()` returns the same `CaseData` every time (a fixed seed, fixed dates, nothing
taken from the clock), so the demo file, the screenshots and the tests all see one cohort.
Every patient is labelled synthetic (IDs `DEMO-001` …, fictional centres, a note on every
patient). The design (`plan`) fixes the abstract's totals; this module turns it into rows.

The fatal REILD is recorded as a `complication` (grade 5) after the second of two
sequential lobar procedures, so it is one of the three complication procedures and not one
of the fifteen procedures with clinical toxicity.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from y90gui.core.validate import CaseData
from y90gui.demo import cohort_labs
from y90gui.demo.centres import MEASUREMENTS_ONLY, reference_ranges
from y90gui.demo.cohort_events import adverse_events, responses, treatments_after
from y90gui.demo.plan import SEED, PatientPlan, make_plans

DAY = dt.timedelta(days=1)
NOTE = "Synthetic demo patient: not a real person."

_AGENT = {"lu_tate": "177Lu-DOTATATE", "lu_toc": "177Lu-DOTATOC", "y_toc": "90Y-DOTATOC", "mibg": "131I-MIBG"}


def build_demo() -> CaseData:
    """The demo case series (44 patients, 58 procedures), identical on every call."""
    rng = random.Random(SEED)
    plans = make_plans(rng)
    assign_extents(rng, plans)
    data: CaseData = {
        "patients": [], "prrt": [], "radioembolization": [], "response": [], "labs": [],
        "adverse_events": [], "treatments_after": [], "reference_ranges": reference_ranges(),
    }
    for plan in plans:
        prrt = prrt_rows(rng, plan)
        data["patients"].append(patient_row(rng, plan, min(r["date"] for r in prrt)))
        data["prrt"].extend(prrt)
        data["radioembolization"].extend(procedure_rows(rng, plan, data["patients"][-1]))
        data["response"].extend(responses(rng, plan, derive_only=plan.centre in MEASUREMENTS_ONLY))
        data["treatments_after"].extend(treatments_after(rng, plan, data["prrt"]))
    data["adverse_events"] = adverse_events(rng, plans)
    data["labs"] = _labs(rng, plans)
    _fix_activity_range(data["radioembolization"])
    return data


def assign_extents(rng: random.Random, plans: list[PatientPlan]) -> None:
    """32 of 58 procedures whole-liver: singles 23 of 31, repeats 5 + 3, the triple's third."""
    singles = [p for p in plans if p.pattern == "single"]
    single_extents = ["whole_liver"] * 23 + ["right_lobe"] * 5 + ["left_lobe"] + ["segmental"] * 2
    rng.shuffle(single_extents)
    for plan, extent in zip(singles, single_extents, strict=True):
        plan.extents = [extent]
    second = ["whole_liver"] * 3 + ["right_lobe", "left_lobe"]
    rng.shuffle(second)
    for plan in plans:
        if plan.pattern == "seq":
            plan.extents = ["right_lobe", "left_lobe"] if rng.random() < 0.8 else ["left_lobe", "right_lobe"]
        elif plan.pattern == "repeat":
            plan.extents = ["whole_liver", second.pop()]
        elif plan.pattern == "triple":
            plan.extents = ["right_lobe", "left_lobe", "whole_liver"]


def patient_row(rng: random.Random, plan: PatientPlan, first_prrt: dt.date) -> dict[str, Any]:
    if plan.symptomatic:
        site = rng.choices(("small_bowel", "pancreas", "unknown", "lung"), (0.72, 0.16, 0.08, 0.04))[0]
    else:
        site = rng.choices(("pancreas", "small_bowel", "unknown", "lung", "colorectal", "stomach"),
                           (0.5, 0.25, 0.1, 0.05, 0.05, 0.05))[0]
    who = rng.choices(("G1", "G2", "G3"), (0.35, 0.58, 0.07))[0]
    ki67 = {"G1": rng.uniform(0.5, 2.5), "G2": rng.uniform(3.5, 18.0), "G3": rng.uniform(22.0, 35.0)}[who]
    diagnosis = first_prrt - dt.timedelta(days=rng.randint(120, 2400))
    cause = None
    if plan.dead:
        cause = ("radioembolization-induced liver disease (REILD)" if plan.reild else
                 rng.choices(("progressive disease", "liver failure due to progressive disease",
                              "carcinoid heart disease", "pneumonia", "unknown"), (0.6, 0.15, 0.1, 0.1, 0.05))[0])
    return {
        "patient_id": plan.pid,
        "center": plan.centre,
        "sex": plan.sex,
        "birth_year": plan.first_re.year - rng.randint(38, 79),
        "primary_site": site,
        "who_grade": who,
        "ki67_pct": round(ki67, 1),
        "diagnosis_date": diagnosis,
        "functional_syndrome": plan.symptomatic,
        "extrahepatic_disease": rng.random() < 0.45,
        "hepatic_tumour_burden_pct": float(rng.randint(5, 60)),
        "vital_status": "dead" if plan.dead else "alive",
        "followup_date": plan.followup,
        "cause_of_death": cause,
        "notes": NOTE,
        "excluded_from_analysis": None,  # every demo patient is analysed (`analysis.inclusion`)
        "exclusion_reason": None,
    }


def prrt_rows(rng: random.Random, plan: PatientPlan) -> list[dict[str, Any]]:
    """Prior PRRT (the last cycle `plan.interval` days before the first RE), plus salvage cycles."""
    kind = plan.prrt_kind
    if kind in ("lu_tate", "lu_toc"):
        n = rng.choices((4, 3, 2, 5), (0.8, 0.1, 0.04, 0.06))[0]
        agents = [_AGENT[kind]] * n
    elif kind == "y_toc":
        agents = [_AGENT[kind]] * rng.choice((2, 3))
    elif kind == "mibg":
        agents = [_AGENT[kind]] * rng.choice((1, 2))
    else:
        agents = ["90Y-DOTATOC", "177Lu-DOTATATE", "90Y-DOTATOC", "177Lu-DOTATATE"]
    dates = [plan.first_re - dt.timedelta(days=plan.interval)]
    for _ in agents[1:]:
        dates.insert(0, dates[0] - rng.randint(49, 77) * DAY)
    rows = [{"patient_id": plan.pid, "cycle": i + 1, "date": d, "radiopharmaceutical": a,
             "activity_gbq": _activity(rng, a)} for i, (d, a) in enumerate(zip(dates, agents, strict=True))]
    if plan.salvage_prrt:
        start = plan.first_re + rng.randint(600, plan.days - 250) * DAY
        for j in range(2):
            rows.append({"patient_id": plan.pid, "cycle": len(agents) + j + 1, "date": start + j * 63 * DAY,
                         "radiopharmaceutical": "177Lu-DOTATATE", "activity_gbq": _activity(rng, "177Lu-DOTATATE")})
    return rows


def _activity(rng: random.Random, agent: str) -> float:
    if agent.startswith("177Lu"):
        return round(7.4 + rng.choice((0.0, 0.0, -0.2, 0.1, -0.4, 0.2)), 1)
    if agent.startswith("90Y"):
        return round(rng.uniform(3.0, 4.4), 1)
    return round(rng.uniform(7.4, 11.1), 1)


def procedure_rows(rng: random.Random, plan: PatientPlan, patient: dict[str, Any]) -> list[dict[str, Any]]:
    """Resin microspheres, activity by the BSA method: (BSA − 0.2) + tumour fraction, per lobe share."""
    bsa = rng.uniform(1.6, 2.2)
    burden = patient["hepatic_tumour_burden_pct"] / 100
    rows = []
    for k, (date, extent) in enumerate(zip(plan.procedures, plan.extents, strict=True)):
        share = {"whole_liver": 1.0, "right_lobe": rng.uniform(0.55, 0.7), "left_lobe": rng.uniform(0.3, 0.42),
                 "segmental": rng.uniform(0.15, 0.3)}[extent]
        reduction = rng.choice((1.0, 1.0, 1.0, 0.9))  # prior PRRT: some centres reduce the activity
        planned = round(max(0.5, (bsa - 0.2 + burden) * share * reduction), 2)
        given = planned if rng.random() < 0.5 else round(planned * rng.uniform(0.86, 0.99), 2)
        note = None
        if plan.pattern in ("seq", "triple") and k in (0, 1):
            note = "sequential lobar treatment"
        elif k >= 1:
            note = "repeat treatment for hepatic progression"
        rows.append({
            "patient_id": plan.pid, "procedure": k + 1, "date": date, "extent": extent, "microspheres": "resin",
            "activity_planned_gbq": planned, "activity_administered_gbq": given, "dosimetry_method": "bsa",
            "lung_shunt_pct": round(rng.uniform(1.5, 14.0), 1), "notes": note,
        })
    return rows


def _fix_activity_range(rows: list[dict[str, Any]]) -> None:
    """The paper's range: a small segmental treatment of 0.4 GBq, a large one of 5.5 GBq."""
    segmental = min((r for r in rows if r["extent"] == "segmental"), key=lambda r: r["activity_administered_gbq"])
    segmental.update(activity_planned_gbq=0.45, activity_administered_gbq=0.4)
    whole = max((r for r in rows if r["extent"] == "whole_liver"), key=lambda r: r["activity_administered_gbq"])
    whole.update(activity_planned_gbq=5.8, activity_administered_gbq=5.5, dosimetry_method="partition",
                 notes="bulky disease: activity by the partition model")


def _labs(rng: random.Random, plans: list[PatientPlan]) -> list[dict[str, Any]]:
    # One single-procedure patient's follow-up labs were done elsewhere and never sent: N = 57.
    no_followup = next(p.pid for p in plans if p.pattern == "single" and not p.dead and p.recist == "SD")
    dates = {p.pid: cohort_labs.lab_dates(rng, p, with_followup=p.pid != no_followup) for p in plans}
    eligible = [(p.pid, k) for p in plans for k in range(len(p.procedures)) if p.pid != no_followup]
    reild = next(p for p in plans if p.reild)
    forced = {"bilirubin": {(reild.pid, 1)}, "albumin": {(reild.pid, 1)}}
    flags = cohort_labs.choose_flags(rng, eligible, forced)
    rows: list[dict[str, Any]] = []
    for plan in plans:
        special = None
        if plan.reild:
            special = {("inr", dates[plan.pid][-1][0]): 2}
        rows.extend(cohort_labs.patient_labs(rng, plan, dates[plan.pid], flags, special))
    return rows
