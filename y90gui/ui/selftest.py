"""`y90gui --self-test`: prove that this installation works, end to end, in the real window.

An installer is only done when the installed app can open a case series, draw every panel,
compute the report and write its files; a frozen bundle that lacks one hidden import or one
Qt plugin fails exactly there, and only at run time. So the self-test drives the real
MainWindow on a fresh copy of the demo cohort (written with the store into a temporary
folder, never the user's files), one step after the other, prints one line per step and exits
0 only if every step passed. Lines go to stdout when there is one (a windowed Windows build
has none) and always to the log file in the user's data folder.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from y90gui.ui.selftest_steps import SelfTest, StepFailed

log = logging.getLogger("y90gui.selftest")


def _say(line: str) -> None:
    if sys.stdout is not None:
        try:
            print(line, flush=True)
        except OSError:  # a closed console must not fail the test
            pass
    log.info(line)


def _ensure_log_file() -> Path | None:
    """The app's log file (services.logfile.setup_logging) — added here when the caller did not set it up."""
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    from y90gui.services.logfile import setup_logging

    return setup_logging()


class _ErrorCatcher(logging.Handler):
    """Collects ERROR records (background task failures, unexpected exceptions) during the test."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(f"logged: {record.getMessage()}")


def _make_window(app: Any) -> Any:
    """A window of our own when called without one (tests, `python -m y90gui.ui.selftest`)."""
    from y90gui.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    return window


def run_self_test(app: Any = None, window: Any = None) -> int:
    """Run every step; 0 if all passed, 1 otherwise. `app`/`window` come from app.run_gui."""
    from PySide6.QtWidgets import QApplication

    app = app or QApplication.instance() or QApplication(sys.argv[:1])
    log_path = _ensure_log_file()
    own_window = window is None
    window = window or _make_window(app)
    settings = getattr(window, "settings", None)
    saved = {k: settings.value(k) for k in ("recent_files", "last_file")} if settings is not None else {}
    folder = Path(tempfile.mkdtemp(prefix="y90gui-selftest-"))
    test = SelfTest(app, window, folder)
    catcher = _ErrorCatcher(test.errors)
    logging.getLogger().addHandler(catcher)
    original_show_error = getattr(window, "show_error", None)
    if original_show_error is not None:
        def show_error(title: str, exc: BaseException) -> None:
            test.errors.append(f"shown: {title}: {exc}")
            original_show_error(title, exc)

        window.show_error = show_error

    steps = [("environment", test.environment), ("demo cohort", test.write_demo),
             ("open in window", test.open_in_window), ("patient panels", test.patient_panels),
             ("cohort panels", test.cohort_panels), ("report", test.report),
             ("report workbook", test.export_workbook), ("KM figure", test.export_km_figure),
             ("registry driver", test.registry_driver), ("Cox model", test.cox_fit),
             ("errors", test.no_errors)]
    _say(f"self-test: {len(steps)} steps; log {log_path or 'unavailable'}; temporary folder {folder}")
    started = time.monotonic()
    failed = 0
    for name, step in steps:
        t0 = time.monotonic()
        test.errors.clear()  # each step answers for the errors shown or logged while it ran
        try:
            detail = step()
            if test.errors:
                raise StepFailed("; ".join(test.errors))
        except StepFailed as exc:
            failed += 1
            _say(f"FAIL {name}: {exc} ({time.monotonic() - t0:.1f} s)")
        except Exception as exc:  # noqa: BLE001  (a bug or a missing module in the bundle: report it, go on)
            failed += 1
            _say(f"FAIL {name}: {type(exc).__name__}: {exc} ({time.monotonic() - t0:.1f} s)")
            log.warning("self-test step %s crashed\n%s", name, traceback.format_exc())
        else:
            _say(f"ok   {name}: {detail} ({time.monotonic() - t0:.1f} s)")
        if failed and name in ("demo cohort", "open in window"):
            _say("self-test: later steps need the open case series; stopping")
            break
    verdict = "PASSED" if failed == 0 else f"FAILED ({failed} of {len(steps)} steps)"
    _say(f"self-test {verdict} in {time.monotonic() - started:.1f} s")

    logging.getLogger().removeHandler(catcher)
    if original_show_error is not None:
        del window.show_error
    try:
        window.close_store()
    except Exception:  # noqa: BLE001
        log.warning("self-test: closing the store failed", exc_info=True)
    if settings is not None:  # the temporary file must not appear in the user's recent files
        for key, value in saved.items():
            if value is None:
                settings.remove(key)
            else:
                settings.setValue(key, value)
        settings.sync()
    if own_window:
        window.close()
    elif hasattr(window, "tasks"):  # app.run_gui exits after us: no worker may outlive the window
        window.tasks.shutdown()
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(run_self_test())
