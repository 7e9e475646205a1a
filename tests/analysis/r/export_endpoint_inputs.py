"""Write R's inputs for the PFS / landmark and Cox checks of make_reference.R.

    .venv/bin/python tests/analysis/r/export_endpoint_inputs.py && Rscript tests/analysis/r/make_reference.R

- r_input_endpoints/pfs_edge.csv, landmark_edge.csv: the hand-written expected rows of
  tests/analysis/endpoint_cases.py (not y90gui's derivation: that is what the tests check);
- r_input_cox/*.csv: seeded synthetic data sets (a three-level factor; a continuous covariate;
  heavy ties with missing covariates) and the demo cohort's covariates as y90gui derives them
  (`covariates.covariate_frame`, OS from `survival.os_arrays`); models.json says which models R fits.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
sys.path.insert(0, str(HERE.parent))

from endpoint_cases import expected_landmark, expected_pfs  # noqa: E402

DEMO_COVARIATES = ["sex", "who_grade", "ki67_pct", "extrahepatic_disease", "age", "prrt_cycles"]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows([["NA" if v is None else v for v in r] for r in rows])


def endpoints() -> None:
    out = DATA / "r_input_endpoints"
    _write(out / "pfs_edge.csv", ["patient_id", "time", "status"],
           [[pid, d, e] for pid, (d, e) in expected_pfs().items()])
    _write(out / "landmark_edge.csv", ["patient_id", "time", "status", "group"],
           [[pid, d, e, g] for pid, (g, d, e) in expected_landmark().items() if d is not None])


def cox_sets() -> dict[str, dict[str, object]]:
    rng = np.random.default_rng(15)
    out = DATA / "r_input_cox"
    models: dict[str, dict[str, object]] = {}

    n = 90
    grade = rng.choice(["G1", "G2", "G3"], n, p=[0.4, 0.35, 0.25])
    rate = np.select([grade == "G1", grade == "G2"], [1 / 900, 1 / 600], 1 / 300)
    t, c = np.ceil(rng.exponential(1 / rate)), np.ceil(rng.uniform(200, 1500, n))
    _write(out / "factor3.csv", ["time", "status", "who_grade"],
           [[int(min(a, b)), int(a <= b), g] for a, b, g in zip(t, c, grade, strict=True)])
    models["factor3"] = {"factors": {"who_grade": ["G1", "G2", "G3"]}, "models": [["who_grade"]]}

    n = 70
    ki67 = np.round(rng.gamma(2.0, 6.0, n), 1)
    t = np.ceil(rng.exponential(1 / (np.exp(0.04 * ki67) / 1200)))
    c = np.ceil(rng.uniform(100, 2000, n))
    _write(out / "continuous.csv", ["time", "status", "ki67_pct"],
           [[int(min(a, b)), int(a <= b), k] for a, b, k in zip(t, c, ki67, strict=True)])
    models["continuous"] = {"factors": {}, "models": [["ki67_pct"]]}

    n = 80
    sex = rng.choice(["F", "M"], n).astype(object)
    age = np.round(rng.normal(62, 9, n)).astype(object)
    lin = 0.5 * (sex == "M") + 0.03 * (age.astype(float) - 62)
    t = 30 * np.ceil(rng.exponential(700 / np.exp(lin.astype(float))) / 30)  # months: heavy ties
    c = 30 * np.ceil(rng.uniform(60, 1800, n) / 30)
    sex[rng.choice(n, 6, replace=False)] = None
    age[rng.choice(n, 5, replace=False)] = None
    _write(out / "ties_missing.csv", ["time", "status", "sex", "age"],
           [[int(min(a, b)), int(a <= b), s, g] for a, b, s, g in zip(t, c, sex, age, strict=True)])
    models["ties_missing"] = {"factors": {"sex": ["F", "M"]}, "models": [["sex"], ["age"], ["sex", "age"]]}
    return models


def demo_set(models: dict[str, dict[str, object]]) -> None:
    from y90gui.analysis.covariates import COVARIATES, covariate_frame
    from y90gui.analysis.frames import from_case_data
    from y90gui.analysis.report import treated
    from y90gui.analysis.survival import os_arrays
    from y90gui.demo.cohort import build_demo

    fr = from_case_data(build_demo())
    pats = treated(fr)[0]
    cov = covariate_frame(fr, DEMO_COVARIATES, pats)
    days, dead = os_arrays(pats)
    rows = [[int(d), int(e), *[None if v is None or v != v else v for v in r]]
            for d, e, r in zip(days, dead, cov[DEMO_COVARIATES].itertuples(index=False), strict=True)]
    _write(DATA / "r_input_cox" / "demo_os.csv", ["time", "status", *DEMO_COVARIATES], rows)
    factors = {c: list(COVARIATES[c].levels or ()) for c in DEMO_COVARIATES if COVARIATES[c].is_factor}
    # who_grade alone does not converge (no death among the G3 patients: R warns "coefficient may
    # be infinite"); the multivariable model leaves it out, the tests expect our error for it
    multi = [c for c in DEMO_COVARIATES if c != "who_grade"]
    models["demo_os"] = {"factors": factors, "models": [[c] for c in DEMO_COVARIATES] + [multi]}


def main() -> None:
    endpoints()
    models = cox_sets()
    demo_set(models)
    (DATA / "r_input_cox" / "models.json").write_text(json.dumps(models, indent=1) + "\n")
    print(f"wrote R inputs under {DATA}")


if __name__ == "__main__":
    main()
