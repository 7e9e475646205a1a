"""Peak memory and time of opening an n-patient case series in the review window (issue 11).

    nice python scripts/measure_open.py [N] [DB]

Builds the synthetic cohort once (benchmarks/cohorts.py's generator and `write_db`; only the
.y90, the workbook is not needed here), opens it in a real `MainWindow` (offscreen) and waits
until the table is listed, the plot pages exist and the cohort is loaded (derived columns in
the table, OS rows ready). Prints the wall time to that point and the peak RSS of the process
(`ru_maxrss`), which is what the issue's "3.1 GB" was.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    if len(sys.argv) > 2:
        db = Path(sys.argv[2])
    else:
        from benchmarks.cohorts import cohort_paths, write_db

        db = cohort_paths(n)[0]
        if not db.exists():
            from y90gui.demo.synthetic import build_cohort

            db.parent.mkdir(parents=True, exist_ok=True)
            write_db(build_cohort(n, 0), db)
    from PySide6.QtWidgets import QApplication

    import y90gui.ui  # noqa: F401  (qt_compat first)
    from y90gui.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    win = MainWindow()
    win.open_file(db)
    win.show()
    deadline = time.time() + 900
    while time.time() < deadline:
        app.processEvents()
        if win.plots_built and win.cohort is not None and not win.tasks.running():
            break
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"patients={win.patient_panel.model.total()} open_to_cohort_loaded_s={elapsed:.2f} "
          f"peak_rss_mb={peak / 1024:.0f} (before opening: {rss0 / 1024:.0f})")
    win.close()


if __name__ == "__main__":
    main()
