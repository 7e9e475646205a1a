"""Work off the GUI thread: the GUI thread gets the interpreter back quickly from a busy worker."""

from __future__ import annotations

import sys

import pytest

from y90gui.ui.tasks import GUI_SWITCH_INTERVAL_S, TaskRunner


@pytest.mark.parametrize("before", [0.005, 0.0002])
def test_a_task_runner_shortens_the_switch_interval_and_never_lengthens_it(qtbot, before: float) -> None:
    saved = sys.getswitchinterval()
    try:
        sys.setswitchinterval(before)
        runner = TaskRunner()
        assert sys.getswitchinterval() == pytest.approx(min(before, GUI_SWITCH_INTERVAL_S))
        seen: list[int] = []
        runner.start("sum", lambda _progress: sum(range(100_000)), seen.append)
        qtbot.waitUntil(lambda: not runner.running(), timeout=10000)
        assert seen == [sum(range(100_000))]
    finally:
        sys.setswitchinterval(saved)
