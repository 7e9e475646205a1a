"""What the first paint leaves for later: sheet tables and editing arrive in place, unasked or on demand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QTableView
from ui_helpers import close_window

from y90gui.ui.detail_area import SHEET_TABS

ROOT = Path(__file__).resolve().parents[2]


def _titles(tabs) -> list[str]:  # type: ignore[no-untyped-def]
    return [tabs.tabText(i) for i in range(tabs.count())]


def test_sheet_tables_and_editing_come_after_the_first_paint_in_their_tabs(qtbot, small_store_path: Path) -> None:
    from y90gui.ui.main_window import MainWindow

    win = MainWindow()
    try:
        assert win.open_file(small_store_path)
        before = _titles(win.detail_tabs)
        assert win._editing is None and not win.detail._tables  # nothing of it built yet
        assert all(not win.actions[k].isEnabled() for k in ("import", "export", "undo"))
        win.show()
        qtbot.waitUntil(lambda: win._editing is not None, timeout=30000)
        # the same tabs in the same order (History is added at the end), now holding the tables
        assert _titles(win.detail_tabs)[: len(before)] == before
        for sheet, title in SHEET_TABS:
            view = win.detail_tabs.widget(before.index(title))
            assert isinstance(view, QTableView) and view is win.detail.tables[sheet]
            assert view.model() is win.detail.models[sheet]
        assert win.actions["import"].isEnabled() and win.actions["export"].isEnabled()
        # added to a window already on screen, the row toolbar must still show beside the tabs
        assert win.editing.row_toolbar.isVisible()
        assert win.detail_tabs.cornerWidget() is win.editing.row_toolbar
        assert win.detail_tabs.currentIndex() == 0  # building them did not switch tabs
    finally:
        close_window(qtbot, win)


def test_asking_for_editing_before_any_paint_builds_it_there_and_then(qtbot, small_store_path: Path) -> None:
    from y90gui.ui.main_window import MainWindow

    win = MainWindow()
    try:
        assert win.open_file(small_store_path)
        win.detail_tabs.setCurrentIndex(3)
        current = win.detail_tabs.currentWidget()
        assert win.editing is not None  # never shown: built on demand
        assert win.detail_tabs.currentIndex() == 3 and win.detail_tabs.currentWidget() is not current
        assert isinstance(win.detail_tabs.currentWidget(), QTableView)
        assert win.editing is win.editing  # once
    finally:
        close_window(qtbot, win)


def test_the_application_opens_a_file_the_desktop_hands_over(small_store_path: Path, tmp_path: Path) -> None:
    """y90gui's own QApplication handles FileOpen itself (no filter in front of every event)."""
    script = f"""
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent
from y90gui.ui.file_open import Y90Application, install_file_open

app = Y90Application(sys.argv[:1])
class Window:
    opened = []
    def open_file(self, path):
        self.opened.append(path)
window = Window()
assert install_file_open(app, window) is None
app.sendEvent(app, QFileOpenEvent({str(small_store_path)!r}))
ordinary = QObject()
app.sendEvent(ordinary, QEvent(QEvent.Type.User))  # not a file: ignored
print("opened", window.opened)
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", Y90GUI_SETTINGS_DIR=str(tmp_path / "settings"))
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert f"opened [{str(small_store_path)!r}]" in out.stdout


def test_garbage_collection_waits_for_the_window_only(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Start-up (Qt, y90gui, the window built and shown) runs without the cyclic collector; the
    event loop runs with it, and a collector someone else switched off stays off."""
    import argparse
    import gc

    from y90gui.ui import app

    seen: dict[str, bool] = {}

    class Window:
        def deleteLater(self) -> None:  # noqa: N802
            pass

    class App:
        def exec(self) -> int:
            seen["event loop"] = gc.isenabled()
            return 0

        def processEvents(self) -> None:  # noqa: N802
            pass

    def start(_args: argparse.Namespace) -> tuple[App, Window, None]:
        seen["start-up"] = gc.isenabled()
        return App(), Window(), None

    monkeypatch.setattr(app, "_start", start)
    was = gc.isenabled()
    try:
        gc.enable()
        assert app.run_gui(argparse.Namespace(file=None)) == 0
        assert seen == {"start-up": False, "event loop": True}
        assert gc.isenabled()
        gc.disable()
        app.run_gui(argparse.Namespace(file=None))
        assert not gc.isenabled()  # already off: not ours to switch back on
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_a_start_up_that_fails_gives_the_collector_back(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import argparse
    import gc

    import pytest

    from y90gui.ui import app

    def broken(_args: argparse.Namespace) -> tuple[object, object, None]:
        assert not gc.isenabled()  # paused for the start-up
        raise RuntimeError("the window could not be built")

    monkeypatch.setattr(app, "_start", broken)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        app.run_gui(argparse.Namespace(file=None))
    assert gc.isenabled()


def test_a_small_files_search_index_follows_the_first_paint_and_search_works_before_it(
        qtbot, small_store_path: Path) -> None:
    """numpy and the search index are not needed to paint the table: they come just after the
    first paint (so the first keystroke does not pay for them), or at once if a search comes first."""
    from y90gui.ui.main_window import MainWindow

    win = MainWindow()
    try:
        assert win.open_file(small_store_path)
        model = win.patient_panel.model
        assert not model.indexed
        win.show()
        qtbot.waitUntil(lambda: win.background.painted, timeout=30000)
        assert model.indexed  # built after the paint, before any keystroke
    finally:
        close_window(qtbot, win)

    win = MainWindow()
    try:
        assert win.open_file(small_store_path)
        model = win.patient_panel.model
        everyone = win.patient_panel.proxy.rowCount()
        first = win.patient_panel.proxy.visible_ids()[0]
        qtbot.keyClicks(win.patient_panel.search, first)  # before any paint: the index is built for it
        qtbot.waitUntil(lambda: win.patient_panel.proxy.rowCount() < everyone, timeout=10000)
        assert first in win.patient_panel.proxy.visible_ids() and model.indexed
    finally:
        close_window(qtbot, win)


def test_the_demo_window_paints_before_numpy_is_imported() -> None:
    """At start-up on the demo cohort the first paint needs only Qt and sqlite3 (numpy alone is
    ~50 ms of a ~0.3 s start)."""
    script = (
        "import sys\n"
        "from y90gui.ui.controllers import background\n"
        "real = background.BackgroundController.window_painted\n"
        "seen = []\n"
        "def painted(self):\n"
        "    if not seen:\n"
        "        seen.append('numpy' in sys.modules)\n"
        "        print('numpy at first paint:', seen[0], flush=True)\n"
        "    real(self)\n"
        "background.BackgroundController.window_painted = painted\n"
        "from y90gui.cli import main\n"
        "sys.argv = ['y90gui', '--exit-after-paint']\n"
        "sys.exit(main())\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "numpy at first paint: False" in r.stdout, (r.stdout, r.stderr[-2000:])
