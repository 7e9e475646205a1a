"""The Cox forest plot: what is drawn equals R's coxph figures (the committed fixture), the text
columns are the tables' formats, exported sizes are exact, and the command refuses bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from y90gui.analysis.cox import CoxResult, fit_cox
from y90gui.analysis.tables_format import p_cell, ratio_ci
from y90gui.cli import main
from y90gui.demo.commands import write_demo
from y90gui.figures.forest import forest_description
from y90gui.figures.render import build_figure, write_figure
from y90gui.figures.settings import RenderSettings

DATA = Path(__file__).parents[1] / "analysis" / "data"
REF = json.loads((DATA / "r_endpoints_reference.json").read_text())["cox"]["demo_os"]
SPECS = json.loads((DATA / "r_input_cox" / "models.json").read_text())["demo_os"]
MULTI = ["sex", "ki67_pct", "extrahepatic_disease", "age", "prrt_cycles"]


def _list(x):
    return x if isinstance(x, list) else [x]


def _r_fit(covariates):
    return next(f for f in REF if _list(f["covariates"]) == covariates)


@pytest.fixture(scope="module")
def result():
    """The demo's covariates as R fitted them (r_input_cox/demo_os.csv), fitted by fit_cox."""
    d = pd.read_csv(DATA / "r_input_cox" / "demo_os.csv").rename(columns={"status": "event"})
    for f in SPECS["factors"]:
        d[f] = d[f].astype(object).where(d[f].notna(), None)
    uni = tuple(fit_cox(d, [c], SPECS["factors"]) for c in MULTI)
    return CoxResult("os", uni, fit_cox(d, MULTI, SPECS["factors"]))


def _r_rows():
    """(hr, lower, upper, p) per drawn row, in the plot's order: univariable, then multivariable."""
    rows = []
    for covs in [[c] for c in MULTI] + [MULTI]:
        r = _r_fit(covs)
        rows += list(zip(_list(r["hr"]), _list(r["lower"]), _list(r["upper"]), _list(r["p"]), strict=True))
    return rows


def test_rows_are_rs_hazard_ratios_with_the_tables_formats(result):
    desc = forest_description(result, scope="all 44 patients")
    drawn = [e for e in desc.estimates if not e.heading]
    assert [e.label for e in desc.estimates if e.heading] == ["Univariable", "Multivariable"]
    assert len(drawn) == len(_r_rows()) == 2 * len(MULTI)
    for e, (hr, lo, hi, p) in zip(drawn, _r_rows(), strict=True):
        assert e.value == pytest.approx(hr, rel=1e-6)
        assert (e.lo, e.hi) == (pytest.approx(lo, rel=1e-6), pytest.approx(hi, rel=1e-6))
        assert e.cells[3] == ratio_ci(hr, (lo, hi)) and e.cells[4] == p_cell(p)
    # N, events, missing on each univariable model's first row and on the multivariable heading
    first = drawn[0]
    assert first.cells[:3] == (str(REF[0]["n"]), str(REF[0]["events"]), str(REF[0]["excluded"]))
    multi = _r_fit(MULTI)
    assert desc.estimates[len(MULTI) + 1].cells[:3] == (str(multi["n"]), str(multi["events"]),
                                                      str(multi["excluded"]))
    assert "all 44 patients" in desc.caption and desc.x.log
    assert desc.x.lo < min(e.lo for e in drawn) and desc.x.hi > max(e.hi for e in drawn)


