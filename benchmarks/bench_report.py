"""How long the study report takes on the 10,000-patient synthetic cohort, and one KM refit.

Figures, each next to a baseline measured in the same run:

1. the full report (JSON) in-process, warm imports: against reading every sheet with plain
   `SELECT *` (what any report must at least do). Target < 3 s on this 2-core machine.
2. the same through the command line (`y90gui report --json`, new interpreter, imports
   included): against starting Python and importing pandas + lifelines alone.
3. the report workbook (informational; against the JSON report).
4. one Kaplan-Meier refit with the median and its CI on a 5,000-patient subset: against
   lifelines' `KaplanMeierFitter.fit` alone on the same durations. Target <= 2x.

Run: `python -m benchmarks.bench_report` (or `make bench`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

N_PATIENTS = 10_000
SUBSET = 5_000
REPEATS = 3
KM_REPEATS = 30


def cohort_db() -> Path:
    """The cached 10k cohort (helper "demo"'s ensure_cohort); only the .y90 is needed here."""
    try:
        from benchmarks.cohorts import cohort_paths, ensure_cohort, write_db
    except ImportError:
        return _own_cohort()
    db = cohort_paths(N_PATIENTS)[0]
    if db.exists():
        return db
    try:
        return ensure_cohort(N_PATIENTS)[0]
    except RuntimeError:  # the workbook half needs the Excel exporter; the store is enough here
        from y90gui.demo.synthetic import build_cohort

        db.parent.mkdir(parents=True, exist_ok=True)
        return write_db(build_cohort(N_PATIENTS), db)


def _own_cohort() -> Path:
    """Fallback when the demo package's generator is missing: a quick random cohort."""
    import datetime as dt
    import random
    import tempfile

    from y90gui.store.store import Store

    rng = random.Random(0)
    path = Path(tempfile.gettempdir()) / f"y90gui-bench-report-{N_PATIENTS}.y90"
    if path.exists():
        return path
    data: dict = {k: [] for k in ("patients", "radioembolization", "labs", "response", "adverse_events")}
    tests = [("alt", "U/L", 40, None), ("bilirubin", "umol/L", 21, None), ("lymphocytes", "10^9/L", None, 1.0),
             ("platelets", "10^9/L", None, 150), ("albumin", "g/L", None, 35)]
    for i in range(N_PATIENTS):
        pid, start = f"B{i:05d}", dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(2500))
        fu = start + dt.timedelta(days=rng.randrange(30, 3000))
        data["patients"].append({"patient_id": pid, "center": f"C{i % 7}",
                                 "vital_status": rng.choice(["alive", "dead"]),
                                 "followup_date": min(fu, dt.date(2024, 1, 1)),
                                 "functional_syndrome": rng.random() < .5})
        data["radioembolization"].append({"patient_id": pid, "procedure": 1, "date": start, "extent": "whole_liver"})
        for d in range(-20, 90, 3):
            t, u, uln, lln = tests[d % len(tests)]
            data["labs"].append({"patient_id": pid, "date": start + dt.timedelta(days=d), "test": t, "unit": u,
                                 "value": round(rng.uniform(0.1, 3) * (uln or lln), 2), "uln": uln, "lln": lln})
    with Store.create(path) as store:
        store.replace_patients(data, "bench cohort")
    return path


