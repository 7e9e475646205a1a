"""Excel import and export of the 10,000-patient cohort (~400,000 lab rows) against plain baselines.

Each measurement runs in its own child process (fresh imports, its own peak memory):
- import  = `prepare_import` + `apply_import` into a new empty store (validation of every
  cell, change preview, backup, one transaction with audit rows);
  baseline = pandas alone reading the same sheets with python-calamine
  (`pd.read_excel(..., engine="calamine", sheet_name=None)`);
- export  = `export_store` of that store to a new workbook (typed cells, README, _meta,
  drop-downs, atomic rename); baseline = openpyxl write-only mode writing the same rows
  (read from the same store before the clock starts) with no styling.
Targets: import <= 1.5x the plain read, export <= 1.5x the plain write, peak memory < 1.5 GB.

    python -m benchmarks.bench_io [N_PATIENTS]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

N_DEFAULT = 10_000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child_import(xlsx: str, db: str) -> dict[str, float]:
    from y90gui.io.importer import apply_import, prepare_import
    from y90gui.store.store import Store

    t0 = time.perf_counter()
    with Store.create(db) as store:
        plan = prepare_import(xlsx, store)
        if not plan.ok:
            raise SystemExit(f"import failed: {plan.errors[:5]}")
        t_prepare = time.perf_counter() - t0
        apply_import(store, plan)
    return {"seconds": time.perf_counter() - t0, "prepare": t_prepare, "patients": len(plan.new),
            "peak_mb": _peak_mb()}


def child_read(xlsx: str) -> dict[str, float]:
    import pandas as pd

    t0 = time.perf_counter()
    frames = pd.read_excel(xlsx, engine="calamine", sheet_name=None)
    return {"seconds": time.perf_counter() - t0, "rows": sum(len(f) for f in frames.values()), "peak_mb": _peak_mb()}


def child_export(db: str, out: str) -> dict[str, float]:
    from y90gui.io.exporter import export_store
    from y90gui.store.store import Store

    t0 = time.perf_counter()
    with Store.open(db, read_only=True) as store:
        export_store(store, out)
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_mb()}


def child_write(db: str, out: str) -> dict[str, float]:
    import openpyxl

    from y90gui.core.sheets import SHEETS
    from y90gui.store.store import Store

    with Store.open(db, read_only=True) as store:
        data = store.read_case_data()
    rows = {s.name: [[r[n] for n in s.column_names] for r in data[s.name]] for s in SHEETS}
    del data
    t0 = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        ws.append(list(sheet.column_names))
        for row in rows[sheet.name]:
            ws.append(row)
    wb.save(out)
    return {"seconds": time.perf_counter() - t0, "peak_mb": _peak_mb()}


CHILDREN: dict[str, Callable[..., dict[str, float]]] = {
    "import": child_import, "read": child_read, "export": child_export, "write": child_write}


def run_child(name: str, *args: str) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench_io", "--child", name, *args],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cohort_workbook(n: int) -> Path:
    try:
        from benchmarks.cohorts import ensure_cohort
    except ImportError:  # the cache module belongs to the demo part of the project
        pass
    else:
        return ensure_cohort(n)[1]
    from y90gui.demo.synthetic import build_cohort
    from y90gui.io.exporter import write_workbook

    out = Path(tempfile.gettempdir()) / f"bench_io_{n}.xlsx"
    if not out.exists():
        write_workbook(build_cohort(n), out)
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        print(json.dumps(CHILDREN[argv[1]](*argv[2:])))
        return 0
    n = int(argv[0]) if argv else N_DEFAULT
    xlsx = cohort_workbook(n)
    print(f"workbook: {xlsx.name} ({xlsx.stat().st_size / 1e6:.1f} MB)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.y90")
        imp = run_child("import", str(xlsx), db)
        read = run_child("read", str(xlsx))
        exp = run_child("export", db, str(Path(tmp) / "export.xlsx"))
        write = run_child("write", db, str(Path(tmp) / "plain.xlsx"))
    peak = max(imp["peak_mb"], exp["peak_mb"])
    print(f"patients imported                  {int(imp['patients'])}; rows read by pandas {int(read['rows'])}")
    print(f"import (validate+preview+write)    {imp['seconds']:7.2f} s   (of which prepare {imp['prepare']:.2f} s)")
    print(f"pandas+calamine read, same sheets  {read['seconds']:7.2f} s")
    print(f"import / plain read                {imp['seconds'] / read['seconds']:7.2f} x   (target <= 1.5)")
    print(f"export                             {exp['seconds']:7.2f} s")
    print(f"openpyxl write-only, same rows     {write['seconds']:7.2f} s")
    print(f"export / plain write               {exp['seconds'] / write['seconds']:7.2f} x   (target <= 1.5)")
    print(f"peak memory import / export        {imp['peak_mb']:7.0f} MB / {exp['peak_mb']:.0f} MB   "
          f"(target < 1536 MB; pandas read {read['peak_mb']:.0f} MB)")
    ok = imp["seconds"] <= 1.5 * read["seconds"] and exp["seconds"] <= 1.5 * write["seconds"] and peak < 1536
    print("targets met" if ok else "TARGETS MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