def test_what_matplotlib_draws(result):
    desc = forest_description(result)
    fig = build_figure(desc, RenderSettings())
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    squares = [ln for ln in ax.lines if ln.get_marker() == "s"]
    ci_lines = [ln for ln in ax.lines if ln.get_marker() in ("None", None, "") and len(ln.get_xdata()) == 2
                and ln.get_ydata()[0] == ln.get_ydata()[1]]
    rows = _r_rows()
    assert sorted(float(s.get_xdata()[0]) for s in squares) == pytest.approx(sorted(r[0] for r in rows), rel=1e-6)
    assert sorted((float(c.get_xdata()[0]), float(c.get_xdata()[1])) for c in ci_lines) == [
        (pytest.approx(lo, rel=1e-6), pytest.approx(hi, rel=1e-6)) for lo, hi in sorted((r[1], r[2]) for r in rows)]
    ref = [ln for ln in ax.lines if list(ln.get_xdata()) == [1.0, 1.0]]
    assert ref and ref[0].get_linestyle() == "--"
    texts = {t.get_text() for t in fig.texts}
    assert {"N", "Events", "Missing", "HR (95% CI)", "p"} <= texts
    assert {ratio_ci(r[0], (r[1], r[2])) for r in rows} <= texts
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # the patient editor's words (core.sheets), not the column names
    assert "Sex: M vs F" in labels and "Extrahepatic disease: yes vs no" in labels and "Ki-67 index [%]" in labels
    assert not any(name in t for t in labels for name in MULTI)


def test_one_column_keeps_the_plot_and_drops_the_columns(result):
    fig = build_figure(forest_description(result), RenderSettings(width_mm=85, height_mm=110))
    ax = fig.axes[0]
    assert "HR (95% CI)" not in {t.get_text() for t in fig.texts}
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert "1" in ticks and len(ticks) <= 5
    fig.canvas.draw()
    box = ax.xaxis.label.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width  # the axis title stays inside the figure


@pytest.mark.parametrize(("width", "height", "dpi"), [(85, 100, 300), (170, 120, 150)])
def test_png_tiff_pixel_size(result, tmp_path, width, height, dpi):
    s = RenderSettings(width_mm=width, height_mm=height, dpi=dpi)
    for ext in ("png", "tiff"):
        with Image.open(write_figure(forest_description(result), tmp_path / f"f.{ext}", s)[0]) as im:
            assert im.size == (round(width / 25.4 * dpi), round(height / 25.4 * dpi))


def test_svg_pdf_physical_size(result, tmp_path):
    s = RenderSettings(width_mm=170, height_mm=120)
    svg = write_figure(forest_description(result), tmp_path / "f.svg", s)[0].read_text()
    w_pt, h_pt = (float(x) for x in re.search(r'<svg[^>]*width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert w_pt == pytest.approx(170 / 25.4 * 72, abs=0.01) and h_pt == pytest.approx(120 / 25.4 * 72, abs=0.01)
    assert "Hazard ratios for overall survival" in svg
    pdf = write_figure(forest_description(result), tmp_path / "f.pdf", s)[0].read_bytes()
    box = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", pdf)
    assert box and float(box.group(1)) == pytest.approx(170 / 25.4 * 72, abs=0.01)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("forestcli") / "demo.y90")


def test_figure_forest_command(db, tmp_path, capsys):
    out = tmp_path / "forest.png"
    assert main(["figure", "forest", "--db", str(db), "--out", str(out), "--covariates", "sex,age",
                 "--endpoint", "pfs", "--dpi", "100"]) == 0
    with Image.open(out) as im:
        assert im.size == (round(170 / 25.4 * 100), round(120 / 25.4 * 100))
        assert json.loads(im.info["Description"])["endpoint"] == "pfs"


@pytest.mark.parametrize(("extra", "option"), [([], "--covariates"), (["--covariates", "shoe"], "--covariates"),
                                               (["--covariates", "age", "--endpoint", "dfs"], "--endpoint")])
def test_forest_usage_errors(db, tmp_path, capsys, extra, option):
    assert main(["figure", "forest", "--db", str(db), "--out", str(tmp_path / "f.png"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"y90gui figure: error: {option}: ")
    assert list(tmp_path.iterdir()) == []


def test_forest_model_that_does_not_converge(db, tmp_path, capsys):
    assert main(["figure", "forest", "--db", str(db), "--out", str(tmp_path / "f.png"),
                 "--covariates", "who_grade"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "who_grade does not converge" in err
    assert list(tmp_path.iterdir()) == []
