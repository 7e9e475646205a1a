"""The Kaplan-Meier figure for the report file (matplotlib, Agg backend: no display, no Qt).

Publication layout: step curve with its pointwise 95 % band, censoring ticks, dashed median
guide, years on the x axis and the number-at-risk table under the axis, aligned with the ticks.
The GUI draws its own interactive plot from the same `KMResult`; this is the file version.
A bare `Figure` renders through matplotlib's Agg printer without pyplot, so no backend is
selected and nothing here can touch a GUI event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from y90gui.analysis.survival import KMResult, plotted_band
from y90gui.core.atomic import atomic_path

COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6")


def _curves(km: KMResult | Sequence[Any]) -> list[tuple[str, KMResult]]:
    if isinstance(km, KMResult):
        return [("All patients", km)]
    out = []
    for i, item in enumerate(km):
        out.append(item if isinstance(item, tuple) else (f"Group {i + 1}", item))
    return out


def render_km_png(km: KMResult | Sequence[Any], path: str | Path, dpi: int = 300, *,
                  title: str | None = None) -> Path:
    """Write the figure as PNG to `path` (atomically) and return the path."""
    import numpy as np
    from matplotlib.figure import Figure  # no pyplot: no backend, no GUI, safe in any thread

    curves = _curves(km)
    max_years = max([float(k.times_years[-1]) for _, k in curves] + [1.0])
    x_max = float(np.ceil(max_years))
    ticks = np.arange(0, x_max + 1)
    n_rows = len(curves)
    fig = Figure(figsize=(7.0, 4.6 + 0.28 * n_rows), dpi=dpi)
    left, width = 0.17, 0.79
    table_h = 0.15 + 0.045 * n_rows
    bottom = 0.03 + table_h
    ax = fig.add_axes((left, bottom, width, 0.90 - bottom))
    for i, (label, k) in enumerate(curves):
        colour = COLOURS[i % len(COLOURS)]
        x = np.asarray(k.times_years, dtype=float)
        lo, hi = plotted_band(k)  # 1 before the first death, as on screen and in R
        ax.fill_between(x, lo, hi, step="post", color=colour, alpha=0.15, linewidth=0,
                        label=None)
        ax.step(x, k.survival, where="post", color=colour, linewidth=1.6,
                label=f"{label} (n = {k.n}, events = {k.events})")
        if len(k.censor_years):
            ax.plot(k.censor_years, k.censor_survival, linestyle="none", marker="|", markersize=7,
                    markeredgewidth=1.2, color=colour)
        if k.median_years is not None:
            ax.plot([0, k.median_years, k.median_years], [0.5, 0.5, 0], linestyle="--", linewidth=0.8,
                    color=colour, alpha=0.8)
            lo_m, hi_m = k.median_ci_years
            ci = ", ".join("NR" if v is None else f"{v:.1f}" for v in (lo_m, hi_m))
            ax.annotate(f"median {k.median_years:.1f} y (95% CI {ci})", xy=(k.median_years, 0.5),
                        xytext=(6, 6 + 12 * i), textcoords="offset points", fontsize=8, color=colour)
    ax.set_xlim(0, x_max)
    ax.set_ylim(0, 1.02)
    ax.set_xticks(ticks)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_yticklabels([f"{int(v * 100)}%" for v in np.linspace(0, 1, 6)])
    ax.set_ylabel("Overall survival")
    ax.set_xlabel("Years since first radioembolization")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", linewidth=0.4, alpha=0.5)
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ci_name = curves[0][1].ci_method if curves else ""
    ax.set_title(title or f"Kaplan-Meier overall survival (shaded: 95% CI, {ci_name})", fontsize=10)

    # number at risk under the axis, one row per curve, columns at the year ticks
    fig.text(0.01, bottom - 0.13, "Number at risk", fontsize=8, fontweight="bold")
    for i, (label, k) in enumerate(curves):
        y = bottom - 0.175 - 0.045 * i
        fig.text(0.01, y, label[:18], fontsize=8, color=COLOURS[i % len(COLOURS)])
        for t in ticks:
            xf = left + width * (t / x_max)
            n = k.at_risk.get(int(t), 0)
            fig.text(xf, y, str(n), fontsize=8, ha="center")

    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")
    return path
