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


#: The two screens issue 12 is checked on.
SCREENS = ((1920, 1080), (1366, 768))


def _import_two_changes(win, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Export the demo, change two fields of PATIENT in the workbook, import it back."""
    import openpyxl

    from y90gui.io.exporter import export_store

    path = export_store(win.store, folder / "centre.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["patients"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == PATIENT)
    ki67 = ws.cell(row, header.index("ki67_pct") + 1)
    ki67.value = (ki67.value or 0) + 3
    birth = ws.cell(row, header.index("birth_year") + 1)
    birth.value = int(birth.value) + 1
    wb.save(path)
    dialog = win.editing.open_import(path)
    _wait(lambda: dialog.plan is not None)
    dialog.import_button.click()
    _wait(lambda: not win.tasks.running() and not dialog.isVisible())


def shot_issue12_editing(outdir: Path) -> list[Path]:
    """The add-AE dialog (with a missing value marked), the history after an import that changed
    two fields, and the undo question, at 1920 x 1080 and 1366 x 768."""
    global SIZE
    out: list[Path] = []
    for width, height in SCREENS:
        SIZE = (width, height)
        tag = f"{width}x{height}"
        with tempfile.TemporaryDirectory() as tmp:
            win = _window(Path(tmp))
            try:
                win.detail_tabs.setCurrentWidget(win.detail.tables["adverse_events"])
                _settle()
                dialog = win.editing.add_row()
                dialog.set_value("term", "Fatig")
                dialog.set_value("onset_date", "2017-03-09")
                dialog.try_accept()  # category and grade missing: marked under their fields
                _settle()
                out.append(_save(dialog, outdir / f"add_ae_dialog_{tag}.png"))
                dialog.reject()
                _import_two_changes(win, Path(tmp))
                win.detail_tabs.setCurrentWidget(win.editing.history)
                _settle()
                out.append(_save(win, outdir / f"history_after_import_{tag}.png"))
                undo = win.editing.undo_redo
                win.store.undo()  # the import, so the demo cohort itself is next on the stack
                preview = win.store.undo_preview("undo")
                box = undo.question_box("undo", preview)
                box.show()
                _settle()
                out.append(_save(box, outdir / f"undo_confirm_{tag}.png"))
                box.reject()
            finally:
                _close(win)
    SIZE = (1440, 900)
    return out


def _gui2_shots(name: str = "screenshots_gui2") -> list[Callable[[Path], object]]:
    """The `SHOTS` of `scripts/<name>.py` when present (gui2: editing; gui1: timeline, sizes)."""
    path = ROOT / "scripts" / f"{name}.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(getattr(module, "SHOTS", {}).values())


def shot_km_endpoints(outdir: Path) -> list[Path]:
    """The KM view at 1920 x 1080 and 1366 x 768: OS by RECIST at 3 months (the demo gives
    log-rank p = 0.0004, "p < 0.001"), PFS, landmark OS by 3-month response; the export dialog."""
    from y90gui.ui.dialogs.figure_export import FigureExportDialog

    out: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        win = _window(Path(tmp))
        try:
            win.views.setCurrentWidget(win.survival_page)
            km = win.km
            for w, h in ((1920, 1080), (1366, 768)):
                win.resize(w, h)
                for endpoint, strata, name in (("os", "recist_3m", "km_os_recist_3m"), ("pfs", None, "km_pfs"),
                                               ("os_landmark_3m", None, "km_landmark")):
                    km.endpoint_combo.setCurrentIndex(km.endpoint_combo.findData(endpoint))
                    km.strata_combo.setCurrentIndex(km.strata_combo.findData(strata))
                    _settle()
                    out.append(_save(win, outdir / f"{name}_{w}x{h}.png"))
            km.endpoint_combo.setCurrentIndex(km.endpoint_combo.findData("os"))
            km.strata_combo.setCurrentIndex(km.strata_combo.findData("recist_3m"))
            _settle()
            desc = km.description
            dialog = FigureExportDialog(win, lambda: desc, km.figure_name())
            dialog.show()
            _wait(lambda: dialog.preview_image is not None)
            _settle()
            out.append(_save(dialog, outdir / "km_export_dialog.png"))
            dialog.reject()
        finally:
            _close(win)
    return out


def shot_cohorts_and_guide(outdir: Path) -> list[Path]:
    """An excluded patient in the table, the Cohort menu, the report naming a saved cohort and
    the user guide, at 1920 x 1080 and 1366 x 768 (helper "cohorts")."""
    global SIZE
    out: list[Path] = []
    for size in ((1920, 1080), (1366, 768)):
        SIZE = size
        tag = f"{size[0]}x{size[1]}"
        with tempfile.TemporaryDirectory() as tmp:
            win = _window(Path(tmp))
            try:
                model = win.detail.models["patients"]
                model.setData(model.index(model.row_for_key("exclusion_reason"), 1), "lost to follow-up")
                model.setData(model.index(model.row_for_key("excluded_from_analysis"), 1), "yes")
                _wait(lambda w=win: not w.tasks.running())
                win.views.setCurrentIndex(0)
                editor = win.detail.tables["patients"]
                win.detail_tabs.setCurrentWidget(editor)
                editor.scrollToBottom()  # the exclusion fields are the last ones
                win.patient_panel.table.scrollTo(win.patient_panel.table.currentIndex())
                _settle()
                out.append(_save(win, outdir / f"excluded_patient_{tag}.png"))
                bar = win.patient_panel.table.horizontalScrollBar()
                bar.setValue(bar.maximum())  # the Analysis column is the last one
                _settle()
                out.append(_save(win.patient_panel, outdir / f"excluded_patient_analysis_column_{tag}.png"))
                bar.setValue(0)
                win.patient_panel.set_filter("center", win.patient_panel.combos["center"].itemData(1))
                _settle(0.3)
                win.cohort_menu.save_current("First centre")
                menu = win.cohort_menu
                menu.rebuild()
                menu.popup(win.mapToGlobal(win.menuBar().geometry().bottomLeft()))
                _settle()
                out.append(_save(menu, outdir / f"cohort_menu_{tag}.png"))
                menu.hide()
                win.views.setCurrentWidget(win.report_view)
                _wait(_report_ready(win))
                _settle()
                out.append(_save(win, outdir / f"report_named_cohort_{tag}.png"))
                dialog = win.user_guide.show()
                _settle()
                out.append(_save(dialog, outdir / f"user_guide_{tag}.png"))
                dialog.browser.scrollToAnchor("definitions")
                _settle()
                out.append(_save(dialog, outdir / f"user_guide_definitions_{tag}.png"))
                dialog.close()
            finally:
                _close(win)
    SIZE = (1440, 900)
    return out


PUBLICATION_SIZES = ((1920, 1080), (1366, 768))


def shot_publication_pages(outdir: Path) -> list[Path]:
    """Swimmer, Waterfall, laboratory course, Tables and the figure export dialog with its
    preview, at 1920x1080 and 1366x768 (issue 13)."""
    from y90gui.ui.dialogs.figure_export import FigureExportDialog

    out: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        win = _window(Path(tmp))
        try:
            for w, h in PUBLICATION_SIZES:
                win.resize(w, h)
                _settle()
                for name, page, attr in (("swimmer", win.swimmer_page, "swimmer"),
                                         ("waterfall", win.waterfall_page, "waterfall"),
                                         ("lab_course", win.cohort_toxicity_page, "lab_course"),
                                         ("tables", win.tables_page, "tables_view")):
                    win.views.setCurrentWidget(page)
                    widget = getattr(win, attr)
                    if name == "lab_course":
                        win.cohort_toxicity.sections.setCurrentWidget(widget)
                        widget.set_test("alt")
                    _wait(lambda widget=widget: not widget.stale and not win.tasks.running())
                    _settle(0.5)
                    out.append(_save(win, outdir / f"{name}_{w}x{h}.png"))
                win.views.setCurrentWidget(win.waterfall_page)
                _settle()
                pages = list(win.waterfall.pages)
                dialog = FigureExportDialog(win, lambda pages=pages: pages, "Waterfall plot")
                dialog.resize(min(1100, w - 100), min(640, h - 100))
                dialog.show()
                _wait(lambda dialog=dialog: dialog.preview_image is not None)
                _settle(0.5)
                dialog.preview_image = None
                dialog._start_preview()  # again at the dialog's final size
                _wait(lambda dialog=dialog: dialog.preview_image is not None)
                _settle(0.3)
                out.append(_save(dialog, outdir / f"figure_export_dialog_{w}x{h}.png"))
                dialog.reject()
                dialog.deleteLater()
        finally:
            _close(win)
    return out


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
                cox = win.background.cox  # the forest plot on its own tab (it was cramped under the tables)
                cox.results.setCurrentWidget(cox.forest)
                _settle()
                out.append(_save(win, outdir / f"cox_forest_{w}x{h}.png"))
                cox.results.setCurrentIndex(0)
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


SHOTS: list[Callable[[Path], object]] = [shot_review_views, shot_scaled_200]
SHOTS.append(shot_issue12_editing)
SHOTS.append(shot_km_endpoints)
SHOTS.append(shot_cohorts_and_guide)
SHOTS.append(shot_publication_pages)
SHOTS.append(shot_cox)


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
    if "--only-cohorts" in argv:
        for p in shot_cohorts_and_guide(outdir):
            print(p)
        return 0
    only = [a.removeprefix("--only=") for a in argv if a.startswith("--only=")]
    for shot in SHOTS + _gui2_shots() + _gui2_shots("screenshots_gui1"):
        if only and shot.__name__ not in only:
            continue
        result = shot(outdir)
        for p in result if isinstance(result, list) else [result]:
            print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
