"""Cox regression and the report with the PFS / landmark / SPSS blocks on 10,000 patients.

Figures, each next to a baseline measured in the same run, interleaved (ours, baseline, ours,
...) so load changes on the shared machine hit both alike; medians of the repeats:

1. `cox.fit_cox` with 5 covariates (sex, who_grade [3 levels], ki67_pct, extrahepatic_disease,
   age: 6 coefficients) on the 10,000-patient cohort's OS, against statsmodels'
   `PHReg(ties="efron").fit()` alone on the same design matrix. Target <= 2x.
2. the whole report JSON in-process (with "pfs", "os_landmark_3m", "spss_median"), against the
   pandas floor: `pandas.read_sql_query("SELECT * ...")` of every sheet. Target <= 2x.
   (Informational: the full `cox_analysis`, 5 univariable + 1 multivariable models.)

Run: `nice python -m benchmarks.bench_cox` (or `python -m benchmarks cox`); REPEATS is small
on purpose (the machine is shared).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

REPEATS = 5
COVARIATES = ["sex", "who_grade", "ki67_pct", "extrahepatic_disease", "age"]


def interleaved(a: Callable[[], Any], b: Callable[[], Any], repeats: int) -> tuple[float, float, float, float]:
    """Median wall and CPU times of a and b, run alternately: (wall a, wall b, CPU a, CPU b). On
    the shared machine the CPU time of this process is the steadier estimate of idle wall time."""
    ta, tb, ca, cb = [], [], [], []
    for _ in range(repeats):
        for fn, wall, cpu in ((a, ta, ca), (b, tb, cb)):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return tuple(statistics.median(x) for x in (ta, tb, ca, cb))  # type: ignore[return-value]


def verdict(ours: float, base: float) -> str:
    return f"{ours / base:.2f}x (target <= 2x: {'met' if ours / base <= 2 else 'NOT met'})"


def main() -> int:
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm  # type: ignore[import-untyped]

    from benchmarks.bench_report import cohort_db
    from y90gui.analysis.covariates import COVARIATES as KNOWN
    from y90gui.analysis.cox import cox_analysis, endpoint_table, fit_cox
    from y90gui.analysis.frames import from_store
    from y90gui.analysis.report import report_for_store
    from y90gui.core.sheets import SHEETS
    from y90gui.store.store import Store

    db = cohort_db()
    with Store.open(db, read_only=True) as store:
        fr = from_store(store)
    table = endpoint_table(fr, COVARIATES, "os")
    levels = {n: KNOWN[n].levels or () for n in COVARIATES if KNOWN[n].is_factor}
    data = table.dropna(subset=COVARIATES)
    cols = []
    for n in COVARIATES:
        if n in levels:
            present = [lv for lv in levels[n] if (data[n] == lv).any()]
            cols += [(data[n] == lv).to_numpy(dtype=float) for lv in present[1:]]
        else:
            cols.append(data[n].to_numpy(dtype=float))
    x = np.column_stack(cols)
    t, e = data["time"].to_numpy(dtype=float), data["event"].to_numpy(dtype=float)
    print(f"cohort: {len(table)} treated patients, {len(data)} with all 5 covariates, {int(e.sum())} deaths, "
          f"{x.shape[1]} coefficients; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    model: dict[str, Any] = {}

    def ours() -> None:
        model["m"] = fit_cox(table, COVARIATES, levels, endpoint_label="deaths")

    def library() -> None:
        sm.PHReg(t, x, status=e, ties="efron").fit()

    o, b, oc, bc = interleaved(ours, library, REPEATS)
    m = model["m"]
    print(f"Cox, 5 covariates, {m.n} patients: fit_cox wall {o:.2f} s / CPU {oc:.2f} s; statsmodels PHReg.fit "
          f"alone wall {b:.2f} s / CPU {bc:.2f} s; ratio wall {verdict(o, b)}, CPU {verdict(oc, bc)}; "
          f"concordance {m.concordance:.3f}")

    with Store.open(db, read_only=True) as store:
        def floor() -> None:
            for s in SHEETS:
                pd.read_sql_query(f'SELECT * FROM "{s.name}"', store.conn)

        report: dict[str, Any] = {}

        def full_report() -> None:
            report["r"] = report_for_store(store)
            json.dumps(report["r"], allow_nan=False)

        full_report()  # warm: first-call imports are not the report's cost
        r_t, f_t, r_c, f_c = interleaved(full_report, floor, REPEATS)
    r = report["r"]
    print(f"report JSON with pfs/os_landmark_3m/spss_median: wall {r_t:.2f} s / CPU {r_c:.2f} s; pandas "
          f"read_sql_query of every sheet wall {f_t:.2f} s / CPU {f_c:.2f} s; ratio wall {verdict(r_t, f_t)}, "
          f"CPU {verdict(r_c, f_c)}; PFS median {r['pfs']['median_years']:.2f} y, "
          f"landmark N {r['os_landmark_3m']['N']}")
    from y90gui.analysis import landmark, pfs, recist
    from y90gui.analysis.report import km_block, treated
    from y90gui.analysis.survival import kaplan_meier

    def new_blocks() -> None:
        pats = treated(fr)[0]
        pf = pfs.pfs_frame(fr, pats)
        km_block(kaplan_meier(pf["days"].to_numpy(), pf["event"].to_numpy()), "first_radioembolization")
        landmark.landmark_json(landmark.landmark_data(pats, recist.three_month_frame(fr)), "log-log")

    t0, c0 = time.perf_counter(), time.process_time()
    new_blocks()
    print(f"(informational) the new blocks alone (PFS, landmark incl. its 3-month frame, SPSS): wall "
          f"{time.perf_counter() - t0:.2f} s / CPU {time.process_time() - c0:.2f} s")

    t0 = time.perf_counter()
    res = cox_analysis(fr, COVARIATES, "os")
    print(f"(informational) cox_analysis, 5 univariable + multivariable: {time.perf_counter() - t0:.2f} s, "
          f"N {res.multivariable.n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
