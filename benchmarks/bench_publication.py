"""Publication outputs on the 10,000-patient synthetic cohort (issue 13), each next to its baseline:

1. `y90gui report --docx` and `--pdf` (new interpreter each, imports included) against
   `y90gui report --json` measured in the same run. Target: each within 3x.
2. a 300 dpi Kaplan-Meier PNG at 170 x 120 mm (description + matplotlib render + atomic write),
   in-process with warm imports, frames read once. Target: within 1.5 s.
3. the swimmer plot's pages (informational: 10,000 patients are 100 pages of 100, never one).

Run: `nice python -m benchmarks.bench_publication` (or `make bench BENCH_ARGS=publication`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_PATIENTS = 10_000
REPEATS = 2


def cohort_db() -> Path:
    from benchmarks.cohorts import cohort_paths, write_db

    db = cohort_paths(N_PATIENTS)[0]
    if not db.exists():
        from y90gui.demo.synthetic import build_cohort

        db.parent.mkdir(parents=True, exist_ok=True)
        write_db(build_cohort(N_PATIENTS), db)
    return db


def best_of(run: object, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "y90gui", *args], check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    db = cohort_db()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        t_json = best_of(lambda: cli("report", "--db", str(db), "--json"))
        t_docx = best_of(lambda: cli("report", "--db", str(db), "--docx", f"{tmp}/r.docx"))
        t_pdf = best_of(lambda: cli("report", "--db", str(db), "--pdf", f"{tmp}/r.pdf"))
        for name, t in (("docx", t_docx), ("pdf", t_pdf)):
            ratio = t / t_json
            ok &= ratio <= 3.0
            print(f"report --{name}: {t:.2f} s = {ratio:.2f}x report --json ({t_json:.2f} s); target <= 3x")

        from y90gui.analysis.frames import from_store
        from y90gui.figures.km import km_description
        from y90gui.figures.render import write_figure
        from y90gui.figures.settings import RenderSettings
        from y90gui.figures.swimmer import swimmer_descriptions
        from y90gui.store.store import Store

        with Store.open(db, read_only=True) as store:
            fr = from_store(store)
        settings = RenderSettings(width_mm=170, height_mm=120, dpi=300)
        write_figure(km_description(fr), f"{tmp}/warm.png", settings)  # imports and font cache
        t_km = best_of(lambda: write_figure(km_description(fr), f"{tmp}/km.png", settings), 3)
        ok &= t_km <= 1.5
        print(f"KM PNG 170 x 120 mm at 300 dpi ({settings.pixels[0]} x {settings.pixels[1]} px): "
              f"{t_km:.2f} s; target <= 1.5 s")
        t0 = time.perf_counter()
        pages = swimmer_descriptions(fr)
        print(f"swimmer plot: {len(pages)} pages of <= {max(len(p.bars) for p in pages)} patients "
              f"described in {time.perf_counter() - t0:.2f} s")
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
