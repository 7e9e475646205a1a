"""The study report on the synthetic cohort, and one KM refit, against their peers.

Every figure is a median of interleaved samples (ours, peer, ours, peer ...) with min-max:
1. the report workbook (`write_report_workbook` of a computed report, 10,000 patients)
   against reading every table with pandas (`pd.read_sql_query("SELECT * ...")`); goal <= 2.0x
   (issue 16). The report plus its workbook (what `report --out` waits for) is shown beside it,
   and the workbook from frames already in memory (what the window's "Save report" waits for:
   it hands the workbook its cohort's frames, so nothing is read again);
2. the report JSON in-process, warm imports, against plain `SELECT *` of every sheet
   (informational: no absolute target, which only says how fast this machine is);
3. `y90gui report --json` in a new interpreter against `python -c "import pandas, lifelines"`
   (informational: what a command-line user waits for beyond the imports);
4. one Kaplan-Meier refit with the median and its CI on a 5,000-patient subset against
   lifelines' `KaplanMeierFitter.fit` on the same durations; goal <= 2x.

    python -m benchmarks.bench_report [--only report_workbook,report_json,report_cli,km_fit] [--sizes 10000]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import harness

MODULE = "report"
SIZES = (10_000,)
SUBSET = 5_000
KM_PAIRS = 30


def cohort_db(n: int) -> Path:
    from benchmarks.cohorts import ensure_cohort

    return ensure_cohort(n)[0]


def bench_tables(opts: harness.Options, n: int, db: Path) -> None:
    import pandas as pd

    from y90gui.analysis.frames import from_store
    from y90gui.analysis.prepared_report import lab_tables_once
    from y90gui.analysis.report import compute_from_frames, report_for_store
    from y90gui.analysis.report_workbook import write_report_workbook
    from y90gui.core.sheets import SHEETS
    from y90gui.store.store import Store

    with Store.open(db, read_only=True) as store, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.xlsx"

        def pandas_read() -> None:
            for s in SHEETS:
                pd.read_sql_query(f'SELECT * FROM "{s.name}"', store.conn)

        def select_all() -> None:
            for s in SHEETS:
                store.conn.execute(f'SELECT * FROM "{s.name}"').fetchall()

        def report_and_workbook() -> None:
            """What `report --out` does (`analysis.commands.report_on`): one read of the store,
            the report and the workbook both from those frames (until round 5 this row read the
            store twice, once for `report_for_store` and once in the workbook; until session 11
            the workbook graded the labs a second time)."""
            fr = from_store(store)
            with lab_tables_once():
                write_report_workbook(compute_from_frames(fr), fr, out)

        report: dict[str, Any] = report_for_store(store)
        if opts.wants(MODULE, "report_workbook"):
            held = from_store(store)  # the window's frames (`ui.report_view` passes them)
            s = harness.interleaved({
                "workbook": lambda: harness.timed(lambda: write_report_workbook(report, store, out)),
                "pandas": lambda: harness.timed(pandas_read),
                "report+workbook": lambda: harness.timed(report_and_workbook),
                "from frames": lambda: harness.timed(lambda: write_report_workbook(report, held, out))},
                opts.pairs(n), warmup=True)
            harness.record(MODULE, "report_workbook", n, f"report workbook, {n:,} patients", s["workbook"], "s",
                           peer=s["pandas"], peer_name="reading every table with pandas", max_ratio=2.0,
                           save=opts.save, note="workbook written from a computed report")
            harness.record(MODULE, "report_and_workbook", n, f"report computed + workbook, {n:,} patients",
                           s["report+workbook"], "s", peer=s["pandas"], peer_name="reading every table with pandas",
                           goal_row=False, save=opts.save)
            harness.record(MODULE, "report_workbook_frames", n,
                           f"report workbook from frames in memory, {n:,} patients", s["from frames"], "s",
                           peer=s["pandas"], peer_name="reading every table with pandas",
                           goal_row=False, save=opts.save, note="the window's Save report: frames held, not read")
        if opts.wants(MODULE, "report_json"):
            s = harness.interleaved({"ours": lambda: harness.timed(lambda: json.dumps(report_for_store(store))),
                                     "select": lambda: harness.timed(select_all)}, opts.pairs(n))
            harness.record(MODULE, "report_json", n, f"report JSON in-process, {n:,} patients", s["ours"], "s",
                           peer=s["select"], peer_name="SELECT * of every sheet", goal_row=False, save=opts.save)


def bench_cli(opts: harness.Options, n: int, db: Path) -> None:
    cli = [sys.executable, "-c", "import sys; from y90gui.cli import main; sys.exit(main(sys.argv[1:]))",
           "report", "--db", str(db), "--json"]
    bare = [sys.executable, "-c", "import pandas, lifelines"]
    s = harness.interleaved({"cli": lambda: harness.timed(lambda: subprocess.run(cli, check=True, capture_output=True)),
                             "bare": lambda: harness.timed(lambda: subprocess.run(bare, check=True,
                                                                                  capture_output=True))},
                            opts.pairs(n))
    harness.record(MODULE, "report_cli", n, f"`y90gui report --json`, {n:,} patients", s["cli"], "s", peer=s["bare"],
                   peer_name="python + import pandas, lifelines", goal_row=False, save=opts.save)


def bench_km(opts: harness.Options, n: int, db: Path) -> None:
    import numpy as np
    from lifelines import KaplanMeierFitter

    from y90gui.analysis.frames import from_store
    from y90gui.analysis.survival import kaplan_meier
    from y90gui.store.store import Store

    with Store.open(db, read_only=True) as store:
        pats = from_store(store).patients
        first_re = store.conn.execute(
            "SELECT patient_id, min(julianday(date)) FROM radioembolization GROUP BY patient_id").fetchall()
    start = dict(first_re)
    fu = dict(zip(pats["patient_id"], pats["followup_date"] + 2440587.5, strict=True))
    dead = dict(zip(pats["patient_id"], pats["vital_status"] == "dead", strict=True))
    ids = sorted(start)[:SUBSET]
    d = np.array([fu[p] - start[p] for p in ids])
    e = np.array([dead[p] for p in ids])
    s = harness.interleaved({"ours": lambda: harness.timed(lambda: kaplan_meier(d, e, ci_method="log-log")) * 1000,
                             "lifelines": lambda: harness.timed(
                                 lambda: KaplanMeierFitter().fit(d, event_observed=e)) * 1000},
                            opts.repeats or KM_PAIRS, warmup=True)
    harness.record(MODULE, "km_fit", len(d), f"KM fit + median CI, {len(d):,} patients", s["ours"], "ms",
                   peer=s["lifelines"], peer_name="lifelines KaplanMeierFitter.fit", max_ratio=2.0, goal_row=False,
                   save=opts.save)


def main(argv: Sequence[str]) -> int:
    opts = harness.Options.parse(argv)
    for n in opts.sizes_for(SIZES):
        if not any(opts.wants(MODULE, f) for f in ("report_workbook", "report_json", "report_cli", "km_fit")):
            return 0
        db = cohort_db(n)
        if opts.wants(MODULE, "report_workbook") or opts.wants(MODULE, "report_json"):
            bench_tables(opts, n, db)
        if opts.wants(MODULE, "report_cli"):
            bench_cli(opts, n, db)
        if opts.wants(MODULE, "km_fit") and n >= SUBSET:
            bench_km(opts, n, db)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
