"""The demo cohort's design: who is who, before any row is written.

The seed paper's abstract fixes the totals (44 patients, 58 procedures, RECIST 1/6/33/4, 15/23
clinical responses, 24 deaths, a median PRRT → RE interval of 353 days, a median OS of 3.5
years). Those totals are laid down here as exact allocations, and chance (a seeded
`random.Random`) only decides which patient gets what and the details around it. The survival
times were chosen once so that the Kaplan–Meier median (R's rule) is 3.50 years with a 95 %
log-log CI of 1.80–5.10 years, every crossing of 0.5 at least 0.007 away from 0.5.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from y90gui.demo.centres import CENTRE_SIZES

SEED = 20200201

#: Days from first RE to death (24 deaths; the first is the fatal REILD).
DEATH_DAYS = (117, 253, 283, 311, 324, 331, 338, 373, 390, 425, 436, 492, 531, 573, 657, 718, 1007, 1046,
              1264, 1278, 1320, 1547, 1688, 1863)
#: Days from first RE to the date last known alive (20 censored).
CENSOR_DAYS = (441, 482, 514, 592, 629, 658, 695, 879, 885, 1093, 1322, 1425, 1461, 1773, 1931, 1999, 2109,
               2306, 2689, 3468)
REILD_DAYS = 117
PD_DEATH_DAYS = (253, 311, 373, 531)
REPEAT_TIMES = ((1264, True), (1547, True), (1863, True), (1931, False), (2306, False), (2689, False))
CR_TIME = (3468, False)
SALVAGE_PRRT_TIMES = (1688, 2109)

#: Median PRRT -> RE interval: 21 shorter, two of exactly 353 days, 21 longer.
MEDIAN_INTERVAL = 353

LOCK_DATE = dt.date(2021, 3, 31)

PRRT_KINDS = ["lu_tate"] * 34 + ["lu_toc"] * 3 + ["y_toc"] * 3 + ["mibg"] * 2 + ["combo"] * 2


@dataclass
class PatientPlan:
    pid: str
    centre: str
    sex: str
    pattern: str  # single | seq | repeat | triple
    recist: str
    days: int
    dead: bool
    reild: bool = False
    symptomatic: bool = False
    clinical_yes: bool = False
    interval: int = 0
    prrt_kind: str = "lu_tate"
    salvage_prrt: bool = False
    first_re: dt.date = dt.date(2000, 1, 1)
    procedures: list[dt.date] = field(default_factory=list)
    extents: list[str] = field(default_factory=list)

    @property
    def followup(self) -> dt.date:
        return self.first_re + dt.timedelta(days=self.days)


def _rand_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def make_plans(rng: random.Random) -> list[PatientPlan]:
    """44 patient plans with the abstract's totals, in DEMO-001 … DEMO-044 order."""
    n = sum(CENTRE_SIZES.values())
    slots: list[PatientPlan] = []
    # Fixed roles first; the remaining times and responses are dealt out at random.
    slots.append(PatientPlan("", "", "", "seq", "SD", REILD_DAYS, True, reild=True))
    for days in PD_DEATH_DAYS:
        slots.append(PatientPlan("", "", "", "single", "PD", days, True))
    slots.append(PatientPlan("", "", "", "single", "CR", CR_TIME[0], CR_TIME[1]))
    patterns = ["repeat"] * 5 + ["triple"]
    for pattern, (days, dead) in zip(patterns, REPEAT_TIMES, strict=True):
        slots.append(PatientPlan("", "", "", pattern, "", days, dead))
    used = {REILD_DAYS, *PD_DEATH_DAYS, *(d for d, _ in REPEAT_TIMES)}
    rest = [(d, True) for d in DEATH_DAYS if d not in used]
    rest += [(d, False) for d in CENSOR_DAYS if d not in (CR_TIME[0], *(d for d, _ in REPEAT_TIMES))]
    rng.shuffle(rest)
    rest_patterns = ["seq"] * 6 + ["single"] * (len(rest) - 6)
    rng.shuffle(rest_patterns)
    for (days, dead), pattern in zip(rest, rest_patterns, strict=True):
        slots.append(PatientPlan("", "", "", pattern, "", days, dead))
    assert len(slots) == n
    open_slots = [p for p in slots if not p.recist]
    responses = ["PR"] * 6 + ["SD"] * (len(open_slots) - 6)
    rng.shuffle(responses)
    for plan, code in zip(open_slots, responses, strict=True):
        plan.recist = code

    rng.shuffle(slots)
    centres = [c for c, k in CENTRE_SIZES.items() for _ in range(k)]
    rng.shuffle(centres)
    kinds = PRRT_KINDS[:]
    rng.shuffle(kinds)
    symptomatic = [p for p in slots if not p.reild]
    rng.shuffle(symptomatic)
    responders = set(range(15))
    for i, plan in enumerate(symptomatic[:23]):
        plan.symptomatic = True
        plan.clinical_yes = i in responders
    intervals = ([rng.randint(95, 345) for _ in range(21)] + [MEDIAN_INTERVAL] * 2
                 + [rng.randint(361, 1900) for _ in range(21)])
    rng.shuffle(intervals)
    for i, plan in enumerate(slots):
        plan.pid = f"DEMO-{i + 1:03d}"
        plan.centre = centres[i]
        plan.sex = "M" if rng.random() < 0.55 else "F"
        plan.prrt_kind = kinds[i]
        plan.interval = intervals[i]
        plan.salvage_prrt = plan.days in SALVAGE_PRRT_TIMES and plan.pattern in ("single", "seq")
        _schedule(rng, plan)
    return slots


def _schedule(rng: random.Random, plan: PatientPlan) -> None:
    """Calendar dates of the procedures; everything else hangs off these."""
    if plan.dead:
        latest = min(dt.date(2016, 12, 31), dt.date(2021, 12, 31) - dt.timedelta(days=plan.days))
        plan.first_re = _rand_date(rng, dt.date(2009, 1, 1), latest)
    elif plan.days < 1000:  # lost to follow-up
        plan.first_re = _rand_date(rng, dt.date(2013, 1, 1), dt.date(2017, 6, 30))
    else:
        last_seen = LOCK_DATE - dt.timedelta(days=rng.randint(0, 150))
        plan.first_re = last_seen - dt.timedelta(days=plan.days)
    day = dt.timedelta(days=1)
    first = plan.first_re
    if plan.pattern == "single":
        plan.procedures = [first]
    elif plan.pattern == "seq":
        gap = 42 if plan.reild else rng.randint(35, 56)
        plan.procedures = [first, first + gap * day]
    elif plan.pattern == "repeat":
        plan.procedures = [first, first + rng.randint(380, min(720, plan.days - 200)) * day]
    else:
        plan.procedures = [first, first + rng.randint(35, 56) * day,
                           first + rng.randint(420, min(700, plan.days - 200)) * day]
