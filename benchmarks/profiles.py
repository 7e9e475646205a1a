"""cProfile summaries (top 25 by cumulative time) of the slowest rows, for the optimisation round.

    python -m benchmarks.profiles [import|import_sql|loaded|summary|refresh|keystroke|first_paint|report_workbook ...]
                                  [--sizes 100000]

Each profile runs in this one thread, so the window's background work (which runs on worker
threads, out of cProfile's sight) is profiled by calling the same functions the window's
tasks call: `load_cohort` + `compute_report` for "loaded", `patient_summary` for the first
paint's query, and a refresh's KM refit + cohort toxicity + report for "refresh".
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import harness

OUT = harness.HERE / "profiles"
TOP = 25


def save(name: str, fn: Callable[[], Any], title: str | Callable[[], str]) -> Any:
    """Run `fn` under cProfile; write the top entries by cumulative time to profiles/<name>.txt
    (`title` may be a function: called after the run, for a title that reports what it saw)."""
    OUT.mkdir(exist_ok=True)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    result = prof.runcall(fn)
    wall = time.perf_counter() - t0
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.strip_dirs().sort_stats("cumulative").print_stats(TOP)
    text = buf.getvalue().replace(str(harness.HERE.parent) + os.sep, "")
    heading = title() if callable(title) else title
    (OUT / f"{name}.txt").write_text(
        f"# {heading}\n# wall {wall:.2f} s under cProfile, peak RSS {harness.peak_mib():.0f} MiB, "
        f"load average {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M')}\n{text}", encoding="utf-8")
    print(f"profile {name}: {wall:.1f} s -> {OUT / (name + '.txt')}", flush=True)
    return result


def profile_import(n: int, xlsx: Path) -> None:
    from y90gui.io.importer import apply_import, prepare_import
    from y90gui.store.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        def run() -> None:
            with Store.create(Path(tmp) / "p.y90") as store:
                apply_import(store, prepare_import(xlsx, store))
        save(f"import-{n}", run, f"import of the {n:,}-patient workbook (prepare_import + apply_import)")


class _TimedConnection:
    """A store connection that adds up the time of each SQL statement (cProfile sees one
    `execute` for all of them): what `profile_import_sql` lists."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self.seconds: dict[str, float] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def _timed(self, key: str, call: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return call()
        finally:
            self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - t0

    def execute(self, sql: str, *args: Any) -> Any:
        return self._timed(" ".join(sql.split())[:110], lambda: self._conn.execute(sql, *args))

    def executemany(self, sql: str, rows: Any) -> Any:
        return self._timed("executemany " + " ".join(sql.split())[:98], lambda: self._conn.executemany(sql, rows))


