"""Synthetic case series of any size, for benchmarks and scale tests.

`build_cohort(n_patients, seed)` gives the demo cohort's shape at scale (10,000 patients ≈
13,000 procedures ≈ 400,000 lab values) with realistic distributions, valid under every rule
of spec/workbook.md. Every column is drawn for all rows at once with numpy and only turned
into row dicts at the end, so 10,000 patients take a few seconds, not minutes. Dates are fixed
(2005–2024) and never depend on the clock, so a seed always gives the same cohort.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any, cast

import numpy as np

from y90gui.core.codes import LAB_TEST
from y90gui.core.gc_pause import paused_gc
from y90gui.core.validate import CaseData

#: Bump when the generator changes what a seed gives (cached benchmark cohorts are keyed on it).
VERSION = 1

_START = np.datetime64("2008-01-01")
_LAST_FIRST_RE = np.datetime64("2018-12-31")
_LOCK = np.datetime64("2024-06-30")

#: test: (median in SI, log-sd, SI unit, ULN, LLN)
_SI: dict[str, tuple[float, float, str, float | None, float | None]] = {
    "alt": (30, 0.5, "U/L", 45, None), "ast": (32, 0.5, "U/L", 35, None), "alp": (130, 0.5, "U/L", 115, 40),
    "ggt": (90, 0.8, "U/L", 55, None), "bilirubin": (10, 0.45, "umol/L", 17, None),
    "albumin": (38, 0.12, "g/L", 50, 35), "creatinine": (80, 0.2, "umol/L", 110, 60),
    "inr": (1.05, 0.08, "ratio", 1.2, 0.8), "hemoglobin": (125, 0.12, "g/L", 175, 135),
    "wbc": (5.5, 0.3, "10^9/L", 10, 4), "lymphocytes": (0.9, 0.45, "10^9/L", 3.5, 1.0),
    "neutrophils": (3.5, 0.35, "10^9/L", 7.5, 1.8), "platelets": (200, 0.35, "10^9/L", 400, 150),
}
#: Unit conventions: convention -> test -> (unit, factor from SI, decimals).
_CONVENTIONS: list[dict[str, tuple[str, float, int]]] = [
    {},
    {"hemoglobin": ("mmol/L", 1 / 16.11, 1)},
    {"bilirubin": ("mg/dL", 1 / 17.1, 1), "creatinine": ("mg/dL", 1 / 88.4, 2), "hemoglobin": ("g/dL", 0.1, 1)},
    {"bilirubin": ("mg/dL", 1 / 17.1, 1), "creatinine": ("mg/dL", 1 / 88.4, 2), "hemoglobin": ("g/dL", 0.1, 1),
     "albumin": ("g/dL", 0.1, 1), "wbc": ("/mm3", 1000, -1), "lymphocytes": ("/mm3", 1000, -1),
     "neutrophils": ("/mm3", 1000, -1), "platelets": ("/mm3", 1000, -3)},
    {},  # SI, with the enzymes' limits sent once as reference ranges
]
_REF_TESTS = ("alt", "ast", "alp", "ggt", "bilirubin")
_SI_DECIMALS = {"inr": 2, "wbc": 1, "lymphocytes": 2, "neutrophils": 2, "albumin": 0}
_TEST_PRESENT = 0.79  # share of tests done at a lab visit -> about 30 lab values per procedure


def _dates(a: np.ndarray) -> list[Any]:
    return cast(list[Any], a.astype("datetime64[D]").tolist())  # numpy types tolist() as Any


def _rows(columns: dict[str, Any], n: int) -> list[dict[str, Any]]:
    names = list(columns)
    values = [v.tolist() if isinstance(v, np.ndarray) and v.dtype.kind != "M" else
              (_dates(v) if isinstance(v, np.ndarray) else [v] * n) for v in columns.values()]
    # map(dict, map(zip, ...)) runs the per-row loop in C: twice as fast as a comprehension
    return list(map(dict, map(zip, repeat(names), zip(*values))))


def build_cohort(n_patients: int, seed: int = 0, lab_share: float = _TEST_PRESENT) -> CaseData:
    """A valid synthetic case series of `n_patients` patients (IDs SYN-000001 …).

    `lab_share` is the share of the 13 tests done at each lab visit (default ~39 lab values
    per patient). A smaller share thins only the labs sheet, with the same random draws, so
    every other sheet is the default cohort's: at 0.2 a 100,000-patient labs sheet (~1 million
    rows at the default's 3.9 million) still fits in one Excel sheet (1,048,576 rows).

    The cyclic garbage collector is paused while the rows are made: millions of fresh dicts
    (none of them in a cycle) would otherwise trigger a full collection again and again, a
    third of the time at 100,000 patients.
    """
    with paused_gc():
        return _build(n_patients, seed, lab_share)


def _build(n_patients: int, seed: int, lab_share: float = _TEST_PRESENT) -> CaseData:
    rng = np.random.default_rng(seed)
    n = n_patients
    pids = np.array([f"SYN-{i + 1:06d}" for i in range(n)], dtype=object)
    n_centres = int(np.clip(n // 150, 5, 60))  # at least one centre per unit convention
    centre_idx = rng.integers(0, n_centres, n)
    centre_names = np.array([f"Synthetic Centre {c + 1:02d} (fictional)" for c in range(n_centres)], dtype=object)
    convention = centre_idx % len(_CONVENTIONS)

    first_re = _START + rng.integers(0, int((_LAST_FIRST_RE - _START).astype(int)), n)
    n_proc = rng.choice([1, 2, 3], n, p=[0.72, 0.24, 0.04])
    gap2 = np.where(rng.random(n) < 0.6, rng.integers(35, 57, n), rng.integers(300, 700, n))
    gap3 = gap2 + rng.integers(300, 700, n)
    last_offset = np.where(n_proc == 1, 0, np.where(n_proc == 2, gap2, gap3))
    survival = (rng.weibull(1.1, n) * 1700).astype(int)
    days = np.maximum(survival, last_offset + 100)
    lock_days = (_LOCK - first_re).astype(int)
    loss = np.where(rng.random(n) < 0.1, rng.integers(200, 2000, n), lock_days)
    censor = np.maximum(np.minimum(lock_days, loss), last_offset + 100)
    dead = days <= censor
    followup = first_re + np.where(dead, days, censor)

    prrt, first_prrt = _prrt(rng, pids, first_re)
    patients = _patients(rng, pids, centre_names[centre_idx], first_prrt, followup, dead)
    proc_pid = np.repeat(np.arange(n), n_proc)
    proc_no = _within(n_proc) + 1
    offset = np.select([proc_no == 1, proc_no == 2], [0, gap2[proc_pid]], gap3[proc_pid])
    proc_date = first_re[proc_pid] + offset
    radioembolization = _procedures(rng, pids[proc_pid], proc_no, proc_date)
    response = _responses(rng, pids, first_re, followup)
    labs = _labs(rng, pids[proc_pid], proc_date, convention[proc_pid],
                 np.append(proc_date[1:], np.datetime64("9999-12-31")), proc_pid, lab_share)
    adverse = _adverse_events(rng, pids[proc_pid], proc_no, proc_date, followup[proc_pid])
    treatments = _treatments(rng, pids, first_re, followup)
    ref_centres = [c for c in range(n_centres) if c % len(_CONVENTIONS) == 4]
    reference = [{"center": str(centre_names[c]), "test": t, "unit": _SI[t][2], "lln": _lim(_SI[t][4]),
                  "uln": _lim(_SI[t][3])} for c in ref_centres for t in _REF_TESTS]
    return {"patients": patients, "prrt": prrt, "radioembolization": radioembolization, "response": response,
            "labs": labs, "adverse_events": adverse, "treatments_after": treatments, "reference_ranges": reference}


def _lim(v: float | None) -> float | None:
    return None if v is None else float(v)


def _blank(mask: np.ndarray, values: Any) -> np.ndarray:
    """`values` (an array or one value) as an object array, None where `mask` is true."""
    out = np.empty(len(mask), dtype=object)
    out[:] = values
    out[mask] = None
    return out


def _within(counts: np.ndarray) -> np.ndarray:
    """0, 1, …, k-1 for each owner with k rows, concatenated (rows grouped by owner)."""
    # numpy's stubs give Any for arithmetic on arrays whose dtype they do not know
    return cast(np.ndarray, np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))


def _patients(rng: np.random.Generator, pids: np.ndarray, centres: np.ndarray, first_prrt: np.ndarray,
              followup: np.ndarray, dead: np.ndarray) -> list[dict[str, Any]]:
    n = len(pids)
    who = rng.choice(["G1", "G2", "G3"], n, p=[0.35, 0.58, 0.07])
    ki67 = np.round(np.select([who == "G1", who == "G2"], [rng.uniform(0.5, 2.9, n), rng.uniform(3, 20, n)],
                              rng.uniform(21, 60, n)), 1)
    diagnosis = first_prrt - rng.integers(90, 2500, n)
    return _rows({
        "patient_id": pids, "center": centres, "sex": rng.choice(["F", "M"], n, p=[0.45, 0.55]),
        "birth_year": first_prrt.astype("datetime64[Y]").astype(int) + 1970 - rng.integers(35, 80, n),
        "primary_site": rng.choice(["pancreas", "small_bowel", "lung", "colorectal", "stomach", "unknown", "other"],
                                   n, p=[0.38, 0.4, 0.05, 0.03, 0.03, 0.09, 0.02]),
        "who_grade": who, "ki67_pct": ki67, "diagnosis_date": diagnosis,
        "functional_syndrome": rng.random(n) < 0.5, "extrahepatic_disease": rng.random(n) < 0.45,
        "hepatic_tumour_burden_pct": np.round(rng.uniform(3, 75, n), 0),
        "vital_status": np.where(dead, "dead", "alive"), "followup_date": followup,
        "cause_of_death": _blank(~dead, "progressive disease"),
        "notes": "Synthetic patient (benchmark cohort): not a real person.",
        "excluded_from_analysis": None, "exclusion_reason": None,  # all analysed
    }, n)


def _prrt(rng: np.random.Generator, pids: np.ndarray, first_re: np.ndarray
          ) -> tuple[list[dict[str, Any]], np.ndarray]:
    """PRRT cycles (the last `interval` days before the first RE) and each patient's first cycle date."""
    n = len(pids)
    cycles = rng.choice([1, 2, 3, 4, 5], n, p=[0.04, 0.06, 0.1, 0.74, 0.06])
    interval = np.clip(rng.lognormal(np.log(353), 0.6, n), 60, 3000).astype(int)
    owner = np.repeat(np.arange(n), cycles)
    cycle = _within(cycles) + 1
    back = (cycles[owner] - cycle) * rng.integers(49, 78, len(owner))
    date = first_re[owner] - interval[owner] - back
    agent = rng.choice(["177Lu-DOTATATE", "177Lu-DOTATOC", "90Y-DOTATOC", "131I-MIBG"], n,
                       p=[0.82, 0.08, 0.07, 0.03])[owner]
    activity = np.where(agent == "90Y-DOTATOC", rng.uniform(3, 4.4, len(owner)),
                        np.where(agent == "131I-MIBG", rng.uniform(7.4, 11.1, len(owner)),
                                 rng.normal(7.3, 0.2, len(owner))))
    rows = _rows({"patient_id": pids[owner], "cycle": cycle, "date": date, "radiopharmaceutical": agent,
                  "activity_gbq": np.round(np.clip(activity, 1, 14.9), 1)}, len(owner))
    return rows, date[cycle == 1]


