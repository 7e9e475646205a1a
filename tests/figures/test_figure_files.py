"""Exported figure files: pixel size = mm / 25.4 x dpi, physical size of SVG/PDF, fonts >= 6 pt,
lines >= 0.75 pt, settings in the metadata, and the Kaplan-Meier description against R."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from y90gui.analysis.frames import from_store
from y90gui.demo.commands import write_demo
from y90gui.figures.km import km_description
from y90gui.figures.labcourse import labs_description
from y90gui.figures.render import build_figure, write_figure
from y90gui.figures.settings import RenderSettings
from y90gui.figures.swimmer import swimmer_descriptions
from y90gui.figures.waterfall import waterfall_description
from y90gui.store.store import Store

R_REF = json.loads((Path(__file__).parents[1] / "analysis" / "data" / "r_reference.json").read_text())


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    db = write_demo(tmp_path_factory.mktemp("fig") / "demo.y90")
    with Store.open(db, read_only=True) as store:
        return from_store(store)


@pytest.fixture(scope="module")
def descriptions(frames):
    return {"km": km_description(frames, strata="extent"), "swimmer": swimmer_descriptions(frames)[0],
            "waterfall": waterfall_description(frames), "labs": labs_description(frames, "bilirubin")}


@pytest.mark.parametrize("kind", ["km", "swimmer", "waterfall", "labs"])
@pytest.mark.parametrize(("width", "height", "dpi"), [(85, 85, 300), (170, 120, 150)])
def test_png_and_tiff_pixel_size(descriptions, tmp_path, kind, width, height, dpi):
    s = RenderSettings(width_mm=width, height_mm=height, dpi=dpi)
    expected = (round(width / 25.4 * dpi), round(height / 25.4 * dpi))
    for ext in ("png", "tiff"):
        path = write_figure(descriptions[kind], tmp_path / f"f.{ext}", s)[0]
        with Image.open(path) as im:
            assert im.size == expected
            if ext == "png":
                meta = json.loads(im.info["Description"])
                assert (meta["width_mm"], meta["dpi"], meta["figure"]) == (width, dpi, kind)
            else:
                assert json.loads(im.tag_v2[270])["height_mm"] == height  # ImageDescription


def test_svg_and_pdf_physical_size_and_title(descriptions, tmp_path):
    s = RenderSettings(width_mm=85, height_mm=90)
    svg = write_figure(descriptions["km"], tmp_path / "f.svg", s)[0].read_text()
    w_pt, h_pt = (float(x) for x in re.search(r'<svg[^>]*width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert w_pt == pytest.approx(85 / 25.4 * 72, abs=0.01) and h_pt == pytest.approx(90 / 25.4 * 72, abs=0.01)
    assert "<dc:title>Overall survival after the first radioembolization by extent" in svg
    sizes = [float(x) for x in re.findall(r"font(?:-size)?:\s*(?:[a-z]+ )?([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 6
    pdf = write_figure(descriptions["km"], tmp_path / "f.pdf", s)[0].read_bytes()
    box = [float(x) for x in re.search(rb"/MediaBox \[ *([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) *\]", pdf).groups()]
    assert box[2] == pytest.approx(85 / 25.4 * 72, abs=0.01) and box[3] == pytest.approx(90 / 25.4 * 72, abs=0.01)
    assert b"/Title (Overall survival after the first radioembolization by extent" in pdf


@pytest.mark.parametrize("kind", ["km", "swimmer", "waterfall", "labs"])
@pytest.mark.parametrize("font_pt", [5, 8])
def test_no_text_below_6_pt_no_line_below_075_pt(descriptions, kind, font_pt):
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    fig = build_figure(descriptions[kind], RenderSettings(width_mm=85, height_mm=80, font_pt=font_pt))
    texts = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    assert texts and min(t.get_fontsize() for t in texts) >= 6
    assert max(t.get_fontsize() for t in texts) <= max(font_pt, 6)
    lines = [ln for ln in fig.findobj(Line2D) if ln.get_visible() and ln.get_linestyle() not in ("None", "none")
             and len(ln.get_xdata())]
    assert all(ln.get_linewidth() >= 0.75 for ln in lines)
    assert lines or kind == "swimmer"  # the swimmer plot is bars and markers
    spines = [sp for ax in fig.axes for sp in ax.spines.values() if sp.get_visible()]
    assert spines and min(sp.get_linewidth() for sp in spines) >= 0.75


def test_km_description_is_r_survfit(frames):
    """The all-patients curve, band and numbers at risk are R's (survival::survfit, log-log)."""
    ref = R_REF["sets"]["demo_os"]
    desc = km_description(frames, ci_method="log-log")
    curve = desc.curves[0]
    r = ref["fits"]["log-log"]["curve"]
    days = [round(x * 365.25) for x in curve.x[1:]]
    assert days == r["time"]
    assert [y / 100 for y in curve.y[1:]] == pytest.approx(r["surv"], abs=1e-9)
    lower = [None if v is None else v / 100 for v in curve.band_lo[1:]]
    assert [x for x in lower if x is not None] == pytest.approx([x for x in r["lower"] if x is not None], abs=1e-9)
    at_risk = dict(zip(desc.under.at, desc.under.rows[0][2], strict=True))
    assert {str(int(k)): v for k, v in at_risk.items() if v} == ref["at_risk"]
    assert at_risk[10.0] == 0  # after the last follow-up: 0, not blank
    by_centre = km_description(frames, strata="center")
    assert by_centre.legend_title.endswith(f"p = {ref['logrank']['p']:.3f}")
    assert by_centre.y.ticks[0] == 0 and by_centre.y.tick_labels[0] == "0%" and by_centre.y.hi == 100
    assert all(b - a == 1 for a, b in zip(desc.x.ticks, desc.x.ticks[1:], strict=False))


