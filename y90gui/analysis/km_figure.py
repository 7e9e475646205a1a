"""The Kaplan-Meier figure of the report workbook, drawn by the publication figure layer.

Kept as the workbook's entry point (`render_km_png`), but the figure is `figures.km`'s
description rendered by `figures.render`: the same curves, bands, censor marks, legend and
numbers at risk as `y90gui figure km` and the report document, at 170 x 120 mm.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from y90gui.analysis.survival import KMResult


def _curves(km: KMResult | Sequence[Any]) -> dict[str, KMResult]:
    from y90gui.figures.km import ALL_KEY

    if isinstance(km, KMResult):
        return {ALL_KEY: km}
    out = {}
    for i, item in enumerate(km):
        label, fit = item if isinstance(item, tuple) else (f"Group {i + 1}", item)
        out[str(label)] = fit
    return out


def render_km_png(km: KMResult | Sequence[Any], path: str | Path, dpi: int = 300, *,
                  title: str | None = None) -> Path:
    """Write the figure as PNG to `path` (atomically) and return the path. `km` is one fit or
    a sequence of fits / (label, fit) pairs."""
    from y90gui.figures import palette
    from y90gui.figures.km import ALL_KEY, describe_fits
    from y90gui.figures.render import write_figure
    from y90gui.figures.settings import RANGES, RenderSettings

    fits = _curves(km)
    keys = list(fits)
    styles = {k: palette.ALL if k == ALL_KEY else palette.style_for(k, keys) for k in keys}
    ci_method = next(iter(fits.values())).ci_method if fits else "log-log"
    desc = describe_fits(fits, styles, ci_method=ci_method)
    if title:
        desc.title = title
    lo, hi = RANGES["dpi"]  # an internal caller's low-resolution preview: the nearest valid dpi
    return write_figure(desc, path, RenderSettings(dpi=min(max(float(dpi), lo), hi)))[0]