def _procedures(rng: np.random.Generator, pids: np.ndarray, proc_no: np.ndarray, dates: np.ndarray
                ) -> list[dict[str, Any]]:
    m = len(pids)
    extent = rng.choice(["whole_liver", "right_lobe", "left_lobe", "segmental"], m, p=[0.55, 0.27, 0.13, 0.05])
    share = np.select([extent == "whole_liver", extent == "right_lobe", extent == "left_lobe"],
                      [1.0, rng.uniform(0.55, 0.7, m), rng.uniform(0.3, 0.42, m)], rng.uniform(0.15, 0.3, m))
    planned = np.round(np.clip((rng.uniform(1.5, 2.2, m) - 0.2 + rng.uniform(0.03, 0.7, m)) * share, 0.2, 9.9), 2)
    given = np.round(np.clip(planned * rng.uniform(0.85, 1.0, m), 0.1, 9.9), 2)
    return _rows({"patient_id": pids, "procedure": proc_no, "date": dates, "extent": extent,
                  "microspheres": rng.choice(["resin", "glass"], m, p=[0.9, 0.1]),
                  "activity_planned_gbq": planned, "activity_administered_gbq": given,
                  "dosimetry_method": rng.choice(["bsa", "partition", "empirical"], m, p=[0.8, 0.15, 0.05]),
                  "lung_shunt_pct": np.round(rng.uniform(1, 18, m), 1), "notes": None}, m)


