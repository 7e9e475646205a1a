"""Run the benchmarks, each in its own process, then print the goals table and write RESULTS.md.

`make bench BENCH_ARGS="--only import --sizes 10000"` runs one figure at one size; see
`harness.parser()` for the options. Separate processes keep one benchmark's imports and caches
from flattering the next one's start-up figures.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (module, the figures it measures): one line per benchmark, so a new one merges as one line.
BENCHMARKS: list[tuple[str, tuple[str, ...]]] = [
    ("bench_io", ("import", "export")),
    ("bench_gui", ("first_paint", "loaded", "keystroke", "refresh")),
    ("bench_report", ("report_workbook", "report_json", "report_cli", "km_fit")),
    ("bench_generate", ("generate", "store_write")),
    ("bench_editing", ("editing",)),
    ("bench_cox", ("cox",)),
    ("bench_publication", ("report_docx", "report_pdf", "km_png", "swimmer")),
    ("bench_registry", ("registry_editing", "registry_write", "registry_import", "registry_report")),
    ("bench_history", ("history_page",)),
]


def main(argv: list[str]) -> int:
    from benchmarks import harness, summary

    opts = harness.Options.parse(argv)
    failed = []
    for name, figures in BENCHMARKS:
        short = name.removeprefix("bench_")
        if not (not opts.only or short in opts.only or any(f in opts.only for f in figures)):
            continue
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, "-m", f"benchmarks.{name}", *argv], cwd=HERE.parent)
        status = "ok" if rc == 0 else f"FAILED (exit {rc})"
        print(f"--- {name}: {status} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(name)
    if opts.save:
        print("\n=== summary (also in benchmarks/RESULTS.md) ===")
        print(summary.write())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