def profile_import_sql(n: int, xlsx: Path) -> None:
    """apply_import of the workbook into a new store, statement by statement (SQL time, summed)."""
    from y90gui.io.importer import apply_import, prepare_import
    from y90gui.store.store import Store

    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, Store.create(Path(tmp) / "p.y90") as store:
        t0 = time.perf_counter()
        plan = prepare_import(xlsx, store)
        prepare = time.perf_counter() - t0
        timed = _TimedConnection(store.conn)
        store.conn = timed  # type: ignore[assignment]
        t0 = time.perf_counter()
        try:
            apply_import(store, plan)
        finally:
            store.conn = timed._conn
        apply = time.perf_counter() - t0
    lines = [f"# apply_import of the {n:,}-patient import workbook into a new store, SQL statements by time",
             f"# prepare_import {prepare:.3f} s, apply_import {apply:.3f} s, "
             f"of which SQL {sum(timed.seconds.values()):.3f} s",
             ""]
    lines += [f"{ms * 1000:8.1f} ms  {sql}" for sql, ms in sorted(timed.seconds.items(), key=lambda kv: -kv[1])[:30]]
    (OUT / f"import-sql-{n}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"profile import_sql: apply {apply:.1f} s -> {OUT / f'import-sql-{n}.txt'}", flush=True)


def profile_summary(n: int, db: Path) -> None:
    """The query as the window runs it: on a file opened for writing once (which builds the
    summary index a cached cohort made before it lacks), the whole table and a first screenful."""
    import shutil
    import tempfile

    from y90gui.store.store import Store
    from y90gui.store.summary import _SQL, _SQL_FIRST, patient_summary

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "summary.y90"
        shutil.copy(db, copy)
        Store.open(copy).close()  # what the window's open does once
        with Store.open(copy, read_only=True) as store:
            save(f"first-paint-summary-{n}", lambda: patient_summary(store.conn),
                 f"the patient table's summary query at first paint, {n:,} patients")
            t0 = time.perf_counter()
            store.conn.execute(_SQL_FIRST, (200,)).fetchall()
            first_ms = (time.perf_counter() - t0) * 1000
            plan = [str(tuple(r)) for r in store.conn.execute("EXPLAIN QUERY PLAN " + _SQL)]
        out = OUT / f"first-paint-summary-{n}.txt"
        out.write_text(out.read_text(encoding="utf-8") + f"\n# the first screenful (200 rows, SummaryPrefetch): "
                       f"{first_ms:.1f} ms\n# EXPLAIN QUERY PLAN of store.summary._SQL:\n"
                       + "".join(f"# {line}\n" for line in plan), encoding="utf-8")


def profile_loaded(n: int, db: Path) -> None:
    from y90gui.core.progress import NO_PROGRESS
    from y90gui.services.cohort import load_cohort
    from y90gui.ui.report_view import compute_report

    def run() -> None:
        cohort = load_cohort(db, NO_PROGRESS)
        compute_report(cohort, None, "log-log", "procedures", 90, NO_PROGRESS)
    save(f"window-loaded-{n}", run, f"the window's background load: load_cohort + the report, {n:,} patients")


def profile_refresh(n: int, db: Path) -> None:
    """What one cohort refresh computes: the report of the filter (cohort toxicity shows its
    tables; `CohortData.report`, masks over the load's prepared derivations) and the KM fit of
    the filter's OS rows, for one centre and then all patients again (as bench_gui's refresh);
    the cohort is loaded before the clock."""
    import numpy as np

    from y90gui.analysis import survival
    from y90gui.core.progress import NO_PROGRESS
    from y90gui.services.cohort import load_cohort
    from y90gui.ui.report_view import compute_report

    cohort = load_cohort(db, NO_PROGRESS)
    pats = cohort.frames.patients
    centre = [str(p) for p in pats.loc[pats["center"] == pats["center"].iloc[0], "patient_id"]]
    few = centre[:50]  # warm-up: first-call imports (scipy, pandas) are not a refresh
    compute_report(cohort, few, "log-log", "procedures", 90, NO_PROGRESS)
    survival.kaplan_meier(np.array([1.0, 2.0]), np.array([True, False]))

    def run() -> None:
        for ids in (centre, None):
            st = cohort.strata(None, ids)
            for days, events in st.groups.values():
                survival.kaplan_meier(days, events, ci_method="log-log")
            compute_report(cohort, ids, "log-log", "procedures", 90, NO_PROGRESS)
    save(f"cohort-refresh-{n}", run, f"two cohort refreshes' computation (one centre, then all patients: KM of "
                                      f"the filter's OS + the report by masks), {n:,} patients; the drawing "
                                      f"is not in it")


def profile_refresh_gui(n: int, db: Path) -> None:
    """The GUI thread of three cohort refreshes in the window, as bench_gui's refresh runs them
    (one centre, then all patients again, until the report is delivered and the KM plot has
    painted): the drawing, painting and hand-over that `profile_refresh` leaves out. cProfile
    sees the GUI thread only (the workers' report and KM fit are `profile_refresh`); the KM
    plot's paints per refresh are in the title line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from benchmarks.bench_gui import _PaintCount, _spin, _spin_until, change_filter, styled_app, survival_window

    app = styled_app(Path(tempfile.mkdtemp()))
    win = survival_window(app, db)
    paints = _PaintCount(win.km.graphics.viewport())
    combo = win.patient_panel.combos["center"]
    seen: list[Any] = []
    win.report_view.report_ready.connect(seen.append)
    start = paints.count

    def run() -> None:
        for i in range(3):
            for index in (1 + i % max(1, combo.count() - 1), 0):
                seen.clear()
                before = paints.count
                change_filter(win, combo, index)
                _spin_until(app, lambda: bool(seen) and not win.tasks.running())
                _spin_until(app, lambda before=before: paints.count > before, timeout=5)  # noqa: B023
                _spin(app, 0.1)  # and whatever paint the first one scheduled
    save(f"cohort-refresh-gui-{n}", run, lambda: (
        f"the GUI thread of six cohort refreshes in the window (one centre, then all patients, three times), "
        f"{n:,} patients; the KM plot painted {paints.count - start} times"))
    win.close()
    win.tasks.shutdown()


def profile_keystroke(n: int, db: Path) -> None:
    """The patient search as bench_gui types it (the same words; each key, the events it posts,
    one paint of the table), on the patient panel alone holding the file's n rows."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtTest import QTest

    from benchmarks.bench_gui import WORDS, _PaintCount, styled_app
    from y90gui.store.store import Store
    from y90gui.ui.patient_panel import PatientPanel

    app = styled_app()
    with Store.open(db, read_only=True) as store:
        summary = store.patient_summary()
    panel = PatientPanel()
    panel.resize(600, 860)
    panel.show()
    panel.set_summary(summary)
    for _ in range(20):
        app.processEvents()
    paints = _PaintCount(panel.table.viewport())

    def run() -> None:
        for word in WORDS * 2:
            for ch in word:
                before = paints.count
                QTest.keyClick(panel.search, ch)
                app.processEvents()
                if paints.count == before:
                    panel.table.viewport().repaint()
            panel.search.clear()
            app.processEvents()
    save(f"keystroke-{n}", run, f"patient search: {WORDS} typed twice (each key + one paint of the table), "
                                f"patient panel alone with {n:,} rows")
    panel.close()


def profile_first_paint(n: int, db: Path) -> None:
    """The window's start-up (`main.py FILE --exit-after-paint`) under cProfile, in its own process:
    imports, MainWindow construction, the first screenful, the first paint (and the quit after it)."""
    import compileall
    import shutil
    import subprocess

    compileall.compile_dir(str(harness.HERE.parent / "y90gui"), quiet=1)  # as bench_gui's first paint
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "paint.y90"
        shutil.copy(db, copy)
        prof = Path(tmp) / "paint.prof"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", Y90GUI_DATA_DIR=str(Path(tmp) / "data"),
                   Y90GUI_SETTINGS_DIR=str(Path(tmp) / "settings"))
        out = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "main.py", str(copy),
                              "--exit-after-paint"], capture_output=True, text=True, env=env,
                             cwd=harness.HERE.parent, check=True)
        buf = io.StringIO()
        pstats.Stats(str(prof), stream=buf).strip_dirs().sort_stats("cumulative").print_stats(TOP)
    OUT.mkdir(exist_ok=True)
    text = buf.getvalue().replace(str(harness.HERE.parent) + os.sep, "")
    (OUT / f"first-paint-window-{n}.txt").write_text(
        f"# the window's start-up to its first paint, {n:,} patients (main.py FILE --exit-after-paint; "
        f"{out.stdout.strip()} under cProfile), load average {os.getloadavg()[0]:.1f}; "
        f"{time.strftime('%Y-%m-%d %H:%M')}\n{text}", encoding="utf-8")
    print(f"profile first-paint-window-{n}: {out.stdout.strip()}", flush=True)


