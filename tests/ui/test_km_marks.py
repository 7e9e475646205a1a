"""The KM view's censor marks and curve items across refreshes (issue 16: one item per curve's
marks, items reused): the marks sit where the figure description puts them and are painted in
the curve's colour, and a refresh with fewer curves leaves none of the old ones behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor
from ui_helpers import close_window, open_ready_window

from y90gui.ui.km_items import CensorTicks


@pytest.fixture
def km(qtbot, demo_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    dest = tmp_path / "demo.y90"
    shutil.copy(demo_template, dest)
    win = open_ready_window(qtbot, dest)
    win.resize(1366, 768)
    win.views.setCurrentWidget(win.survival_page)
    qtbot.waitUntil(lambda: win.km is not None and not win.km.stale, timeout=30000)
    yield win.km
    close_window(qtbot, win)


def _by(km, key: str | None, qtbot) -> None:  # type: ignore[no-untyped-def]
    before = km.description
    km.strata_combo.setCurrentIndex(km.strata_combo.findData(key))
    qtbot.waitUntil(lambda: km.description is not before and not km.session.tasks.running(), timeout=30000)


def _ticks(km) -> list[CensorTicks]:  # type: ignore[no-untyped-def]
    return [i for i in km.plot.items if isinstance(i, CensorTicks) and i.isVisible()]


def _names(km) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(i.objectName() for i in km.plot.listDataItems() if i.objectName().startswith("km_"))


def test_each_curves_marks_are_one_item_where_the_description_puts_them(km, qtbot) -> None:  # type: ignore[no-untyped-def]
    _by(km, "recist_3m", qtbot)
    desc = km.description
    with_marks = [c for c in desc.curves if c.censor_x]
    assert len(with_marks) >= 2
    drawn = sorted((tuple(t.positions()[0]), tuple(t.positions()[1])) for t in _ticks(km))
    wanted = sorted((tuple(map(float, c.censor_x)), tuple(map(float, c.censor_y))) for c in with_marks)
    assert drawn == wanted


def test_marks_are_painted_in_the_curves_colour(km, qtbot) -> None:  # type: ignore[no-untyped-def]
    _by(km, "recist_3m", qtbot)
    km.band_check.setChecked(False)  # the shaded bands would tint the pixels
    qtbot.wait(100)
    image = km.graphics.grab().toImage()
    vb = km.plot.getViewBox()
    hits = total = 0
    for c in km.description.curves:
        colour = QColor(km.description.styles[c.key].colour)
        for x, y in zip(c.censor_x, c.censor_y, strict=True):
            at = km.graphics.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
            pixel = image.pixelColor(at.x(), at.y() - 4)  # inside the tick, above the curve's line
            total += 1
            hits += max(abs(pixel.red() - colour.red()), abs(pixel.green() - colour.green()),
                        abs(pixel.blue() - colour.blue())) < 40
    assert total and hits >= 0.8 * total


def test_a_refresh_with_fewer_curves_leaves_none_behind(km, qtbot) -> None:  # type: ignore[no-untyped-def]
    _by(km, "recist_3m", qtbot)
    four = _names(km)
    assert len(four) == len(km.description.curves) >= 3
    _by(km, None, qtbot)
    assert _names(km) == ["km_all"]
    assert len(km.band_items()) == 1
    assert len(_ticks(km)) == 1
    xs, ys = next(i for i in km.plot.listDataItems() if i.objectName() == "km_all").getData()
    assert np.isfinite(xs).all() and len(xs) == 2 * len(km.description.curves[0].x)
    _by(km, "recist_3m", qtbot)
    assert _names(km) == four