def test_months_ticks_every_6_or_12(frames):
    desc = km_description(frames, time_unit="months")
    steps = {b - a for a, b in zip(desc.x.ticks, desc.x.ticks[1:], strict=False)}
    assert steps == {12.0}  # 9.5 years > 36 months
    short = km_description(frames, strata="extent", time_unit="months")
    assert short.under.rows[0][2][-1] == 0


def test_colours_fixed_per_value_colour_blind_safe(frames):
    from y90gui.figures import palette

    full = km_description(frames, strata="who_grade")
    g3_only = km_description(frames, strata="who_grade")
    assert full.styles["G2"] == g3_only.styles["G2"] == palette.style_for("G2", ("G1", "G2", "G3"))
    assert {s.colour.upper() for s in full.styles.values()} <= set(palette.OKABE_ITO) | {"#999999"}
    wf = waterfall_description(frames)
    assert wf.styles["PD"].colour == "#D55E00" and {b.key for b in wf.bars} <= {"CR", "PR", "SD", "PD", "NE"}
    grey = {s.dash for s in full.styles.values()}
    assert len(grey) == len(full.styles)  # greyscale: one line style per stratum


def test_waterfall_sorted_with_thresholds(descriptions):
    wf = descriptions["waterfall"]
    heights = [b.end for b in wf.bars]
    assert heights == sorted(heights, reverse=True)
    assert {(r.value, r.dash) for r in wf.lines} >= {(20.0, "dashed"), (-30.0, "dashed")}
    assert wf.note == f"n = {len(wf.bars)} patients"


def test_swimmer_pages_of_at_most_100(tmp_path):
    from y90gui.analysis.frames import from_case_data
    from y90gui.demo.synthetic import build_cohort

    fr = from_case_data(build_cohort(230, seed=3))
    pages = swimmer_descriptions(fr)
    assert [len(p.bars) for p in pages] == [100, 100, 30]
    lengths = [b.end for p in pages for b in sorted(p.bars, key=lambda b: -b.position)]
    assert lengths == sorted(lengths, reverse=True)
    files = write_figure(pages, tmp_path / "sw.png", RenderSettings(width_mm=170, height_mm=200, dpi=72))
    assert [f.name for f in files] == ["sw-1.png", "sw-2.png", "sw-3.png"]
    pdf = write_figure(pages, tmp_path / "sw.pdf", RenderSettings(width_mm=170, height_mm=200))[0].read_bytes()
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 3


def test_labs_bins_and_counts(descriptions):
    labs = descriptions["labs"]
    assert labs.x.tick_labels == ("baseline", "1\u201314", "15\u201330", "31\u201360", "61\u201390", "91\u2013180",
                                  "181\u2013365")
    assert labs.y.label.endswith("\u00d7 ULN") and any(r.faint for r in labs.lines)
    counts = labs.under.rows[0][2]
    assert len(counts) == 7 and sum(counts) > 0
    for iv in labs.intervals:
        assert iv.q1 <= iv.median <= iv.q3


def test_too_small_for_its_text_names_the_option(descriptions):
    from y90gui.figures.settings import FigureSettingsError

    with pytest.raises(FigureSettingsError, match="^--height-mm: too small"):
        build_figure(descriptions["km"], RenderSettings(width_mm=85, height_mm=30, font_pt=12))
