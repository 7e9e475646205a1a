"""Screenshots of the timeline and the filtered cohort toxicity at three screen sizes (helper gui1).

Loaded by `scripts/screenshots.py` (its `SHOTS` dict). Each size renders the window at that
size: 1920 x 1080, 1366 x 768, and 200 % (QT_SCALE_FACTOR=2 in a child process, so a 1920 x 1080
screen is 960 x 540 logical pixels). Per size: the timeline of a patient with four PRRT cycles
(DEMO-007) in dates and in days mode, the three-RE patient (DEMO-029), and the cohort toxicity
page filtered by a search, with its cohort caption.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = {"1920x1080": (1920, 1080), "1366x768": (1366, 768)}


def _shots_at(outdir: Path, tag: str, size: tuple[int, int]) -> list[Path]:
    sys.path.insert(0, str(HERE))
    import screenshots as base  # the pattern: demo window in a temporary folder, grab, save

    from y90gui.ui.window_geometry import fit_window

    out: list[Path] = []
    base.SIZE = size
    with tempfile.TemporaryDirectory() as tmp:
        win = base._window(Path(tmp))
        try:
            # the window as the app would size it on a screen of this size (title bar excluded)
            from PySide6.QtCore import QRect

            rect = fit_window(QRect(0, 0, size[0], size[1] - 40), None)
            win.resize(rect.size())
            base._settle()
            win.views.setCurrentIndex(0)
            win.detail_tabs.setCurrentWidget(win.detail.timeline_page)
            base._settle()
            out.append(base._save(win, outdir / f"gui1_timeline_dates_{tag}.png"))
            win.timeline.days_mode.setChecked(True)
            base._settle()
            out.append(base._save(win, outdir / f"gui1_timeline_days_{tag}.png"))
            win.timeline.days_mode.setChecked(False)
            win.patient_panel.select_patient("DEMO-029")
            base._settle(0.6)
            out.append(base._save(win.detail, outdir / f"gui1_timeline_three_re_{tag}.png"))
            win.patient_panel.search.setText("007")
            win.views.setCurrentWidget(win.cohort_toxicity_page)
            base._settle(0.4)
            base._wait(base._report_ready(win))
            base._settle()
            out.append(base._save(win, outdir / f"gui1_toxicity_filtered_{tag}.png"))
        finally:
            base._close(win)
    return out


def shot_gui1_sizes(outdir: Path) -> list[Path]:
    out: list[Path] = []
    for tag, size in SIZES.items():
        out += _shots_at(outdir, tag, size)
    env = dict(os.environ, QT_SCALE_FACTOR="2")
    subprocess.run([sys.executable, __file__, str(outdir), "--scaled"], check=True, env=env, timeout=600,
                   stdout=subprocess.DEVNULL)
    return out + sorted(outdir.glob("gui1_*_200pct.png"))


SHOTS = {"gui1_sizes": shot_gui1_sizes}

if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    if "--scaled" in sys.argv:
        paths = _shots_at(target, "200pct", (960, 540))
    elif "--size" in sys.argv:
        tag = sys.argv[sys.argv.index("--size") + 1]
        paths = _shots_at(target, tag, SIZES[tag])
    else:
        paths = shot_gui1_sizes(target)
    for p in paths:
        print(p)