def _responses(rng: np.random.Generator, pids: np.ndarray, first_re: np.ndarray, followup: np.ndarray
               ) -> list[dict[str, Any]]:
    n = len(pids)
    visits = np.array([-20, 90, 182, 365, 730])
    owner = np.repeat(np.arange(n), len(visits))
    date = first_re[owner] + np.tile(visits, n) + rng.integers(-10, 11, len(owner))
    keep = date <= followup[owner]
    owner, date = owner[keep], date[keep]
    k = len(owner)
    baseline = rng.uniform(30, 200, n)
    is_base = date <= first_re[owner]
    factor = np.where(is_base, 1.0, rng.lognormal(0, 0.25, k))
    total = np.round(baseline[owner] * factor, 0)
    change = factor - 1
    recist = _blank(is_base, np.select([change >= 0.2, change <= -0.3], ["PD", "PR"], "SD"))
    return _rows({"patient_id": pids[owner], "date": date, "recist": recist, "target_sum_mm": total,
                  "new_lesions": _blank(is_base, False), "non_target": _blank(is_base, "non-CR/non-PD"),
                  "clinical_response": _blank(is_base, rng.choice(["yes", "no", "na"], k, p=[0.3, 0.2, 0.5]))}, k)


def _labs(rng: np.random.Generator, pids: np.ndarray, dates: np.ndarray, convention: np.ndarray,
          next_dates: np.ndarray, owner: np.ndarray, share: float = _TEST_PRESENT) -> list[dict[str, Any]]:
    same_patient_next = np.append(owner[1:] == owner[:-1], False)
    nxt = np.where(same_patient_next, next_dates, np.datetime64("9999-12-31"))
    offsets = np.array([-5, 28, 84])
    visit_proc = np.repeat(np.arange(len(pids)), len(offsets))
    visit_date = dates[visit_proc] + np.tile(offsets, len(pids)) + rng.integers(-3, 4, len(visit_proc))
    visit_keep = visit_date < nxt[visit_proc] - 3
    visit_proc, visit_date = visit_proc[visit_keep], visit_date[visit_keep]
    out: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for test in LAB_TEST:
        median, sd, si_unit, uln, lln = _SI[test]
        present = rng.random(len(visit_proc)) < share
        vp, vd = visit_proc[present], visit_date[present]
        value_si = median * rng.lognormal(0, sd, len(vp))
        conv = convention[vp]
        unit = np.full(len(vp), si_unit, dtype=object)
        value = np.round(value_si, _SI_DECIMALS.get(test, 0))
        # limits as floats with NaN for "none": turned into None in one vectorised step below
        row_uln = np.full(len(vp), np.nan if uln is None else float(uln))
        row_lln = np.full(len(vp), np.nan if lln is None else float(lln))
        for c, table in enumerate(_CONVENTIONS):
            mask = conv == c
            if test in table:
                u, factor, decimals = table[test]
                unit[mask] = u
                value[mask] = np.round(value_si[mask] * factor, decimals)
                row_uln[mask] = np.nan if uln is None else round(uln * factor, max(decimals, 2))
                row_lln[mask] = np.nan if lln is None else round(lln * factor, max(decimals, 2))
            if c == 4 and test in _REF_TESTS:
                row_uln[mask] = np.nan
                row_lln[mask] = np.nan
        out.append((LAB_TEST.index(test), np.flatnonzero(present), vd, np.maximum(value, 0.0), unit,
                    row_uln, row_lln))
    # One visit's tests together, visits in date order per patient (as a lab export would list them).
    test_idx = np.concatenate([np.full(len(o[1]), o[0]) for o in out])
    visit = np.concatenate([o[1] for o in out])
    order = np.lexsort((test_idx, visit))
    return _rows({"patient_id": pids[visit_proc[visit[order]]],
                  "date": np.concatenate([o[2] for o in out])[order],
                  "test": np.array(LAB_TEST, dtype=object)[test_idx[order]],
                  "value": np.concatenate([o[3] for o in out])[order],
                  "unit": np.concatenate([o[4] for o in out])[order],
                  "uln": _nullable(np.concatenate([o[5] for o in out])[order]),
                  "lln": _nullable(np.concatenate([o[6] for o in out])[order])}, len(order))


