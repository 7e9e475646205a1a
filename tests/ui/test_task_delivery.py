"""A task's outcome is delivered in one event with its callback, and an outcome message outlives other work.

CI once failed `test_save_snapshot_writes_…`: the snapshot's "Snapshot written" message was
gone when the test looked, because (a) a task was marked delivered by a slot of its own, queued
as a separate event before the callback's, and (b) the cohort refit finishing later cleared the
whole status bar, not just its own "busy" text. Marking it after the callback instead left the
busy bar up after loading (the loading's callback asks whether anything still runs): the mark
and the callback are one slot.
"""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QApplication, QLabel

from y90gui.ui.tasks import TaskRunner


def test_a_task_is_delivered_in_the_event_that_runs_its_callback(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    seen: list[tuple[list[str], bool]] = []
    release = threading.Event()

    def work(_progress):  # type: ignore[no-untyped-def]
        release.wait(10)
        return 42

    task = runner.start("k", work, on_finished=lambda result: seen.append((runner.running(), task.delivered)))
    assert runner.running() == ["k"]
    release.set()
    qtbot.waitUntil(lambda: not runner.running(), timeout=10000)
    assert seen == [([], True)]  # inside its callback the task no longer counts
    assert task.delivered


def test_failed_and_cancelled_outcomes_are_delivered_with_their_callbacks(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    seen: list[str] = []

    def boom(_progress):  # type: ignore[no-untyped-def]
        raise ValueError("no")

    runner.start("bad", boom, on_failed=lambda exc: seen.append(f"failed {exc} {runner.running()}"))
    qtbot.waitUntil(lambda: not runner.running(), timeout=10000)

    def stops(progress):  # type: ignore[no-untyped-def]
        progress.cancel()
        progress.check()

    runner.start("stop", stops, on_cancelled=lambda: seen.append(f"cancelled {runner.running()}"))
    qtbot.waitUntil(lambda: not runner.running(), timeout=10000)
    assert seen == ["failed no []", "cancelled []"]


def test_a_callback_of_a_widget_deleted_meanwhile_is_not_called(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A dialog closed (and deleted) while its task runs: Qt drops the connection to its method,
    so the outcome neither calls into a deleted widget nor leaves the task counted as running."""
    runner = TaskRunner()
    release = threading.Event()
    calls: list[object] = []

    class Preview(QLabel):
        def show_result(self, result: object) -> None:
            calls.append(result)
            self.setText(str(result))

    preview = Preview()
    runner.start("preview", lambda _p: release.wait(10) and "png", on_finished=preview.show_result)
    preview.deleteLater()
    QApplication.processEvents()  # the label is gone before the result arrives
    release.set()
    qtbot.waitUntil(lambda: not runner.running(), timeout=10000)
    assert calls == []


def test_idle_clears_only_the_busy_message_not_an_outcome_shown_meanwhile(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    bar = window.statusBar()
    window.session.busy.emit("Refitting the cohort…")
    assert bar.currentMessage() == "Refitting the cohort…"
    window.session.idle.emit()
    assert bar.currentMessage() == ""  # its own text goes

    window.session.busy.emit("Refitting the cohort…")
    window.session.message.emit("Snapshot written: /tmp/x.y90", 10000)
    window.session.idle.emit()  # the refit ends after the snapshot reported
    QApplication.processEvents()
    assert bar.currentMessage() == "Snapshot written: /tmp/x.y90"


def test_after_loading_the_busy_bar_is_gone_and_its_message_too(qtbot, small_store_path) -> None:  # type: ignore[no-untyped-def]
    from y90gui.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.open_file(small_store_path)
    win.show()
    qtbot.waitUntil(lambda: win.cohort is not None and not win.tasks.running(), timeout=60000)
    QApplication.processEvents()
    assert not win.busy.isVisible()
    assert win.statusBar().currentMessage() != "Loading the case series…"
