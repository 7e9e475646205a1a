"""The self-test's steps (`SelfTest`) and how they wait: a local event loop, never a busy poll.

Each step drives the real window and returns a short detail for its line, or raises
`StepFailed` with what was expected and what was found. `selftest.run_self_test` runs them in
order and reports.
"""

from __future__ import annotations

import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMEOUT_S = 180.0  # a cold frozen start on a slow CI runner imports pandas/scipy for tens of seconds


class StepFailed(Exception):
    """A self-test check did not hold; the message says what was expected and what was found."""


def _run_loop_until(done: Callable[[], bool], timeout: float) -> bool:
    """Run a local event loop until `done()` or `timeout` seconds; True when done.

    Why not a processEvents() loop: PySide6 6.12 on Python 3.11 drops one reference to None
    on every call of a void static method (processEvents, QThread.msleep, ...); a polling loop
    makes thousands of them and ends in "Fatal Python error: none_dealloc". One exec() per wait
    and a 20 ms timer whose Python slot checks the condition costs none.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return True
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)

    def check() -> None:
        if done() or time.monotonic() > deadline:
            timer.stop()
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    return done()


def _wait(app: Any, ready: Callable[[], bool], what: str, timeout: float = TIMEOUT_S,
          errors: list[str] | None = None) -> None:
    """Run the event loop until `ready()`; workers report back through queued signals.

    An error shown or logged meanwhile ends the wait at once (it will not become ready)."""
    errors = errors if errors is not None else []
    if not _run_loop_until(lambda: bool(errors) or ready(), timeout):
        raise StepFailed(f"timed out after {timeout:.0f} s waiting for {what}")
    if errors and not ready():
        raise StepFailed(f"while waiting for {what}: {'; '.join(errors)}")


def _settle(app: Any, seconds: float = 0.2) -> None:
    """Let queued paints and signals run for a moment."""
    end = time.monotonic() + seconds
    _run_loop_until(lambda: time.monotonic() >= end, seconds + 1)


def _grab(widget: Any, name: str) -> str:
    """Paint a widget into an image (what the screen would show) and check it is not blank."""
    image = widget.grab().toImage()
    if image.isNull() or image.width() < 50 or image.height() < 50:
        raise StepFailed(f"{name}: painted nothing ({image.width()}x{image.height()})")
    step = max(1, min(image.width(), image.height()) // 40)
    colours = {image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)}
    if len(colours) < 3:
        raise StepFailed(f"{name}: painted a blank area ({image.width()}x{image.height()})")
    return f"{image.width()}x{image.height()}"


class SelfTest:
    """The steps, in order; each returns a short detail for its line or raises StepFailed."""

    def __init__(self, app: Any, window: Any, folder: Path) -> None:
        self.app = app
        self.window = window
        self.folder = folder
        self.db = folder / "selftest-demo.y90"
        self.n_patients = 0
        self.errors: list[str] = []
        self.reports: list[dict[str, Any]] = []  # reports computed after our file was opened

    # --------------------------------------------------------------- steps
    def environment(self) -> str:
        import platform

        from PySide6 import __version__ as pyside_version
        from PySide6.QtGui import QGuiApplication

        from y90gui import __version__

        frozen = "frozen bundle" if getattr(sys, "frozen", False) else "source tree"
        return (f"y90gui {__version__}, {frozen}, Python {platform.python_version()}, PySide6 {pyside_version}, "
                f"Qt platform {QGuiApplication.platformName()}, {platform.system()} {platform.machine()}")

    def write_demo(self) -> str:
        from y90gui.demo.cohort import build_demo
        from y90gui.store.store import Store

        data = build_demo()
        self.n_patients = len(data.get("patients", []))
        if self.n_patients == 0:
            raise StepFailed("the demo cohort has no patients")
        store = Store.create(self.db)
        try:
            store.replace_patients(data, "self-test: demo cohort")
            counts = store.counts()
        finally:
            store.close()
        if counts.get("patients") != self.n_patients:
            raise StepFailed(f"wrote {self.n_patients} patients, the store counts {counts.get('patients')}")
        return f"{self.n_patients} patients, {sum(len(r) for r in data.values())} rows -> {self.db.name}"

    def open_in_window(self) -> str:
        w = self.window
        w.report_view.report_ready.connect(self.reports.append)
        if not w.open_file(self.db):
            raise StepFailed(f"the window refused {self.db.name}: {'; '.join(self.errors) or 'no reason shown'}")
        if w.store is None or Path(w.store.path).resolve() != self.db.resolve():
            raise StepFailed("the window did not keep the opened store")
        w.show()
        _wait(self.app, lambda: w.isVisible() and w.cohort is not None, "the case series to load", errors=self.errors)
        ids = w.filtered_patient_ids()
        if len(ids) != self.n_patients:
            raise StepFailed(f"the patient table lists {len(ids)} patients, expected {self.n_patients}")
        return f"{len(ids)} patients listed, window {_grab(w, 'main window')}"

    def patient_panels(self) -> str:
        w = self.window
        _wait(self.app, lambda: bool(getattr(w, "plots_built", True)), "the plot pages (pyqtgraph)",
              errors=self.errors)
        pid = w.filtered_patient_ids()[0]
        table = w.patient_panel.table
        table.setFocus()
        table.selectRow(0)
        _wait(self.app, lambda: w.current_patient_id() == pid, f"patient {pid} to be selected")
        w.views.setCurrentIndex(0)
        tabs = w.detail_tabs
        shown = []
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            _settle(self.app, 0.1)
            page = tabs.widget(i)
            if getattr(page, "content", "n/a") is None:
                raise StepFailed(f"patient tab '{tabs.tabText(i)}' still shows its placeholder")
            _grab(page, f"patient tab '{tabs.tabText(i)}'")
            shown.append(tabs.tabText(i).replace("&", ""))
        return f"patient {pid}: {', '.join(shown)}"

    def cohort_panels(self) -> str:
        w = self.window
        shown = []
        for i in range(w.views.count()):
            w.views.setCurrentIndex(i)
            _settle(self.app, 0.1)
            page = w.views.widget(i)
            if getattr(page, "content", "n/a") is None:
                raise StepFailed(f"view '{w.views.tabText(i)}' still shows its placeholder")
            _grab(page, f"view '{w.views.tabText(i)}'")
            shown.append(w.views.tabText(i).replace("&", ""))
        return ", ".join(shown)

    def report(self) -> str:
        w = self.window
        view = w.report_view
        _wait(self.app, lambda: bool(self.reports) and view.report is not None
              and len(view.report_ids) == self.n_patients, "the report of all patients", errors=self.errors)
        rep = view.report
        from y90gui.analysis.report import report_for_store

        direct = report_for_store(w.store)  # straight from the file, not through the window's cohort
        for key in ("patients", "procedures"):
            if rep.get(key) != direct.get(key):
                raise StepFailed(f"report '{key}' is {rep.get(key)} in the window, {direct.get(key)} computed directly")
        if rep.get("patients") != self.n_patients:
            raise StepFailed(f"the report counts {rep.get('patients')} patients, expected {self.n_patients}")
        os_ = rep.get("os") or {}
        if os_.get("N") != self.n_patients:
            raise StepFailed(f"overall survival has N={os_.get('N')}, expected {self.n_patients}")
        text = view.text()
        if str(self.n_patients) not in text:
            raise StepFailed("the report page does not show the patient count")
        median = os_.get("median_years")
        median_text = "not reached" if median is None else f"{median:.2f} y"
        return (f"{rep['patients']} patients, {rep.get('procedures')} procedures, OS median {median_text} "
                f"({os_.get('events')} deaths), {len(text)} characters shown")

    def export_workbook(self) -> str:
        w = self.window
        out = self.folder / "selftest-report.xlsx"
        w.report_view.export(out)
        _wait(self.app, lambda: out.exists() and "export_report" not in w.tasks.running(), "the report workbook",
              errors=self.errors)
        if self.errors:
            raise StepFailed("; ".join(self.errors))
        with zipfile.ZipFile(out) as z:
            bad = z.testzip()
            names = z.namelist()
        if bad is not None:
            raise StepFailed(f"{out.name} is damaged ({bad})")
        from openpyxl import load_workbook

        wb = load_workbook(out, read_only=True)
        try:
            sheets = wb.sheetnames
            cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                        if v is not None)
        finally:
            wb.close()
        if len(sheets) < 2 or cells < 20:
            raise StepFailed(f"{out.name} has {len(sheets)} sheets and {cells} filled cells")
        images = sum(1 for n in names if n.startswith("xl/media/"))
        return f"{out.name}: {len(sheets)} sheets, {cells} filled cells, {images} image(s), {out.stat().st_size} bytes"

    def export_km_figure(self) -> str:
        from y90gui.analysis import survival
        from y90gui.analysis.km_figure import render_km_png

        rows = self.window.cohort.os_rows
        km = survival.kaplan_meier([d for _p, d, _e in rows], [e for _p, _d, e in rows])
        out = self.folder / "selftest-km.png"
        render_km_png(km, out, dpi=150)
        from PySide6.QtGui import QImage

        image = QImage(str(out))
        if image.isNull() or image.width() < 300 or image.height() < 200:
            raise StepFailed(f"{out.name} is not a readable figure ({image.width()}x{image.height()})")
        return f"{out.name}: {image.width()}x{image.height()} px, {out.stat().st_size} bytes ({km.n} patients)"

    def registry_driver(self) -> str:
        """The shared registry's driver is in the bundle and finds its libpq (no server needed)."""
        try:
            import psycopg
        except ImportError as exc:
            raise StepFailed(f"psycopg is missing from this installation ({exc}): "
                             "Connect to registry cannot work") from None
        try:
            libpq = psycopg.pq.version()
        except Exception as exc:  # noqa: BLE001 - any failure to load libpq is this step's finding
            raise StepFailed(f"psycopg {psycopg.__version__} cannot load libpq: {exc}") from None
        return f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__}), libpq {libpq // 10000}.{libpq % 10000}"

    def cox_fit(self) -> str:
        """A Cox model fitted in the Cox page on a worker (statsmodels is in the bundle and works),
        equal to the one fitted straight from the file."""
        from y90gui.analysis.cox import cox_for_store

        w = self.window
        page = w.background.cox
        if page is None:
            raise StepFailed("the Cox page was not built")
        w.views.setCurrentWidget(w.cox_page)
        page.set_chosen(["age", "sex"])
        page.fit()
        _wait(self.app, lambda: "cox" not in w.tasks.running(), "the Cox fit", errors=self.errors)
        if page.result is None:
            raise StepFailed(f"the Cox page shows no result: {page.message.text() or 'no message'}")
        direct = cox_for_store(w.store, page.chosen())  # the list's order: sex, age
        shown, expected = page.result.to_json(), direct.to_json()
        if shown != expected:
            raise StepFailed(f"the Cox page's model differs from the one computed from the file: {shown} vs {expected}")
        if page.uni_table.rowCount() != 2 or len(page.forest.drawn) != 4:
            raise StepFailed(f"the Cox page shows {page.uni_table.rowCount()} univariable rows and "
                             f"{len(page.forest.drawn)} forest rows (expected 2 and 4)")
        m = page.result.multivariable
        hr = ", ".join(f"{t.label} HR {t.hr:.3f}" for t in m.terms)
        return f"OS ~ {' + '.join(page.chosen())}: N = {m.n}, {m.events} deaths; {hr}; {_grab(page, 'Cox page')}"

    def no_errors(self) -> str:
        """Late failures: background work still finishing after the last step."""
        _settle(self.app, 0.5)
        if self.errors:
            raise StepFailed("; ".join(self.errors))
        return "no error shown or logged since the last step"