def _nullable(values: np.ndarray) -> np.ndarray:
    """A float array with NaN for a missing value as Python floats and None (vectorised: no per-cell call)."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out


def _adverse_events(rng: np.random.Generator, pids: np.ndarray, proc_no: np.ndarray, dates: np.ndarray,
                    followup: np.ndarray) -> list[dict[str, Any]]:
    m = len(pids)
    has = rng.random(m) < 0.3
    idx = np.flatnonzero(has)
    onset = dates[idx] + rng.integers(1, 61, len(idx))
    onset = np.minimum(onset, followup[idx])
    ok = onset > dates[idx]
    idx, onset = idx[ok], onset[ok]
    k = len(idx)
    category = np.where(rng.random(k) < 0.15, "complication", "clinical")
    term = np.where(category == "clinical",
                    rng.choice(["fatigue", "abdominal pain", "nausea", "fever"], k),
                    rng.choice(["gastric ulcer", "cholecystitis", "REILD"], k, p=[0.5, 0.4, 0.1]))
    return _rows({"patient_id": pids[idx], "procedure": proc_no[idx], "onset_date": onset, "term": term,
                  "category": category, "grade": rng.choice([1, 2, 3], k, p=[0.6, 0.3, 0.1]), "notes": None}, k)


def _treatments(rng: np.random.Generator, pids: np.ndarray, first_re: np.ndarray, followup: np.ndarray
                ) -> list[dict[str, Any]]:
    n = len(pids)
    count = rng.choice([0, 1, 2, 3], n, p=[0.2, 0.4, 0.3, 0.1])
    owner = np.repeat(np.arange(n), count)
    span = (followup[owner] - first_re[owner]).astype(int)
    start = first_re[owner] + np.maximum(1, (rng.random(len(owner)) * span).astype(int))
    start = np.minimum(start, followup[owner])
    treatment = rng.choice(["somatostatin_analogue", "everolimus", "sunitinib", "chemotherapy", "prrt", "surgery",
                            "liver_directed", "other"], len(owner), p=[0.45, 0.15, 0.05, 0.15, 0.08, 0.02, 0.07, 0.03])
    return _rows({"patient_id": pids[owner], "start_date": start, "treatment": treatment, "notes": None},
                 len(owner))
