"""Fixtures of the review-window tests: isolated settings, a small store, an open window.

The store is built once per session from `cohort_fixture` and copied per test. The window
fixture waits for the background work (plot pages, cohort load) and on teardown closes the
window, waits for its workers and deletes it, so no thread or widget outlives a test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cohort_fixture import build_small_cohort
from ui_helpers import close_window, open_ready_window

from y90gui.store.store import Store


@pytest.fixture(autouse=True)
def _ui_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("Y90GUI_SETTINGS_DIR", str(tmp_path / "settings"))


@pytest.fixture(autouse=True)
def _clipboard_emptied() -> Iterator[None]:
    """Qt's offscreen platform crashes at interpreter exit (SIGSEGV, exit 139 after every test
    passed) when its clipboard still owns data a test copied: empty it after each test."""
    yield
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        QApplication.clipboard().clear()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo cohort in a file, written once per run; tests copy it before opening it."""
    from y90gui.demo.cohort import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.y90"
    with Store.create(path) as store:
        store.replace_patients(build_demo(), "demo")
    return path


@pytest.fixture(scope="session")
def small_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "small.y90"
    with Store.create(path) as store:
        store.replace_patients(build_small_cohort(), "fixture")
    return path


@pytest.fixture
def small_store_path(small_store_template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "cohort.y90"
    shutil.copy(small_store_template, dest)
    return dest


@pytest.fixture
def window(qtbot, small_store_path: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    win = open_ready_window(qtbot, small_store_path)
    yield win
    close_window(qtbot, win)


#: Warnings of the offscreen platform plugin itself: it has no window manager, so showing,
#: resizing, raising or grabbing for a top-level window (main window, dialog, message box,
#: popup) logs that it cannot. Which of them appears depends on event timing, so all of these
#: are ignored for every UI test; any other Qt warning still fails the test.
OFFSCREEN_PLUGIN_WARNINGS = (r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|lower\(\)"
                             r"|grabbing the (keyboard|mouse)|setting window (masks|opacity))")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_PLUGIN_WARNINGS))
