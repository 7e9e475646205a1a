"""Screenshots of editing and exchange (helper gui2): `python scripts/screenshots_gui2.py OUTDIR`.

Each `shot_*` function builds what it shows from the demo cohort in a temporary folder, so the
pictures are reproducible and the user's files are never touched. `SHOTS` lists them for
`scripts/screenshots.py`, which may import this module and call them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

PATIENT = "DEMO-007"


def _wait(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not condition():
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("screenshot scene did not become ready")
        time.sleep(0.01)


def _settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.instance().processEvents()
        time.sleep(0.01)


def _demo_file(folder: Path) -> Path:
    from y90gui.demo.cohort import build_demo
    from y90gui.store.store import Store

    path = folder / "demo.y90"
    with Store.create(path) as store:
        store.replace_patients(build_demo(), "import demo workbook", kind="import")
    return path


_WINDOW: list = []


def _window(folder: Path):  # -> MainWindow
    """The one window of this run (re-created windows would race their background loads)."""
    if not _WINDOW:
        settings = Path(tempfile.mkdtemp(prefix="y90shots-"))
        os.environ["Y90GUI_SETTINGS_DIR"] = str(settings / "settings")
        os.environ["Y90GUI_DATA_DIR"] = str(settings / "data")
        from y90gui.ui.main_window import MainWindow

        _WINDOW.append(MainWindow())
        _WINDOW[0].resize(1360, 840)
        _WINDOW[0].show()
    win = _WINDOW[0]
    assert win.open_file(_demo_file(folder))
    pid = PATIENT if PATIENT in win.store.patient_ids() else win.store.patient_ids()[0]
    win.patient_panel.select_patient(pid)
    _wait(lambda: win.editing.store is win.store and win.current_patient_id() == pid)
    _settle(1.0)
    return win


def _close(win) -> None:
    """Let background work finish before the file goes away (the window stays for the next shot)."""
    _wait(lambda: not win.tasks.running())
    win.close_store()


def shot_edit_view(outdir: Path) -> Path:
    """The Labs tab after a refused value: the cell is marked, the reason is under the table."""
    with tempfile.TemporaryDirectory() as tmp:
        win = _window(Path(tmp))
        view = win.detail.tables["labs"]
        win.detail_tabs.setCurrentWidget(view)
        model = win.detail.models["labs"]
        good = model.index(0, model.column_index("value"))
        model.setData(good, str(float(model.data(good)) + 1))
        bad = model.index(1, model.column_index("unit"))
        model.setData(bad, "ratio")
        view.clearSelection()  # the red mark of the refused cell stays visible
        _wait(lambda: not win.tasks.running())
        _settle()
        out = outdir / "edit_view.png"
        win.grab().save(str(out))
        _close(win)
    return out


def shot_history(outdir: Path) -> Path:
    """The History tab after two edits and an undo."""
    with tempfile.TemporaryDirectory() as tmp:
        win = _window(Path(tmp))
        fields = win.detail.models["patients"]
        fields.setData(fields.index(fields.row_for_key("ki67_pct"), 1), "14")
        fields.setData(fields.index(fields.row_for_key("notes"), 1), "reviewed against the centre's CRF")
        win.actions["undo"].trigger()
        labs = win.detail.models["labs"]
        value = labs.index(0, labs.column_index("value"))
        labs.setData(value, str(float(labs.data(value)) + 2))
        win.detail_tabs.setCurrentWidget(win.editing.history)
        win.splitter.setSizes([330, 1030])
        _wait(lambda: not win.tasks.running())
        _settle()
        out = outdir / "history_view.png"
        win.grab().save(str(out))
        _close(win)
    return out


def _workbook(win, folder: Path, edits: dict[str, dict[str, object]], append: dict[str, list[list]]) -> Path:
    import openpyxl

    from y90gui.io.exporter import export_store

    path = export_store(win.store, folder / "centre-B-resend.xlsx")
    wb = openpyxl.load_workbook(path)
    header = {s: [c.value for c in wb[s][1]] for s in wb.sheetnames}
    for sheet, cells in edits.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    for sheet, rows in append.items():
        for row in rows:
            wb[sheet].append(row)
    del header
    wb.save(path)
    return path


def shot_import_errors(outdir: Path) -> Path:
    """A centre's workbook with mistakes: every error with sheet, row, column and value."""
    with tempfile.TemporaryDirectory() as tmp:
        win = _window(Path(tmp))
        path = _workbook(win, Path(tmp), {
            "patients": {"G3": "12 %", "M5": "03/09/2017", "L7": "deceased"},
            "labs": {"E4": "U/L", "D9": "-4"},
            "radioembolization": {"B4": 1},
        }, {"adverse_events": [["DEMO-099", 1, "2016-02-30", "nausea", "clinical", 2, None]]})
        dialog = win.editing.open_import(path)
        dialog.resize(980, 520)
        _wait(lambda: dialog.plan is not None)
        dialog.errors.view.resizeColumnsToContents()
        _settle()
        out = outdir / "import_errors.png"
        dialog.grab().save(str(out))
        dialog.reject()
        _close(win)
    return out


def shot_import_preview(outdir: Path) -> Path:
    """A clean re-sent workbook: new, changed field by field, unchanged — before anything is written."""
    with tempfile.TemporaryDirectory() as tmp:
        win = _window(Path(tmp))
        path = _workbook(win, Path(tmp), {"patients": {"G2": 7.5, "O3": "re-checked against the centre's CRF"},
                                          "labs": {"D2": 31}},
                         {"patients": [["DEMO-045", "Centre B (demo)", "F", 1961, "small_bowel", "G2", 4, None,
                                        "yes", "no", 25, "alive", "2019-06-30", None,
                                        "Synthetic demo patient: not a real person."]]})
        dialog = win.editing.open_import(path)
        dialog.resize(980, 560)
        _wait(lambda: dialog.plan is not None)
        _settle()
        out = outdir / "import_preview.png"
        dialog.grab().save(str(out))
        dialog.reject()
        _close(win)
    return out


SHOTS: dict[str, Callable[[Path], Path]] = {
    "edit_view": shot_edit_view,
    "history_view": shot_history,
    "import_errors": shot_import_errors,
    "import_preview": shot_import_preview,
}


def main(argv: list[str]) -> int:
    outdir = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    outdir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    try:  # the same look as the app and gui1's screenshots
        from y90gui.ui.app import apply_look

        apply_look(app)
    except ImportError:
        pass
    for name, fn in SHOTS.items():
        print(f"{name}: {fn(outdir)}")
    if _WINDOW:
        _WINDOW[0].tasks.shutdown()
        _WINDOW[0].close()
    return 0


if __name__ == "__main__":
    code = main(sys.argv)
    sys.stdout.flush()
    # Skip interpreter finalization: PySide6 6.12 can crash in the final garbage collection
    # (bool_dealloc) after the window is gone; the PNGs are written and closed by now.
    os._exit(code)
