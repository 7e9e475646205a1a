"""Nothing in an exported figure runs into something else, at one (85 mm) and two (170 mm)
column widths: x tick labels never overlap (the laboratory course's interval names go on two
lines when they would), and a swimmer plot's markers are no taller than a patient's row."""

from __future__ import annotations

import pytest

from y90gui.analysis.frames import from_store
from y90gui.demo.commands import write_demo
from y90gui.figures.km import km_description
from y90gui.figures.labcourse import labs_description
from y90gui.figures.render import build_figure
from y90gui.figures.settings import RenderSettings
from y90gui.figures.swimmer import swimmer_descriptions
from y90gui.figures.waterfall import waterfall_description
from y90gui.store.store import Store

SIZES = [(85, 90), (170, 120)]


@pytest.fixture(scope="module")
def descriptions(tmp_path_factory):  # type: ignore[no-untyped-def]
    db = write_demo(tmp_path_factory.mktemp("legible") / "demo.y90")
    with Store.open(db, read_only=True) as store:
        fr = from_store(store)
    return {"km": km_description(fr, strata="extent"), "swimmer": swimmer_descriptions(fr)[0],
            "waterfall": waterfall_description(fr), "labs_alt": labs_description(fr, "alt"),
            "labs_platelets": labs_description(fr, "platelets")}


@pytest.mark.parametrize("kind", ["km", "swimmer", "waterfall", "labs_alt", "labs_platelets"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_x_tick_labels_do_not_overlap(descriptions, kind, width, height) -> None:  # type: ignore[no-untyped-def]
    fig = build_figure(descriptions[kind], RenderSettings(width_mm=width, height_mm=height, dpi=150))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].get_xticklabels() if t.get_text().strip()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (kind, width, a, b)
        assert a.x0 >= 0 and a.x1 <= fig.bbox.width + 0.5, (kind, width, a)  # inside the figure


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_swimmer_markers_fit_a_row(descriptions, width, height) -> None:  # type: ignore[no-untyped-def]
    desc = descriptions["swimmer"]
    fig = build_figure(desc, RenderSettings(width_mm=width, height_mm=height, dpi=150))
    ax = fig.axes[0]
    rows = len({b.position for b in desc.bars})
    pitch_pt = ax.get_position().height * fig.get_figheight() * 72 / rows
    sizes = [line.get_markersize() for line in ax.get_lines() if line.get_marker() not in (None, "None", "")]
    assert sizes and max(sizes) <= max(3.0, pitch_pt * 1.1) + 1e-9
