"""Excel import and export of the synthetic cohort against their real peers (issue 16's goals).

Each sample runs in its own child process (fresh imports, its own peak memory), and ours and
the peer's children alternate (A B A B ...):
- import  = `prepare_import` + `apply_import` into a new empty store (validation of every
  cell, change preview, backup, one transaction with audit rows); peer = a bare
  python-calamine read of the same sheets (`CalamineWorkbook...to_python()`, what the
  importer's own reader starts with). Goal <= 2.0x, linear in the patients; peak memory at
  100,000 patients <= 1.5 GiB;
- export  = `export_store` of that store to a new workbook (typed cells, README, _meta,
  drop-downs, atomic rename); peer = XlsxWriter in constant_memory mode writing the same
  cells (rows read from the same store before its clock starts). Goal <= 0.5x at 100,000.

Both use `cohorts.ensure_import_cohort(n)` at every size (labs thinned to ~10 values per
patient, so the 100,000-patient workbook fits Excel and 10,000 and 100,000 are the same
shape for the linearity check); the window and report benchmarks use the default cohort.

    python -m benchmarks.bench_io [--only import|export] [--sizes 10000,100000] [--repeats N]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import harness

MODULE = "io"
IMPORT_SIZES = (10_000, 100_000)
EXPORT_SIZES = (100_000,)
GIB = 1024.0


def child_import(xlsx: str, db: str) -> dict[str, float]:
    from y90gui.io.importer import apply_import, prepare_import
    from y90gui.store.store import Store

    Path(db).unlink(missing_ok=True)
    t0 = time.perf_counter()
    with Store.create(db) as store:
        plan = prepare_import(xlsx, store)
        if not plan.ok:
            raise SystemExit(f"import failed: {plan.errors[:5]}")
        t_prepare = time.perf_counter() - t0
        apply_import(store, plan)
    return {"seconds": time.perf_counter() - t0, "prepare": t_prepare, "patients": len(plan.new),
            "peak_mib": harness.peak_mib()}


def child_read(xlsx: str) -> dict[str, float]:
    """The peer: every data sheet's cells as Python values, nothing else."""
    import python_calamine

    from y90gui.core.sheets import SHEETS

    t0 = time.perf_counter()
    wb = python_calamine.CalamineWorkbook.from_path(xlsx)
    cells = 0
    for sheet in SHEETS:
        rows = wb.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
        cells += sum(map(len, rows))
    wb.close()
    return {"seconds": time.perf_counter() - t0, "cells": cells, "peak_mib": harness.peak_mib()}


def child_export(db: str, out: str) -> dict[str, float]:
    from y90gui.io.exporter import export_store
    from y90gui.store.store import Store

    t0 = time.perf_counter()
    with Store.open(db, read_only=True) as store:
        export_store(store, out)
    return {"seconds": time.perf_counter() - t0, "peak_mib": harness.peak_mib()}


def child_xlsxwriter(db: str, out: str) -> dict[str, float]:
    """The peer: XlsxWriter's constant_memory mode writing the same cells (dates as dates)."""
    import datetime as dt

    import xlsxwriter

    from y90gui.core.sheets import SHEETS
    from y90gui.store.store import Store

    with Store.open(db, read_only=True) as store:
        data = store.read_case_data()
    rows = {s.name: [[r[n] for n in s.column_names] for r in data[s.name]] for s in SHEETS}
    del data
    t0 = time.perf_counter()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for sheet in SHEETS:
        ws = wb.add_worksheet(sheet.name)
        ws.write_row(0, 0, list(sheet.column_names))
        for i, row in enumerate(rows[sheet.name], start=1):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(i, j, v, date_fmt)
                elif isinstance(v, bool):
                    ws.write_string(i, j, "yes" if v else "no")
                else:
                    ws.write(i, j, v)
    wb.close()
    return {"seconds": time.perf_counter() - t0, "peak_mib": harness.peak_mib()}


CHILDREN: dict[str, Callable[..., dict[str, float]]] = {
    "import": child_import, "read": child_read, "export": child_export, "xlsxwriter": child_xlsxwriter}


def run_child(name: str, *args: str) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench_io", "--child", name, *args],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def bench_import(opts: harness.Options, n: int, xlsx: Path, db: str) -> list[dict[str, float]]:
    results: dict[str, list[dict[str, float]]] = {"import": [], "read": []}

    def side(name: str, *args: str) -> Callable[[], float]:
        def run() -> float:
            r = run_child(name, *args)
            results[name].append(r)
            return r["seconds"]
        return run

    samples = harness.interleaved({"import": side("import", str(xlsx), db), "read": side("read", str(xlsx))},
                                  opts.pairs(n))
    harness.record(MODULE, "import", n, f"import, {n:,} patients", samples["import"], "s",
                   peer=samples["read"], peer_name="bare python-calamine read", max_ratio=2.0, save=opts.save,
                   note=f"prepare {harness.stats([r['prepare'] for r in results['import']])['median']:.1f} s")
    harness.record(MODULE, "import_per_patient", n, f"import per patient, {n:,} patients",
                   [s / n * 1000 for s in samples["import"]], "ms", goal_row=False, save=opts.save)
    harness.record(MODULE, "import_memory", n, f"import peak memory, {n:,} patients",
                   [r["peak_mib"] for r in results["import"]], "MiB",
                   max_value=1.5 * GIB if n >= 100_000 else None, goal_row=n >= 100_000, save=opts.save,
                   note=f"calamine read alone {harness.stats([r['peak_mib'] for r in results['read']])['median']:.0f}"
                        " MiB")
    return results["import"]


def bench_export(opts: harness.Options, n: int, db: str, tmp: Path) -> None:
    out = str(tmp / "export.xlsx")
    peer_out = str(tmp / "xlsxwriter.xlsx")
    samples = harness.interleaved({"export": lambda: run_child("export", db, out)["seconds"],
                                   "xlsxwriter": lambda: run_child("xlsxwriter", db, peer_out)["seconds"]},
                                  opts.pairs(n))
    harness.record(MODULE, "export", n, f"export, {n:,} patients", samples["export"], "s",
                   peer=samples["xlsxwriter"], peer_name="XlsxWriter constant_memory, same cells",
                   max_ratio=0.5, goal_row=n >= 100_000, save=opts.save)


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["--child"]:
        print(json.dumps(CHILDREN[argv[1]](*argv[2:])))
        return 0
    from benchmarks.cohorts import ensure_import_cohort

    opts = harness.Options.parse(argv)
    sizes = set()
    if opts.wants(MODULE, "import"):
        sizes |= set(opts.sizes_for(IMPORT_SIZES))
    if opts.wants(MODULE, "export"):
        sizes |= set(opts.sizes_for(EXPORT_SIZES))
    for n in sorted(sizes):
        cached_db, xlsx = ensure_import_cohort(n)
        print(f"workbook: {xlsx.name} ({xlsx.stat().st_size / 1e6:.1f} MB)", flush=True)
        with tempfile.TemporaryDirectory() as tmpdir:
            tmp = Path(tmpdir)
            db = str(tmp / "bench.y90")
            if opts.wants(MODULE, "import") and n in opts.sizes_for(IMPORT_SIZES):
                bench_import(opts, n, xlsx, db)
            if opts.wants(MODULE, "export") and n in opts.sizes_for(EXPORT_SIZES):
                bench_export(opts, n, str(cached_db), tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