def profile_report_workbook(n: int, db: Path) -> None:
    """The report workbook written from a computed report (what bench_report's report_workbook times)."""
    from y90gui.analysis.report import report_for_store
    from y90gui.analysis.report_workbook import write_report_workbook
    from y90gui.store.store import Store

    with Store.open(db, read_only=True) as store, tempfile.TemporaryDirectory() as tmp:
        report = report_for_store(store)
        write_report_workbook(report, store, Path(tmp) / "warm.xlsx")  # first-call imports are not the workbook
        save(f"report-workbook-{n}", lambda: write_report_workbook(report, store, Path(tmp) / "report.xlsx"),
             f"write_report_workbook of a computed report, {n:,} patients")


def main(argv: Sequence[str]) -> int:
    from benchmarks.cohorts import ensure_cohort, ensure_import_cohort

    names = [a for a in argv if not a.startswith("-") and not a[0].isdigit()] or ["import", "summary", "loaded"]
    opts = harness.Options.parse([a for a in argv if a not in names])
    for n in opts.sizes_for((100_000,)):
        # the default cohort only for the profiles that read it (at 100,000 it is a 3.9-million-lab build)
        db = ensure_cohort(n, xlsx=False)[0] if set(names) - {"import", "import_sql"} else Path()
        if "summary" in names:
            profile_summary(n, db)
        if "loaded" in names:
            profile_loaded(n, db)
        if "refresh" in names:
            profile_refresh(n, db)
        if "refresh_gui" in names:
            profile_refresh_gui(n, db)
        if "report_workbook" in names:
            profile_report_workbook(n, db)
        if "import" in names:
            profile_import(n, ensure_import_cohort(n)[1])  # the cohort bench_io imports
        if "import_sql" in names:
            profile_import_sql(n, ensure_import_cohort(n)[1])
        if "keystroke" in names:
            profile_keystroke(n, db)
        if "first_paint" in names:
            profile_first_paint(n, db)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
