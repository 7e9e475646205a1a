"""A figure exported from the window names the cohort it shows (issue 13): the filter's
sentence (`services.named_cohorts.label_for`) is in the PNG's text chunks and its caption line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from ui_helpers import close_window, open_ready_window

from y90gui.demo.cohort import build_demo
from y90gui.services.cohort_view import CohortView
from y90gui.store.store import Store


@pytest.fixture
def demo_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    template = tmp_path / "template.y90"
    with Store.create(template) as store:
        store.replace_patients(build_demo(), "demo")
    dest = tmp_path / "demo.y90"
    shutil.copy(template, dest)
    win = open_ready_window(qtbot, dest)
    yield win
    close_window(qtbot, win)


def _export(qtbot, owner, button, target: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """Click the page's save button, save `target` from the dialog; the preview's caption."""
    from y90gui.ui.dialogs.figure_export import FigureExportDialog

    seen: list[str] = []

    def drive() -> None:
        dialog = owner.findChild(FigureExportDialog)
        if dialog is None or dialog.pages is None:
            QTimer.singleShot(50, drive)
            return
        seen.append(dialog.cohort or "")
        dialog.path_edit.setText(str(target))
        dialog.save()

    QTimer.singleShot(50, drive)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return seen


def _meta(path: Path) -> tuple[str, dict[str, object]]:
    with Image.open(path) as im:
        return im.text["Title"], json.loads(im.text["Description"])


def test_km_figure_of_a_filter_names_it(demo_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    win = demo_window
    win.views.setCurrentWidget(win.survival_page)
    qtbot.waitUntil(lambda: win.km is not None and not win.km.stale, timeout=30000)
    km = win.km
    some = tuple(win.cohort.frames.patients["patient_id"][:20])
    with qtbot.waitSignal(km.redrawn, timeout=30000):
        win.session.set_view(CohortView(some, "first 20", 44))
    target = tmp_path / "km.png"
    seen = _export(qtbot, km, km.save_button, target)
    sentence = "Filtered cohort: 20 of 44 patients (first 20)"
    assert seen == [sentence]
    title, meta = _meta(target)
    assert meta["cohort"] == sentence and sentence in title
    # the unfiltered view says so too
    with qtbot.waitSignal(km.redrawn, timeout=30000):
        win.session.set_view(CohortView(None, "all patients", 44))
    _export(qtbot, km, km.save_button, tmp_path / "all.png")
    assert _meta(tmp_path / "all.png")[1]["cohort"] == "All 44 patients"


def test_caption_line_ends_with_the_cohort() -> None:
    from y90gui.figures.model import Axis, FigureDescription
    from y90gui.figures.render import with_cohort

    desc = FigureDescription(kind="waterfall", title="t", caption="Dashed: +20% and \u221230%.",
                             x=Axis("", 0, 1, (), ()), y=Axis("", 0, 1, (), ()), styles={})
    assert with_cohort(desc, "All 44 patients").caption == "Dashed: +20% and \u221230%. All 44 patients."
    assert with_cohort(desc, None) is desc
