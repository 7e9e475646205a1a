"""The figure description: what a figure shows, computed once, drawn by any renderer.

A description holds numbers and words only (plain dataclasses, no matplotlib, no Qt): the step
curves with their bands and censor marks, bars, markers, reference lines, the table under the
axis (numbers at risk, values per bin), the legend text and the caption. `render.py` draws it
with matplotlib for files; an on-screen pyqtgraph view can draw the very same object, so the
window and the exported file can never disagree about a number.

Colours are not chosen by the renderer: every drawn element names a `key` (a category value such
as ``"PD"`` or ``"center=Berlin"``) and `FigureDescription.styles` maps the key to a `Style` with
its colour and its greyscale stand-in (grey level, line style, hatch), fixed per value by
`palette.style_for` so a category keeps its colour whatever else the filter leaves in the figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Style:
    """How one category is drawn: in colour, and in the greyscale variant."""

    colour: str  # "#rrggbb"
    grey: str  # "#rrggbb", a grey level
    dash: str = "solid"  # solid | dashed | dotted | dashdot (greyscale curves are told apart by this)
    hatch: str = ""  # bar fill pattern in greyscale ("", "//", "..", "xx", ...)


@dataclass(frozen=True)
class Axis:
    label: str
    lo: float
    hi: float
    ticks: tuple[float, ...]
    tick_labels: tuple[str, ...]
    log: bool = False  # a logarithmic scale (forest plot: ratios, 1 in the middle)


@dataclass(frozen=True)
class Curve:
    """A Kaplan-Meier step curve (y in %) with its pointwise band (None where undefined)."""

    key: str
    label: str  # legend text: "Berlin (n = 12, events = 7), median 3.5 (95% CI 1.8–NR)"
    x: tuple[float, ...]
    y: tuple[float, ...]
    band_lo: tuple[float | None, ...] = ()
    band_hi: tuple[float | None, ...] = ()
    censor_x: tuple[float, ...] = ()
    censor_y: tuple[float, ...] = ()
    median: float | None = None  # drawn as a dashed guide at 50 % down to the x axis


@dataclass(frozen=True)
class Bar:
    """A horizontal bar (swimmer: y = row, from start to end) or a vertical one (waterfall:
    x = position, from 0 to `end`)."""

    key: str
    position: float
    start: float
    end: float
    arrow: bool = False  # continues beyond `end` (alive at last follow-up)


@dataclass(frozen=True)
class Markers:
    """Points of one kind (all the REs, all first PDs, ...), one legend entry."""

    key: str
    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    shape: str  # matplotlib marker code: "v", "o", "x", "|", "D", "s", "^", "*"


@dataclass(frozen=True)
class Interval:
    """A median with its interquartile range at one position (laboratory course)."""

    key: str
    x: float
    median: float
    q1: float
    q3: float


@dataclass(frozen=True)
class Estimate:
    """One row of a forest plot: a point estimate with its 95 % CI at y = `row`, the row's label
    left of the axis and its text cells right of it (under `FigureDescription.columns`).
    A heading row (`value` None) has a label and cells but nothing drawn."""

    key: str
    row: float
    label: str
    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    cells: tuple[str, ...] = ()
    heading: bool = False


@dataclass(frozen=True)
class RefLine:
    """A reference line across the plot (waterfall +20 %/-30 %, CTCAE thresholds)."""

    axis: str  # "x" (vertical line at x = value) or "y" (horizontal at y = value)
    value: float
    label: str = ""
    dash: str = "dashed"
    faint: bool = False


@dataclass(frozen=True)
class UnderTable:
    """Rows of numbers under the x axis, aligned to `at` (numbers at risk, values per bin)."""

    title: str
    at: tuple[float, ...]
    rows: tuple[tuple[str, str, tuple[int, ...]], ...]  # (key, row label, numbers)


@dataclass(frozen=True)
class LegendEntry:
    key: str
    label: str
    kind: str  # "line" | "patch" | "marker" | "text"
    shape: str = ""


@dataclass
class FigureDescription:
    """Everything a renderer needs: numbers, words, categories; no sizes (those are settings)."""

    kind: str  # km | swimmer | waterfall | labs | forest
    title: str  # the figure's title (document legend, file metadata)
    caption: str  # one line under the figure: method, origin, denominators
    x: Axis
    y: Axis
    styles: dict[str, Style]
    curves: list[Curve] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    bar_orientation: str = "vertical"  # or "horizontal" (swimmer)
    markers: list[Markers] = field(default_factory=list)
    intervals: list[Interval] = field(default_factory=list)
    lines: list[RefLine] = field(default_factory=list)
    under: UnderTable | None = None
    legend: list[LegendEntry] = field(default_factory=list)
    legend_title: str = ""  # e.g. the log-rank p for strata
    note: str = ""  # a short line under the axis (waterfall: n)
    y_percent: bool = False  # tick labels already carry % (y in percent units)
    estimates: list[Estimate] = field(default_factory=list)  # forest plot rows
    columns: tuple[str, ...] = ()  # headers of the estimates' text cells, right of the axis


def band_runs(x: Any, lo: Any, hi: Any) -> list[tuple[int, int, float]]:
    """Where a KM band is drawn, for the file (`render`) and the screen (`ui.km_items.band_path`)
    alike: `(start, stop, end)` for each run of times whose limits are both defined (numpy arrays,
    NaN = undefined, as at S = 0), each value holding until the next time and the run's last one
    until `end`, the time the band becomes undefined (or the last time): as R's survminer ribbon.
    `fill_between(step="post")` alone stops one step early, which our file once did."""
    import numpy as np

    defined = ~(np.isnan(lo) | np.isnan(hi))
    runs: list[tuple[int, int, float]] = []
    i, n = 0, len(x)
    while i < n:
        if not defined[i]:
            i += 1
            continue
        j = i
        while j < n and defined[j]:
            j += 1
        runs.append((i, j, float(x[j]) if j < n else float(x[-1])))
        i = j
    return runs