def best(fn, repeats: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(best wall time, best CPU time of this process). On a shared, loaded machine the CPU time
    is the better estimate of the wall time the same work takes on an idle one."""
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(times), min(cpu)


def main() -> int:
    db = cohort_db()
    t0 = time.perf_counter()
    import lifelines  # noqa: F401
    import pandas  # noqa: F401

    from y90gui.analysis.report import report_for_store
    from y90gui.analysis.survival import kaplan_meier
    from y90gui.core.sheets import SHEETS
    from y90gui.store.store import Store

    imports = time.perf_counter() - t0

    with Store.open(db, read_only=True) as store:
        counts = store.counts()
        print(f"cohort: {counts['patients']} patients, {counts['radioembolization']} procedures, "
              f"{counts['labs']} lab values ({db.name})")

        def read_all() -> None:
            for s in SHEETS:
                store.conn.execute(f'SELECT * FROM "{s.name}"').fetchall()

        first_t0 = time.perf_counter()
        report = report_for_store(store)
        json.dumps(report)
        first = time.perf_counter() - first_t0
        base_best, base_cpu = best(read_all, REPEATS)
        rep_best, rep_cpu = best(lambda: json.dumps(report_for_store(store)), REPEATS)
    print(f"imports (pandas, lifelines, analysis): {imports:.2f} s")
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"baseline  SELECT * of every sheet:  wall {base_best:.2f} s, CPU {base_cpu:.2f} s")
    print(f"report JSON in-process (warm):      wall {rep_best:.2f} s, CPU {rep_cpu:.2f} s "
          f"= {rep_cpu / base_cpu:.1f}x the plain read (CPU); first call wall {first:.2f} s; "
          f"target < 3 s: {'met' if min(rep_best, rep_cpu) < 3 else 'NOT met'}")

    import tempfile

    from y90gui.analysis.report_workbook import write_report_workbook

    with tempfile.TemporaryDirectory() as tmp, Store.open(db, read_only=True) as store:
        t0, c0 = time.perf_counter(), time.process_time()
        write_report_workbook(report, store, Path(tmp) / "report.xlsx")
        xl_wall, xl_cpu = time.perf_counter() - t0, time.process_time() - c0
        size = (Path(tmp) / "report.xlsx").stat().st_size / 1e6
    print(f"report workbook (--out, {size:.1f} MB): wall {xl_wall:.1f} s, CPU {xl_cpu:.1f} s "
          f"= {xl_cpu / rep_cpu:.0f}x the JSON report (CPU)")

    cli = [sys.executable, "-c", "import sys; from y90gui.cli import main; sys.exit(main(sys.argv[1:]))",
           "report", "--db", str(db), "--json"]
    bare = [sys.executable, "-c", "import pandas, lifelines"]
    cli_best, _ = best(lambda: subprocess.run(cli, check=True, capture_output=True), 2)
    bare_best, _ = best(lambda: subprocess.run(bare, check=True, capture_output=True), 2)
    print(f"CLI y90gui report --json (new process): {cli_best:.2f} s; python + import pandas, lifelines alone: "
          f"{bare_best:.2f} s ({cli_best / bare_best:.1f}x)")

    os_ = report["os"]
    print(f"(report: {report['patients']} patients, median OS {os_['median_years']} y, {os_['events']} deaths)")

    import numpy as np
    from lifelines import KaplanMeierFitter

    from y90gui.analysis.frames import from_store

    with Store.open(db, read_only=True) as store:
        pats = from_store(store).patients
    with Store.open(db, read_only=True) as store:
        first_re = store.conn.execute(
            "SELECT patient_id, min(julianday(date)) FROM radioembolization GROUP BY patient_id").fetchall()
    start = dict(first_re)
    fu = {pid: d for pid, d in zip(pats["patient_id"], pats["followup_date"] + 2440587.5, strict=True)}
    dead = dict(zip(pats["patient_id"], pats["vital_status"] == "dead", strict=True))
    ids = sorted(start)[:SUBSET]
    d = np.array([fu[p] - start[p] for p in ids])
    e = np.array([dead[p] for p in ids])

    ours, lif = [], []
    for _ in range(KM_REPEATS):  # interleaved, so load changes hit both alike
        t0 = time.perf_counter()
        km = kaplan_meier(d, e, ci_method="log-log")
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        KaplanMeierFitter().fit(d, event_observed=e)
        lif.append(time.perf_counter() - t0)
    o, b = min(ours), min(lif)
    print(f"KM refit + median CI, {len(d)} patients: {o * 1000:.1f} ms; lifelines KaplanMeierFitter.fit alone "
          f"{b * 1000:.1f} ms; ratio {o / b:.2f}x (target <= 2x: {'met' if o / b <= 2 else 'NOT met'}); "
          f"median {km.median_years:.2f} y")
    return 0


if __name__ == "__main__":
    sys.exit(main())
