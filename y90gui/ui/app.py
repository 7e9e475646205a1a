"""Start the Qt application: style, icon, logging, the main window, the file to open.

Imports here are PySide6 and the store only: pandas, pyqtgraph and lifelines load after the
window is painted (see `main_window`). `--exit-after-paint` prints the seconds from process
start to the first paint of the window and exits (the GUI benchmark reads it).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from y90gui.core.gc_pause import paused_gc  # noqa: E402
from y90gui.services.logfile import setup_logging  # noqa: E402  (after the Qt binding is chosen)

RESOURCES = Path(__file__).with_name("resources")
log = logging.getLogger("y90gui")


def seconds_since_process_start() -> float:
    """Wall time since this process started (Linux: from /proc; elsewhere: since Python started)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter()  # perf_counter starts near interpreter start on most platforms


#: palette roles of the calm clinical look (the stylesheet adds shapes for specific widgets)
PALETTE = {
    "Window": "#f6f8f9", "WindowText": "#1f2a33", "Base": "#ffffff", "AlternateBase": "#f1f6f7",
    "Text": "#1f2a33", "Button": "#ffffff", "ButtonText": "#1f2a33", "Highlight": "#cde6eb",
    "HighlightedText": "#10262e", "ToolTipBase": "#ffffff", "ToolTipText": "#1f2a33",
    "PlaceholderText": "#7a8a93", "Link": "#0f6e7f", "Mid": "#d0dbe0", "Midlight": "#e3e9ec",
}


def apply_look(app: object, stylesheet: bool = True) -> None:
    """The calm clinical look: Fusion style + palette + our stylesheet + the app icon.

    `stylesheet=False` leaves the stylesheet out, for `apply_stylesheet` once the main window
    is built: with an application stylesheet in force, every widget is polished by the
    style-sheet engine when it is created and again each time it is re-parented (added to a
    layout, splitter or tab), which made building the window twice as slow. Set just before
    `show()`, each widget is polished once.
    """
    from PySide6.QtGui import QColor, QIcon, QPalette
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    if app.style().name().lower() != "fusion":  # (already Fusion where Qt has no platform theme: ~6 ms saved)
        app.setStyle("Fusion")
    palette = app.palette()
    for role, colour in PALETTE.items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9aa7ae"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#9aa7ae"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9aa7ae"))
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, QColor("#dbecef"))
    app.setPalette(palette)
    font = app.font()
    font.setPointSizeF(10)
    app.setFont(font)
    if stylesheet:
        apply_stylesheet(app)
    icon = RESOURCES / "y90gui.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))


def apply_stylesheet(app: object) -> None:
    qss = RESOURCES / "style.qss"
    if qss.exists():
        text = qss.read_text(encoding="utf-8").replace("@RES@", RESOURCES.resolve().as_posix())
        app.setStyleSheet(text)  # type: ignore[attr-defined]


def install_excepthook(window: object) -> None:
    """An error that escapes a slot becomes a message box (`show_error`, which words it and logs
    a bug with its traceback): what `core.errors.user_error` words (a mistake, a folder or disk, a
    damaged file) as "Error", anything else as "Unexpected error"."""
    from y90gui.core.errors import user_error

    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: object) -> None:
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)  # type: ignore[arg-type]
        user = user_error(exc) is not None
        try:
            window.show_error("Error" if user else "Unexpected error", exc)  # type: ignore[attr-defined]
        except Exception:
            previous(exc_type, exc, tb)  # type: ignore[arg-type]

    sys.excepthook = hook


def _report_first_paint(window: object, app: object) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not getattr(self, "seen", False):
                self.seen = True
                elapsed = seconds_since_process_start()
                QTimer.singleShot(0, lambda: _print_and_quit(elapsed, app))
            return False

    watcher = FirstPaint(window)  # type: ignore[arg-type]
    window.installEventFilter(watcher)  # type: ignore[attr-defined]


def _print_and_quit(elapsed: float, app: object) -> None:
    if sys.stdout is not None:
        print(f"first paint: {elapsed:.3f} s", flush=True)
    app.quit()  # type: ignore[attr-defined]


def run_gui(args: argparse.Namespace) -> int:
    # No cyclic garbage collection while Qt and y90gui load and the window is built (`paused_gc`).
    with paused_gc():
        app, window, demo_error = _start(args)
    if demo_error is not None:  # (a message box: after the pause, which it could otherwise prolong)
        window.show_error("The demo cohort could not be opened", demo_error)
    if getattr(args, "self_test", False):
        from y90gui.ui import selftest  # packaging's module

        return int(selftest.run_self_test(app, window))
    code = app.exec()
    # Delete the window while Qt and Python are both alive: left to interpreter shutdown, the
    # order in which pyqtgraph items and open dialogs are collected can crash the process.
    import gc

    window.deleteLater()
    del window
    app.processEvents()
    gc.collect()
    return int(code)


def _start(args: argparse.Namespace) -> tuple[Any, Any, BaseException | None]:
    """The application and its main window, shown: (app, window, why the demo cohort could not
    be opened, if it could not)."""
    prefetch = None
    if getattr(args, "file", None):
        # the patient table's query runs on a second core while Qt loads and the window is built
        from y90gui.store.summary import SummaryPrefetch

        prefetch = SummaryPrefetch(str(args.file))
    from PySide6.QtWidgets import QApplication

    from y90gui.ui.file_open import Y90Application

    app = QApplication.instance() or Y90Application(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("y90gui")
    app.setOrganizationName("y90gui")
    from y90gui import __version__

    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("y90gui")
    setup_logging()
    apply_look(app, stylesheet=False)  # the stylesheet follows once the window is built

    from y90gui.ui.main_window import MainWindow

    window = MainWindow()
    install_excepthook(window)
    from y90gui.ui.file_open import install_file_open

    install_file_open(app, window)  # macOS: a .y90 double-clicked while y90gui runs
    # No file given: the built-in demo cohort, as README says (the last files are under
    # File > Open recent). Reopening the last file instead surprised users who read the README.
    path = getattr(args, "file", None)
    demo_error: BaseException | None = None
    if path is None:
        from y90gui.demo.commands import demo_copy_path

        try:
            path = demo_copy_path()
        except Exception as exc:  # an empty window that says why, rather than no window at all
            log.error("demo copy unavailable", exc_info=exc)
            demo_error = exc
    if getattr(args, "exit_after_paint", False):
        _report_first_paint(window, app)
    if path is not None:
        window.open_file(path, prefetch)
    apply_stylesheet(app)
    window.show()
    return app, window, demo_error
