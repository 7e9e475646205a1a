"""GUI responsiveness on the 10,000-patient cohort: first paint, filter keystroke, KM refit.

Figures, each next to a baseline measured in this same run:
- first paint: process start -> first painted main window (`main.py [FILE] --exit-after-paint`),
  on the built-in demo cohort (no file: the target, <= 2x the bare window) and on the
  10,000-patient file, against a bare PySide6 window measured the same way;
- filter keystroke: one character typed into the search box until the patient table has
  repainted (target < 16 ms), against the same keystroke into an unconnected QLineEdit;
- KM refit + redraw after a filter change (target < 100 ms), against a redraw alone.
Run: `python -m benchmarks.bench_gui` (offscreen; about a minute on 2 cores).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
ROOT = Path(__file__).resolve().parent.parent
N_PATIENTS = 10_000
RUNS = 7  # first-paint runs per variant (the clock ticks in 10 ms: medians of several)

BARE_WINDOW = r"""
import os, sys
def age():
    with open("/proc/self/stat") as f:
        start = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        up = float(f.read().split()[0])
    return up - start / os.sysconf("SC_CLK_TCK")
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
class First(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            t = age()
            QTimer.singleShot(0, lambda: (print(f"first paint: {t:.3f} s", flush=True), app.quit()))
        return False
w = QMainWindow(); w.setCentralWidget(QLabel("bare window")); w.resize(1360, 840)
f = First(w); w.installEventFilter(f); w.show(); app.exec()
"""


def _first_paint(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds reported by the process, wall seconds from spawn to the printed line)."""
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    wall = time.perf_counter() - t0
    m = re.search(r"first paint: ([0-9.]+) s", out.stdout)
    if not m:
        raise RuntimeError(f"no first-paint line from {cmd[:3]}: {out.stdout!r} {out.stderr[-2000:]!r}")
    return float(m.group(1)), wall


def bench_first_paint(db: Path, tmp: Path) -> None:
    # An installed y90gui (wheel or frozen bundle) starts from compiled bytecode; with
    # PYTHONDONTWRITEBYTECODE set (as in this sandbox) a source tree would recompile y90gui on
    # every start, a cost no user pays. Compile once so both sides start from bytecode.
    import compileall

    compileall.compile_dir(str(ROOT / "y90gui"), quiet=1)
    env = dict(os.environ, Y90GUI_DATA_DIR=str(tmp / "data"), Y90GUI_SETTINGS_DIR=str(tmp / "settings"))
    variants = {
        "bare PySide6 window": [sys.executable, "-c", BARE_WINDOW],
        # no file and no last file: the demo cohort (its copy is made by the warm-up run)
        "y90gui, demo cohort (44 patients)": [sys.executable, "main.py", "--exit-after-paint"],
        f"y90gui, {N_PATIENTS:,} patients": [sys.executable, "main.py", str(db), "--exit-after-paint"],
    }
    demo_env = dict(env, Y90GUI_SETTINGS_DIR=str(tmp / "settings-demo"))  # never remembers the big file
    envs = {name: demo_env if "demo" in name else env for name in variants}
    for name, cmd in variants.items():  # warm-up: disk cache, the demo copy
        _first_paint(cmd, envs[name])
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for _ in range(RUNS):  # interleaved, so disk-cache warmth and machine load are shared fairly
        for name, cmd in variants.items():
            runs[name].append(_first_paint(cmd, envs[name]))
    bare = statistics.median(r[0] for r in runs["bare PySide6 window"])
    for name, values in runs.items():
        seconds = sorted(r[0] for r in values)
        med = statistics.median(seconds)
        target = " (target <= 2.0)" if "demo" in name else ""
        print(f"first paint, {name}: median {med:.3f} s (min {seconds[0]:.3f}, max {seconds[-1]:.3f}; "
              f"wall from spawn {statistics.median(r[1] for r in values):.3f} s) -> ratio {med / bare:.2f}{target}")


def _spin(app, seconds: float) -> None:  # type: ignore[no-untyped-def]
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def bench_interaction(db: Path, tmp: Path) -> None:
    os.environ["Y90GUI_DATA_DIR"] = str(tmp / "data")
    os.environ["Y90GUI_SETTINGS_DIR"] = str(tmp / "settings2")
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from y90gui.ui.app import apply_look
    from y90gui.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_look(app)
    win = MainWindow()
    win.resize(1440, 900)
    t0 = time.perf_counter()
    win.open_file(db)
    win.show()
    deadline = time.perf_counter() + 240
    while not (win.plots_built and win.cohort is not None and not win.tasks.running()):
        app.processEvents()
        time.sleep(0.005)
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not finish loading")
    print(f"background load (case data + derived columns + plots), {N_PATIENTS} patients: "
          f"{time.perf_counter() - t0:.2f} s")
    panel = win.patient_panel
    win.views.setCurrentWidget(win.survival_page)
    _spin(app, 0.3)

    # -- filter keystroke
    bare = QLineEdit()
    bare.show()
    keys_ms, bare_ms = [], []
    for word in ("cen", "007", "notes", "12"):
        for target, sink in ((panel.search, keys_ms), (bare, bare_ms)):
            target.clear()
            _spin(app, 0.2)
            for ch in word:
                t = time.perf_counter()
                QTest.keyClicks(target, ch)
                if target is panel.search:
                    panel.table.viewport().repaint()
                else:
                    target.repaint()
                sink.append((time.perf_counter() - t) * 1000)
            _spin(app, 0.25)  # let the debounced cohort refresh run between words
    panel.search.clear()
    _spin(app, 0.5)
    med, worst = statistics.median(keys_ms), max(keys_ms)
    bare_med = statistics.median(bare_ms)
    print(f"filter keystroke, {N_PATIENTS} rows: median {med:.1f} ms, max {worst:.1f} ms (target < 16 ms); "
          f"bare QLineEdit keystroke {bare_med:.2f} ms -> ratio {med / bare_med:.1f}")

    # -- KM refit + redraw after a filter change
    km = win.km
    centre_combo = panel.combos["center"]
    refit_ms, redraw_ms = [], []
    for i in range(1, min(centre_combo.count(), 6)):
        for stratum in (0, km.strata_combo.findData("first_extent")):
            centre_combo.setCurrentIndex(i)
            km.strata_combo.blockSignals(True)
            km.strata_combo.setCurrentIndex(stratum)
            km.strata_combo.blockSignals(False)
            t = time.perf_counter()
            km.refresh()
            km.graphics.viewport().repaint()
            refit_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            km.graphics.viewport().update()
            km.graphics.viewport().repaint()
            redraw_ms.append((time.perf_counter() - t) * 1000)
    centre_combo.setCurrentIndex(0)
    t = time.perf_counter()
    km.refresh()
    km.graphics.viewport().repaint()
    all_ms = (time.perf_counter() - t) * 1000
    med = statistics.median(refit_ms)
    print(f"KM refit + redraw after a filter change: median {med:.1f} ms, max {max(refit_ms):.1f} ms "
          f"(target < 100 ms); all {N_PATIENTS} patients {all_ms:.1f} ms; "
          f"repaint alone {statistics.median(redraw_ms):.1f} ms -> ratio {med / statistics.median(redraw_ms):.1f}")
    win.close()
    win.tasks.shutdown()
    win.deleteLater()
    _spin(app, 0.1)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from benchmarks.cohorts import ensure_cohort

    cached, _xlsx = ensure_cohort(N_PATIENTS)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        db = tmp / "cohort.y90"
        shutil.copy(cached, db)  # the window takes a lock and switches to WAL: not on the shared cache
        bench_first_paint(db, tmp)
        bench_interaction(db, tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
