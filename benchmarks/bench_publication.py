"""Publication outputs on the 10,000-patient synthetic cohort (issue 13), each next to its baseline.

Samples are taken in turns with their peer (`harness.interleaved`: json, docx, pdf, json, ...),
so load on the shared machine hits all alike; medians with min-max, judged by `harness.record`:

1. `y90gui report --docx` and `--pdf` (new interpreter each, imports included) against
   `y90gui report --json` measured in the same turns. Goal: each within 3x.
2. a 300 dpi Kaplan-Meier PNG at 170 x 120 mm (description + matplotlib render + atomic write),
   in-process with warm imports, frames read once. Goal: every sample within 1.5 s.
3. the swimmer plot's pages (informational: 10,000 patients are 100 pages of 100, never one):
   time to describe them and to write them as one multi-page PDF.

Run: `nice python -m benchmarks.bench_publication` (or `python -m benchmarks publication`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import harness

MODULE = "publication"
N_PATIENTS = 10_000


def cohort_db() -> Path:
    from benchmarks.cohorts import cohort_paths, write_db

    db = cohort_paths(N_PATIENTS)[0]
    if not db.exists():
        from y90gui.demo.synthetic import build_cohort

        db.parent.mkdir(parents=True, exist_ok=True)
        write_db(build_cohort(N_PATIENTS), db)
    return db


def cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "y90gui", *args], check=True, stdout=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    opts = harness.Options.parse(sys.argv[1:] if argv is None else argv)
    n = N_PATIENTS
    db = cohort_db()
    pairs = opts.pairs(n) if opts.repeats else 3  # each docx/pdf sample is a whole CLI run
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if opts.wants(MODULE, "report_docx") or opts.wants(MODULE, "report_pdf"):
            s = harness.interleaved({
                "json": lambda: harness.timed(lambda: cli("report", "--db", str(db), "--json")),
                "docx": lambda: harness.timed(lambda: cli("report", "--db", str(db), "--docx", f"{tmp}/r.docx")),
                "pdf": lambda: harness.timed(lambda: cli("report", "--db", str(db), "--pdf", f"{tmp}/r.pdf")),
            }, pairs)
            for kind in ("docx", "pdf"):
                rows.append(harness.record(MODULE, f"report_{kind}", n, f"report --{kind}, {n:,} patients", s[kind],
                                           "s", peer=s["json"], peer_name="report --json", max_ratio=3.0,
                                           save=opts.save))

        from y90gui.analysis.frames import from_store
        from y90gui.figures.km import km_description
        from y90gui.figures.render import write_figure
        from y90gui.figures.settings import RenderSettings
        from y90gui.figures.swimmer import swimmer_descriptions
        from y90gui.store.store import Store

        with Store.open(db, read_only=True) as store:
            fr = from_store(store)
        if opts.wants(MODULE, "km_png"):
            settings = RenderSettings(width_mm=170, height_mm=120, dpi=300)
            write_figure(km_description(fr), f"{tmp}/warm.png", settings)  # imports and font cache
            s = harness.interleaved({"km": lambda: harness.timed(
                lambda: write_figure(km_description(fr), f"{tmp}/km.png", settings))}, 5)
            rows.append(harness.record(MODULE, "km_png", n, f"KM PNG 170 x 120 mm at 300 dpi "
                                       f"({settings.pixels[0]} x {settings.pixels[1]} px), {n:,} patients",
                                       s["km"], "s", max_value=1.5, save=opts.save))
        if opts.wants(MODULE, "swimmer"):
            pages: list = []  # type: ignore[type-arg]

            def describe() -> None:
                pages[:] = swimmer_descriptions(fr)

            s = harness.interleaved({"describe": lambda: harness.timed(describe)}, 3)
            note = f"{len(pages)} pages of <= {max(len(p.bars) for p in pages)} patients"
            rows.append(harness.record(MODULE, "swimmer_describe", n, f"swimmer plot described ({note}), "
                                       f"{n:,} patients", s["describe"], "s", goal_row=False, note=note,
                                       save=opts.save))
            pdf_settings = RenderSettings(width_mm=170, height_mm=240, dpi=300)
            s = harness.interleaved({"pdf": lambda: harness.timed(
                lambda: write_figure(pages, f"{tmp}/swimmer.pdf", pdf_settings))}, 1)
            rows.append(harness.record(MODULE, "swimmer_pdf", n, f"swimmer plot, all {len(pages)} pages as one "
                                       f"PDF (170 x 240 mm), {n:,} patients", s["pdf"], "s", goal_row=False,
                                       note=note, save=opts.save))
    failed = [r for r in rows if r["verdict"] == "FAIL"]
    print("all goals met" if not failed else f"GOAL MISSED: {', '.join(r['figure'] for r in failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
