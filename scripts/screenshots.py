"""Screenshots of the review window on the demo cohort: `python scripts/screenshots.py OUTDIR`.

`SHOTS` is a list of functions `shot(outdir) -> list[Path]`; each builds its scene from the
demo cohort in a temporary folder (the user's files and settings are never touched). The
200 % shot runs in a child process, because QT_SCALE_FACTOR must be set before Qt starts.
Editing and exchange shots come from `scripts/screenshots_gui2.py` (helper gui2) when present.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

MAX_BYTES = 300_000
SIZE = (1440, 900)
PATIENT = "DEMO-007"


def _app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    from y90gui.ui.app import apply_look

    apply_look(app)
    return app


def _wait(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not condition():
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not become ready")
        time.sleep(0.01)


def _settle(seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.instance().processEvents()
        time.sleep(0.01)


def _save(widget, path: Path) -> Path:  # type: ignore[no-untyped-def]
    """Grab and save; fall back to an 8-bit palette when the PNG would exceed MAX_BYTES."""
    image = widget.grab().toImage()
    image.save(str(path))
    if path.stat().st_size > MAX_BYTES:  # flat UI colours: a 256-colour palette stays sharp
        try:
            from PIL import Image  # matplotlib's dependency; a median-cut palette keeps the hues

            with Image.open(path) as im:
                im.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        except ImportError:
            flags = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
            image.convertToFormat(QImage.Format.Format_Indexed8, flags).save(str(path), "PNG", 0)
    return path


def _window(folder: Path):  # type: ignore[no-untyped-def]  # -> MainWindow
    os.environ["Y90GUI_DATA_DIR"] = str(folder / "data")
    os.environ["Y90GUI_SETTINGS_DIR"] = str(folder / "settings")
    from y90gui.demo.commands import write_demo
    from y90gui.ui.main_window import MainWindow

    path = write_demo(folder / "demo.y90")
    _app()
    win = MainWindow()
    win.resize(*SIZE)
    win.open_file(path)
    win.show()
    _wait(lambda: win.plots_built and win.cohort is not None and not win.tasks.running())
    win.resize(*SIZE)
    win.patient_panel.select_patient(PATIENT)
    _settle()
    return win


def _close(win) -> None:  # type: ignore[no-untyped-def]
    win.close()
    win.tasks.shutdown()
    win.deleteLater()
    _settle(0.1)


def _report_ready(win) -> Callable[[], bool]:  # type: ignore[no-untyped-def]
    return lambda: win.report_view.report is not None and not win.tasks.running()


def shot_review_views(outdir: Path) -> list[Path]:
    """Main window (table + timeline), patient toxicity, KM by extent, cohort toxicity, report."""
    out: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        win = _window(Path(tmp))
        try:
            win.views.setCurrentIndex(0)
            win.detail_tabs.setCurrentWidget(win.detail.timeline_page)
            _settle()
            out.append(_save(win, outdir / "main_window.png"))
            out.append(_save(win.detail, outdir / "timeline.png"))
            win.detail_tabs.setCurrentWidget(win.detail.toxicity_page)
            _settle()
            out.append(_save(win, outdir / "toxicity_patient.png"))
            win.views.setCurrentWidget(win.survival_page)
            km = win.km
            km.strata_combo.setCurrentIndex(km.strata_combo.findData("first_extent"))
            _settle()
            out.append(_save(win, outdir / "kaplan_meier.png"))
            km.strata_combo.setCurrentIndex(0)
            km.export(Path(tmp) / "figure.svg")  # the export path is exercised, not committed
            win.statusBar().clearMessage()
            win.views.setCurrentWidget(win.cohort_toxicity_page)
            _wait(_report_ready(win))
            _settle()
            out.append(_save(win, outdir / "toxicity_cohort.png"))
            win.views.setCurrentWidget(win.report_view)
            _settle()
            out.append(_save(win, outdir / "report.png"))
            win.patient_panel.set_filter("first_extent", "whole_liver")
            _settle(0.3)
            _wait(_report_ready(win))
            win.views.setCurrentWidget(win.survival_page)
            _settle()
            out.append(_save(win, outdir / "filtered_whole_liver.png"))
        finally:
            _close(win)
    return out


def shot_scaled_200(outdir: Path) -> list[Path]:
    """The main window at 200 % (child process with QT_SCALE_FACTOR=2)."""
    env = dict(os.environ, QT_SCALE_FACTOR="2")
    subprocess.run([sys.executable, __file__, str(outdir), "--only-scaled"], check=True, env=env, timeout=300)
    return [outdir / "main_window_200pct.png"]


def _scaled_child(outdir: Path) -> None:
    global SIZE
    SIZE = (1100, 720)
    with tempfile.TemporaryDirectory() as tmp:
        win = _window(Path(tmp))
        try:
            win.detail_tabs.setCurrentWidget(win.detail.timeline_page)
            _settle()
            _save(win, outdir / "main_window_200pct.png")
        finally:
            _close(win)


def _gui2_shots() -> list[Callable[[Path], object]]:
    path = ROOT / "scripts" / "screenshots_gui2.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location("screenshots_gui2", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(getattr(module, "SHOTS", {}).values())


COX_COVARIATES = ["age", "sex", "ki67_pct", "extrahepatic_disease", "functional_syndrome"]


def shot_cox(outdir: Path) -> list[Path]:
    """The Cox page (univariable + multivariable tables, forest plot) and the report's new lines,
    at 1920 x 1080 and 1366 x 768."""
    out: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        win = _window(Path(tmp))
        try:
            for w, h in ((1920, 1080), (1366, 768)):
                win.resize(w, h)
                win.views.setCurrentWidget(win.cox_page)
                _wait(lambda: win.background.cox is not None)
                win.background.cox.set_chosen(COX_COVARIATES)
                win.background.cox.fit()
                _wait(lambda: "cox" not in win.tasks.running() and win.background.cox.result is not None)
                _settle()
                out.append(_save(win, outdir / f"cox_page_{w}x{h}.png"))
                win.views.setCurrentWidget(win.report_view)
                _wait(_report_ready(win))
                _settle()
                browser = win.report_view.browser
                bar = browser.verticalScrollBar()
                cursor = browser.document().find("Overall survival (OS) from")
                if not cursor.isNull():  # the survival sections at the top of the page
                    bar.setValue(bar.value() + browser.cursorRect(cursor).top() - 40)
                _settle()
                out.append(_save(win, outdir / f"report_endpoints_{w}x{h}.png"))
                bar.setValue(0)
            # a model that cannot be fitted: one message inside the page
            win.views.setCurrentWidget(win.cox_page)
            win.patient_panel.set_filter("primary_site", "pancreas")
            _settle(0.5)
            _wait(lambda: "cox" not in win.tasks.running())
            win.background.cox.set_chosen(["primary_site", "age"])
            win.background.cox.fit()
            _wait(lambda: "cox" not in win.tasks.running())
            _settle()
            out.append(_save(win, outdir / "cox_page_message_1366x768.png"))
        finally:
            _close(win)
    return out


SHOTS: list[Callable[[Path], object]] = [shot_review_views, shot_scaled_200, shot_cox]


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: screenshots.py OUTDIR", file=sys.stderr)
        return 2
    outdir = Path(argv[0])
    outdir.mkdir(parents=True, exist_ok=True)
    if "--only-scaled" in argv:
        _scaled_child(outdir)
        return 0
    if "--only-cox" in argv:
        for p in shot_cox(outdir):
            print(p)
        return 0
    for shot in SHOTS + _gui2_shots():
        result = shot(outdir)
        for p in result if isinstance(result, list) else [result]:
            print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
