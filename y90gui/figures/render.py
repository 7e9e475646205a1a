"""Draw a `FigureDescription` with matplotlib at a physical size: PNG, TIFF, SVG, PDF.

A bare `matplotlib.figure.Figure` with an explicit Agg canvas: no pyplot, no backend selection,
no global figure list, nothing that could touch a GUI event loop, safe on a worker thread.
The layout is computed in inches from the font size and measured text extents, so a figure at
85 mm and at 170 mm has the same 8 pt text and 1 pt lines, only more room: nothing scales with
a window. The legend sits above the plotting area (never over a curve or a censor mark), the
table under the axis is aligned to the x ticks, and the caption is the last line.

Metadata: PNG text chunks (Title, Description = the settings, Software), TIFF ImageDescription,
PDF Title/Subject, SVG title/description. A file drawn for a cohort (`cohort=`: the sentence of
`analysis.cohort_label`) names it in all of them and in its caption line (`with_cohort`), so a
figure handed on says which patients it shows. PDF embeds TrueType fonts (text stays text, selectable
and editable); SVG keeps text as text elements with their point size.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from y90gui.core.atomic import atomic_path
from y90gui.figures.model import FigureDescription, Style
from y90gui.figures.settings import MIN_FONT_PT, MIN_LINE_PT, RenderSettings, format_of

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LINE_PT = 1.0  # curves and bars' edges
THIN_PT = MIN_LINE_PT  # axes, ticks, guides
FONT_FAMILIES = ("Arial", "Helvetica", "Liberation Sans", "DejaVu Sans")


def _font_family() -> str:
    """The first sans-serif journals ask for that is installed (DejaVu Sans ships with matplotlib)."""
    from matplotlib import font_manager

    for name in FONT_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
            return name
        except ValueError:
            continue
    return "DejaVu Sans"


class _Layout:
    """Text metrics in inches for one figure (measured with the Agg renderer)."""

    def __init__(self, fig: Figure, font_pt: float, family: str) -> None:
        from matplotlib.font_manager import FontProperties

        self.fig = fig
        self.renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        self.font = max(MIN_FONT_PT, font_pt)
        self.small = max(MIN_FONT_PT, font_pt - 1)
        self.family = family
        self.prop = FontProperties(family=family, size=self.font)
        self.line = self.font * 1.3 / 72  # line height, inches
        self.marker = self.font * 0.6  # marker size on the data, points (`_row_marker` caps it)

    def width(self, text: str, size: float | None = None) -> float:
        from matplotlib.font_manager import FontProperties

        if not text:
            return 0.0
        prop = FontProperties(family=self.family, size=size or self.font)
        w, _, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
        return float(w) / self.fig.dpi


def _style(desc: FigureDescription, key: str, grey: bool) -> tuple[str, str, str]:
    st = desc.styles.get(key) or Style("#000000", "#000000")
    return (st.grey if grey else st.colour), (st.dash if grey else "solid"), (st.hatch if grey else "")


def _bottom_without_caption(desc: FigureDescription, lh: float, pad: float) -> float:
    under = (len(desc.under.rows) + 1) * lh * 1.15 + 0.04 if desc.under else 0.0
    return pad + under + (lh * 1.2 if desc.note else 0.0) + lh * 2.4


def _wrap(lay: _Layout, text: str, width: float, size: float) -> list[str]:
    """Greedy word wrap by measured width (the caption)."""
    lines: list[str] = []
    for word in text.split():
        if lines and lay.width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit(lay: _Layout, text: str, width: float) -> str:
    """`text` shortened with an ellipsis to fit `width` inches (row labels under the axis)."""
    if lay.width(text) <= width:
        return text
    while len(text) > 1 and lay.width(text + "\u2026") > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _legend_handles(desc: FigureDescription, grey: bool, lay: _Layout) -> tuple[list[Any], list[str]]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    labels: list[str] = []
    for e in desc.legend:
        colour, dash, hatch = _style(desc, e.key, grey)
        if e.kind == "line":
            h: Any = Line2D([], [], color=colour, linestyle=dash, linewidth=LINE_PT * 1.2)  # type: ignore[arg-type]
        elif e.kind == "patch":
            h = Patch(facecolor=colour, edgecolor="#000000" if grey else colour, hatch=hatch, linewidth=THIN_PT)
        else:
            h = Line2D([], [], color=colour, linestyle="none", marker=e.shape or "o",
                       markersize=lay.font * 0.7, markeredgewidth=THIN_PT)
        handles.append(h)
        labels.append(e.label)
    return handles, labels


def build_figure(desc: FigureDescription, settings: RenderSettings, *, raster: bool = False) -> Figure:
    """The matplotlib Figure of `desc` at the settings' physical size (not yet written).

    For a raster file the size is nudged to whole pixels (mm / 25.4 x dpi rounded; Agg would
    truncate 1003.94 to 1003), for a vector file it is the exact physical size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.transforms import blended_transform_factory

    settings.check()
    w_in, h_in = settings.width_mm / 25.4, settings.height_mm / 25.4
    if raster:
        w_in, h_in = ((px + 0.25) / settings.dpi for px in settings.pixels)
    fig = Figure(figsize=(w_in, h_in), dpi=settings.dpi)
    FigureCanvasAgg(fig)
    family = _font_family()
    lay = _Layout(fig, settings.font_pt, family)
    grey = settings.grey
    f, lh = lay.font, lay.line
    pad = 0.08

    # -- vertical budget (inches) ---------------------------------------------------------
    handles, labels = _legend_handles(desc, grey, lay)
    room = w_in - 2 * pad - 0.45  # the line sample and its gap
    if any(lay.width(t) > room for t in labels):  # too narrow: the median stays on its dashed guide
        labels = [t.split("; ", 1)[0] for t in labels]
    widest = max([lay.width(line) for t in labels for line in t.split("\n")] + [0.3]) + 0.45
    ncol = max(1, min(len(labels), int((w_in - 2 * pad) // widest))) if labels else 1
    lines_per = max([t.count("\n") + 1 for t in labels] + [1])
    legend_rows = math.ceil(len(labels) / ncol) * lines_per if labels else 0
    top = pad + (legend_rows + (1 if desc.legend_title else 0)) * lh * 1.25 + (0.05 if labels else 0)
    if desc.columns:
        top += lh * 1.4  # the header row of the text columns right of a forest plot
    caption = _wrap(lay, desc.caption, w_in - 2 * pad, lay.small) if desc.caption else []
    cap_h = len(caption) * lay.small * 1.3 / 72
    if h_in - top - cap_h - _bottom_without_caption(desc, lh, pad) < 1.0:
        caption, cap_h = [], 0.0  # a small figure keeps the plot; the caption is also the document's legend
    under_rows = len(desc.under.rows) if desc.under else 0
    under_h = (under_rows + 1) * lh * 1.15 + 0.04 if desc.under else 0.0
    note_h = lh * 1.2 if desc.note else 0.0
    xaxis_h = (lh * 2.4 if desc.x.label else lh * 1.3) if desc.x.tick_labels else lh * 1.4
    # x tick labels too wide for their spacing (the laboratory course's intervals at one column)
    # go on two alternating lines rather than run into each other
    est_left, est_right, _, _ = _side_margins(lay, desc, list(desc.y.tick_labels), w_in, pad)
    stagger = _crowded_ticks(lay, desc, w_in - est_left - est_right)
    if stagger:
        xaxis_h += lh
    bottom = pad + cap_h + under_h + note_h + xaxis_h

    # -- horizontal budget -----------------------------------------------------------------
    y_labels = list(desc.y.tick_labels)
    rows_fit = True
    if desc.bar_orientation == "horizontal" and desc.y.ticks:
        plot_h = h_in - top - bottom
        rows_fit = plot_h / max(len(desc.y.ticks), 1) >= f * 1.15 / 72
        if not rows_fit:
            y_labels = []
    left, right, row_labels, half_number = _side_margins(lay, desc, y_labels, w_in, pad)
    columns = _fit_columns(lay, desc, w_in - left - right)
    right += sum(w for _, w in columns)
    if desc.columns and not columns:
        top -= lh * 1.4  # no room for the text columns: no header row either
    ax_w, ax_h = w_in - left - right, h_in - top - bottom
    if ax_w < 0.6 or ax_h < 0.5:
        from y90gui.figures.settings import FigureSettingsError

        raise FigureSettingsError("--height-mm" if ax_h < 0.5 else "--width-mm",
                                  "too small for the figure's text at this font size")
    ax = fig.add_axes((left / w_in, bottom / h_in, ax_w / w_in, ax_h / h_in))
    if desc.x.log:
        from matplotlib.ticker import NullLocator

        ax.set_xscale("log")
        ax.xaxis.set_minor_locator(NullLocator())
    if desc.markers and desc.bar_orientation == "horizontal" and desc.bars:
        lay.marker = _row_marker(lay.font, ax_h, len({b.position for b in desc.bars}))
    _draw_data(ax, desc, grey, lay)

    # -- axes --------------------------------------------------------------------------------
    ax.set_xlim(desc.x.lo, desc.x.hi)
    ax.set_ylim(desc.y.lo, desc.y.hi)
    x_ticks, x_labels = list(desc.x.ticks), list(desc.x.tick_labels)
    if desc.x.log:
        x_ticks, x_labels = _log_ticks_that_fit(lay, desc, ax_w)
    ax.set_xticks(x_ticks)
    ax.set_xticklabels(x_labels, fontsize=f, family=family)
    ax.set_yticks(list(desc.y.ticks))
    ax.set_yticklabels(y_labels if y_labels else [""] * len(desc.y.ticks), fontsize=f, family=family)
    ax.set_xlabel(desc.x.label, fontsize=f, family=family, labelpad=2)
    label_w = lay.width(desc.x.label)
    if label_w > ax_w:  # a narrow axis (forest plot at one column): keep its title inside the figure
        centre = min(max(left + ax_w / 2, pad + label_w / 2), w_in - pad - label_w / 2)
        ax.xaxis.set_label_coords((centre - left) / ax_w, -(lh * 1.3) / ax_h)
        ax.xaxis.label.set_verticalalignment("top")
    ax.set_ylabel(desc.y.label, fontsize=f, family=family, labelpad=3)
    ax.tick_params(width=THIN_PT, length=3, pad=2)
    if stagger:  # every second label one line lower
        for major in ax.xaxis.get_major_ticks()[1::2]:
            major.set_pad(2 + f * 1.15)
    if desc.estimates and y_labels:  # forest plot: headings in bold, no tick marks at the rows
        ax.tick_params(axis="y", length=0)
        for tick, e in zip(ax.get_yticklabels(), desc.estimates, strict=False):
            if e.heading:
                tick.set_fontweight("bold")
        ax.spines["left"].set_visible(False)
    if columns:
        _draw_columns(fig, ax, desc, columns, lay, (left + ax_w) / w_in, (h_in - top) / h_in, w_in)
    if not y_labels:  # rows too dense for legible labels: no ticks either
        ax.tick_params(axis="y", length=0)
    if not desc.x.ticks:  # bars without an x scale (waterfall): no x axis line either
        ax.tick_params(axis="x", length=0)
        ax.spines["bottom"].set_visible(False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(THIN_PT)

    # -- legend above the plot -------------------------------------------------------------
    if labels:
        leg = fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(pad / w_in, 1 - pad / h_in),
                         ncol=ncol, frameon=False, fontsize=f, title=desc.legend_title or None,
                         title_fontsize=f, borderaxespad=0, borderpad=0, handlelength=2.2, columnspacing=1.2,
                         alignment="left", prop={"family": family, "size": f})
        leg.get_title().set_fontfamily(family)

    # -- the table under the axis, aligned with the ticks -----------------------------------
    y = bottom - xaxis_h - note_h
    if desc.note:
        fig.text(left / w_in, (bottom - xaxis_h - note_h * 0.75) / h_in, desc.note, fontsize=f, family=family)
    if desc.under:
        tr = blended_transform_factory(ax.transData, fig.transFigure)
        y -= lh * 1.0
        fig.text(pad / w_in, y / h_in, desc.under.title, fontsize=f, family=family,
                 fontweight="bold", ha="left", va="baseline")
        for (key, _, counts), label in zip(desc.under.rows, row_labels, strict=True):
            y -= lh * 1.15
            colour = "#000000" if grey else _style(desc, key, grey)[0]
            fig.text((left - half_number) / w_in, y / h_in, label, fontsize=f, family=family, color=colour,
                     ha="right", va="baseline")
            for x, n in zip(desc.under.at, counts, strict=True):
                fig.text(x, y / h_in, str(n), transform=tr, fontsize=f, family=family, ha="center", va="baseline")
    for i, line in enumerate(caption):
        fig.text(pad / w_in, (pad + (len(caption) - 1 - i) * lay.small * 1.3 / 72) / h_in, line,
                 fontsize=lay.small, family=family, ha="left", va="bottom", color="#333333")
    return fig


def _side_margins(lay: _Layout, desc: FigureDescription, y_labels: list[str], w_in: float,
                  pad: float) -> tuple[float, float, list[str], float]:
    """(left, right) margins in inches: the y tick labels and axis title, or the row labels of
    the table under the axis with half a number; the last x tick label's half or the labels of
    reference lines. Also the row labels as drawn and half the widest number."""
    lh = lay.line
    ytick_w = max([lay.width(t) for t in y_labels] + [0.0]) + 0.06
    row_labels = [_fit(lay, r[1], w_in * 0.28) for r in desc.under.rows] if desc.under else []
    numbers = [str(n) for r in desc.under.rows for n in r[2]] if desc.under else []
    half_number = max([lay.width(n) for n in numbers] + [0.0]) / 2 + 0.06
    row_w = max([lay.width(t) for t in row_labels] + [0.0]) + half_number
    left = pad + max(ytick_w + lh * 1.2, row_w)
    right = pad + max(lay.width(desc.x.tick_labels[-1]) / 2 if desc.x.tick_labels else 0, 0.05,
                      max([lay.width(r.label, lay.small) + 0.06 for r in desc.lines if r.label] + [0.0]))
    return left, right, row_labels, half_number


def _crowded_ticks(lay: _Layout, desc: FigureDescription, ax_w: float) -> bool:
    """Whether neighbouring x tick labels of a linear axis come closer than half a font size."""
    ticks, labels = list(desc.x.ticks), list(desc.x.tick_labels)
    if desc.x.log or len(ticks) < 2 or len(labels) != len(ticks) or desc.x.hi <= desc.x.lo:
        return False
    pos = [(t - desc.x.lo) / (desc.x.hi - desc.x.lo) * ax_w for t in ticks]
    gap = lay.font * 0.5 / 72
    return any(b - a < (lay.width(la) + lay.width(lb)) / 2 + gap
               for a, b, la, lb in zip(pos, pos[1:], labels, labels[1:], strict=False))


def _row_marker(font_pt: float, ax_h: float, rows: int) -> float:
    """The size of a marker on a row of bars (swimmer plot): at most the row's pitch, so the
    markers of neighbouring patients do not cover each other (44 patients at 85 x 90 mm leave
    2.4 pt a row), and never below 3 pt, where the shapes stop telling apart."""
    pitch = ax_h * 72 / max(rows, 1)
    return max(3.0, min(font_pt * 0.6, pitch * 1.1))


def _band_runs(x: Any, lo: Any, hi: Any) -> list[tuple[Any, Any, Any]]:
    """The band as step outlines, one per run of defined values: each value holds until the next
    time, the last of a run too (up to the time the band becomes undefined, S = 0: survminer's
    ribbon and the screen's `km_items.band_path` end there; `fill_between(step="post")` would
    stop one step early)."""
    import numpy as np

    from y90gui.figures.model import band_runs

    runs = []
    for i, j, end in band_runs(x, lo, hi):
        sx = np.repeat(np.append(x[i:j], end), 2)[1:-1]
        runs.append((sx, np.repeat(lo[i:j], 2), np.repeat(hi[i:j], 2)))
    return runs


def _draw_data(ax: Axes, desc: FigureDescription, grey: bool, lay: _Layout) -> None:
    """Bands, curves, censor marks, medians; bars; intervals; markers; reference lines."""
    import numpy as np

    for c in desc.curves:
        colour, dash, _ = _style(desc, c.key, grey)
        x = np.asarray(c.x, dtype=float)
        if c.band_lo:
            lo = np.array([np.nan if v is None else v for v in c.band_lo], dtype=float)
            hi = np.array([np.nan if v is None else v for v in c.band_hi], dtype=float)
            alpha = (0.12 if grey else 0.18) if len(desc.curves) == 1 else 0.09
            for sx, slo, shi in _band_runs(x, lo, hi):
                ax.fill_between(sx, slo, shi, color=colour, alpha=alpha, linewidth=0)
        # R's step curve: from 0 to the last time (event or censored), no extension beyond it;
        # not clipped, so a curve at 100% or 0% (and its censor ticks) keeps its full width on
        # the axis limit (the curve never leaves the axis' range: the x axis ends at a tick past it)
        ax.step(x, c.y, where="post", color=colour, linestyle=dash, linewidth=LINE_PT, solid_joinstyle="miter",
                clip_on=False, zorder=2.5)
        if c.censor_x:
            ax.plot(c.censor_x, c.censor_y, linestyle="none", marker="|", markersize=lay.font * 0.8,
                    markeredgewidth=THIN_PT, color=colour, clip_on=False, zorder=2.5)
        if c.median is not None:
            ax.plot([desc.x.lo, c.median, c.median], [50, 50, desc.y.lo], linestyle=(0, (3, 2)),
                    linewidth=THIN_PT, color=colour, alpha=0.9)
    if desc.bars:
        _draw_bars(ax, desc, grey)
    if desc.estimates:
        _draw_estimates(ax, desc, grey, lay)
    if desc.intervals:
        keys = sorted({i.key for i in desc.intervals})
        for key in keys:
            pts = [i for i in desc.intervals if i.key == key]
            colour, dash, _ = _style(desc, key, grey)
            xs = [p.x for p in pts]
            med = [p.median for p in pts]
            err = [[p.median - p.q1 for p in pts], [p.q3 - p.median for p in pts]]
            ax.errorbar(xs, med, yerr=err, color=colour, linestyle=dash, linewidth=LINE_PT, marker="o",
                        markersize=lay.font * 0.5, capsize=lay.font * 0.35, elinewidth=LINE_PT,
                        markeredgewidth=THIN_PT)
    for m in desc.markers:
        colour, _, _ = _style(desc, m.key, grey)
        ax.plot(m.x, m.y, linestyle="none", marker=m.shape, markersize=lay.marker, color=colour,
                markeredgewidth=THIN_PT, markerfacecolor=colour if m.shape not in ("x", "|", "+") else "none",
                zorder=3)
    for r in desc.lines:
        kw: dict[str, Any] = {"linestyle": r.dash, "linewidth": THIN_PT,
                              "color": "#999999" if r.faint else "#000000", "zorder": 1}
        if r.axis == "y":
            ax.axhline(r.value, **kw)
            if r.label:
                ax.annotate(r.label, xy=(1, r.value), xycoords=("axes fraction", "data"), xytext=(2, 0),
                            textcoords="offset points", ha="left", va="center", fontsize=lay.small,
                            family=lay.family, color=kw["color"])
        else:
            ax.axvline(r.value, **kw)


def _log_ticks_that_fit(lay: _Layout, desc: FigureDescription, ax_w: float) -> tuple[list[float], list[str]]:
    """The log axis' ticks without overlapping labels: thinned to decades around 1 when crowded."""
    ticks = list(zip(desc.x.ticks, desc.x.tick_labels, strict=True))
    span = math.log(desc.x.hi) - math.log(desc.x.lo)

    def crowded(chosen: list[tuple[float, str]]) -> bool:
        pos = [(math.log(t) - math.log(desc.x.lo)) / span * ax_w for t, _ in chosen]
        return any(b - a < (lay.width(la) + lay.width(lb)) / 2 + lay.font * 0.6 / 72
                   for (a, (_, la)), (b, (_, lb)) in zip(zip(pos, chosen), zip(pos[1:], chosen[1:])))

    for keep in ((), (0.01, 0.1, 0.5, 1.0, 2.0, 10.0, 100.0), (0.01, 0.1, 1.0, 10.0, 100.0), (1.0,)):
        chosen = [(t, la) for t, la in ticks if not keep or t in keep]
        if not crowded(chosen):
            break
    return [t for t, _ in chosen], [la for _, la in chosen]


def _fit_columns(lay: _Layout, desc: FigureDescription, room: float) -> list[tuple[int, float]]:
    """The text columns right of a forest plot that fit, as (index, width in inches): all of
    them, else the last two (HR with CI, p), else none, keeping an axis at least 1 inch wide."""
    if not desc.columns:
        return []
    gap = lay.font * 0.9 / 72
    widths = []
    for i, head in enumerate(desc.columns):
        cells = [e.cells[i] for e in desc.estimates if i < len(e.cells)]
        widths.append(max([lay.width(head)] + [lay.width(c) for c in cells]) + gap)
    for keep in (list(range(len(widths))), list(range(len(widths)))[-2:]):
        if room - sum(widths[i] for i in keep) >= 1.0:
            return [(i, widths[i]) for i in keep]
    return []


def _draw_columns(fig: Figure, ax: Axes, desc: FigureDescription, columns: list[tuple[int, float]],
                  lay: _Layout, x0: float, top: float, w_in: float) -> None:
    """Header and cells of the text columns, each row level with its estimate, right-aligned."""
    from matplotlib.transforms import blended_transform_factory

    tr = blended_transform_factory(fig.transFigure, ax.transData)
    x = x0
    for i, width in columns:
        x += width / w_in
        fig.text(x, top + lay.line * 0.35 / fig.get_figheight(), desc.columns[i], fontsize=lay.font,
                 family=lay.family, fontweight="bold", ha="right", va="bottom")
        for e in desc.estimates:
            if i < len(e.cells) and e.cells[i]:
                fig.text(x, e.row, e.cells[i], transform=tr, fontsize=lay.font, family=lay.family,
                         ha="right", va="center", fontweight="bold" if e.heading else "normal")


def _draw_estimates(ax: Axes, desc: FigureDescription, grey: bool, lay: _Layout) -> None:
    """Each estimate as a square on its CI line; a limit beyond the axis is clipped to it with
    an arrow head (its cell keeps the true value)."""
    lo_axis, hi_axis = desc.x.lo, desc.x.hi
    for e in desc.estimates:
        if e.value is None or e.lo is None or e.hi is None:
            continue
        colour, _, _ = _style(desc, e.key, grey)
        lo, hi = max(e.lo, lo_axis), min(e.hi, hi_axis)
        ax.plot([lo, hi], [e.row, e.row], color=colour, linewidth=LINE_PT, solid_capstyle="butt", zorder=2)
        for limit, edge, marker in ((e.lo, lo_axis, "<"), (e.hi, hi_axis, ">")):
            if (limit < edge) if marker == "<" else (limit > edge):
                ax.plot([edge], [e.row], marker=marker, color=colour, markersize=lay.font * 0.5,
                        linestyle="none", zorder=3)
        if lo_axis <= e.value <= hi_axis:
            ax.plot([e.value], [e.row], marker="s", color=colour, markersize=lay.font * 0.6,
                    linestyle="none", zorder=3)


def _draw_bars(ax: Axes, desc: FigureDescription, grey: bool) -> None:
    """Bars as one PolyCollection of rectangles per category: the same drawing as `Axes.bar`,
    without a Rectangle artist per bar (a waterfall of 8,000 patients took 10 s that way)."""
    import numpy as np
    from matplotlib.collections import PolyCollection

    groups: dict[str, list[Any]] = {}
    for b in desc.bars:
        groups.setdefault(b.key, []).append(b)
    horizontal = desc.bar_orientation == "horizontal"
    span = desc.x.hi - desc.x.lo
    for key, bars in groups.items():
        colour, _, hatch = _style(desc, key, grey)
        edge = "#000000" if grey else colour
        pos = np.array([b.position for b in bars], dtype=float)
        start = np.array([b.start for b in bars], dtype=float)
        end = np.array([b.end for b in bars], dtype=float)
        half = 0.3 if horizontal else 0.4  # barh height 0.6, bar width 0.8
        a, b_ = pos - half, pos + half
        if horizontal:  # (x, y) corners: start..end along x, a..b along y
            verts = np.stack([np.stack([start, a], 1), np.stack([end, a], 1), np.stack([end, b_], 1),
                              np.stack([start, b_], 1)], 1)
        else:
            verts = np.stack([np.stack([a, start], 1), np.stack([b_, start], 1), np.stack([b_, end], 1),
                              np.stack([a, end], 1)], 1)
        ax.add_collection(PolyCollection(list(verts), facecolors=colour, edgecolors=edge, hatch=hatch or None,
                                         linewidths=0 if not grey else THIN_PT, zorder=2, antialiased=True))
    for b in desc.bars:
        if b.arrow and horizontal:
            ax.annotate("", xy=(b.end + span * 0.03, b.position), xytext=(b.end, b.position),
                        arrowprops={"arrowstyle": "-|>", "linewidth": THIN_PT, "color": "#000000",
                                    "mutation_scale": 5, "shrinkA": 0, "shrinkB": 0}, zorder=3)


def metadata_text(desc: FigureDescription, settings: RenderSettings, extra: dict[str, Any] | None = None) -> str:
    """The settings a file carries: figure, size, dpi, font, colour, and what it was drawn from."""
    from y90gui import __version__

    return json.dumps({"figure": desc.kind, "title": desc.title, **settings.as_dict(),
                       "app": f"y90gui {__version__}", **(extra or {})}, ensure_ascii=False)


def with_cohort(desc: FigureDescription, cohort: str | None) -> FigureDescription:
    """`desc` with the cohort sentence ending its caption line (the file's, the preview's)."""
    if not cohort:
        return desc
    from dataclasses import replace

    ending = cohort if cohort.endswith(".") else f"{cohort}."
    return replace(desc, caption=f"{desc.caption} {ending}" if desc.caption else ending)


def file_title(desc: FigureDescription, settings: RenderSettings, cohort: str | None = None) -> str:
    """The title a file carries: the figure's, the cohort's sentence, the settings."""
    named = f" \u2014 {cohort}" if cohort else ""
    return f"{desc.title}{named} ({settings.describe()})"


def write_figure(desc: FigureDescription | Sequence[FigureDescription], path: str | Path,
                 settings: RenderSettings, *, extra: dict[str, Any] | None = None,
                 cohort: str | None = None) -> list[Path]:
    """Render to `path` (format from its suffix), atomically. Several descriptions (swimmer
    pages) give one multi-page PDF, or numbered files `name-1.png`, `name-2.png`, ...
    for the other formats. `cohort`: the sentence naming the patients drawn
    (`analysis.cohort_label.cohort_label`), carried in the metadata, the title and the caption.
    Returns the files written."""
    from matplotlib import rc_context

    from y90gui import __version__

    fmt = format_of(path)
    settings.check()
    pages = [with_cohort(d, cohort) for d in ([desc] if isinstance(desc, FigureDescription) else list(desc))]
    if cohort:
        extra = {**(extra or {}), "cohort": cohort}
    path = Path(path)
    rc: dict[str, Any] = {"pdf.fonttype": 42, "svg.fonttype": "none", "svg.hashsalt": "y90gui", "path.simplify": False}
    written: list[Path] = []
    with rc_context(rc):  # type: ignore[arg-type]
        if fmt == "pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            meta_text = metadata_text(pages[0], settings, extra)
            metadata = {"Title": file_title(pages[0], settings, cohort), "Subject": meta_text,
                        "Creator": f"y90gui {__version__}"}
            with atomic_path(path) as tmp, PdfPages(tmp, metadata=metadata) as pdf:
                for page in pages:
                    pdf.savefig(build_figure(page, settings))
            return [path]
        for i, page in enumerate(pages):
            target = path if len(pages) == 1 else path.with_name(f"{path.stem}-{i + 1}{path.suffix}")
            fig = build_figure(page, settings, raster=fmt in ("png", "tiff"))
            meta_text = metadata_text(page, settings, extra)
            with atomic_path(target) as tmp:
                _save(fig, tmp, fmt, file_title(page, settings, cohort), settings, meta_text)
            written.append(target)
    return written


def _save(fig: Figure, tmp: Path, fmt: str, title: str, settings: RenderSettings, meta: str) -> None:
    from y90gui import __version__

    if fmt == "png":
        fig.savefig(tmp, format="png", dpi=settings.dpi,
                    metadata={"Title": title, "Description": meta, "Software": f"y90gui {__version__}"})
    elif fmt == "tiff":
        fig.savefig(tmp, format="tiff", dpi=settings.dpi,
                    pil_kwargs={"compression": "tiff_lzw", "description": meta,
                                "software": f"y90gui {__version__}"})
    else:
        fig.savefig(tmp, format="svg", metadata={"Title": title, "Description": meta})
