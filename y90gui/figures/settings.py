"""The settings of an exported figure: physical size, resolution, font size, colour or grey.

The ranges are the sensible ones of spec/publication.md (width 40-400 mm, dpi 72-1200, font
5-24 pt; height, which the spec leaves open, 30-400 mm). A setting outside them is refused
before anything is drawn, with the option's name, so no file is written.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from y90gui.core.errors import Y90Error

FORMATS = ("png", "tiff", "svg", "pdf")
RANGES = {"width_mm": (40.0, 400.0), "height_mm": (30.0, 400.0), "dpi": (72.0, 1200.0), "font_pt": (5.0, 24.0)}
OPTION = {"width_mm": "--width-mm", "height_mm": "--height-mm", "dpi": "--dpi", "font_pt": "--font-pt"}
MIN_FONT_PT = 6.0  # nothing in a figure is smaller, whatever --font-pt says
MIN_LINE_PT = 0.75
ONE_COLUMN_MM = 85.0
TWO_COLUMNS_MM = 170.0


class FigureSettingsError(Y90Error):
    """A setting outside its range or a format the figure layer does not write (a usage error)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option


@dataclass(frozen=True)
class RenderSettings:
    width_mm: float = TWO_COLUMNS_MM
    height_mm: float = 120.0
    dpi: float = 300.0
    font_pt: float = 8.0
    grey: bool = False

    def check(self) -> RenderSettings:
        for name, (lo, hi) in RANGES.items():
            value = float(getattr(self, name))
            if not (lo <= value <= hi):  # also refuses NaN
                raise FigureSettingsError(OPTION[name], f"{value:g} is outside {lo:g}\u2013{hi:g}")
        return self

    @property
    def pixels(self) -> tuple[int, int]:
        """Raster size: mm / 25.4 x dpi, rounded (half up)."""
        return (int(self.width_mm / 25.4 * self.dpi + 0.5), int(self.height_mm / 25.4 * self.dpi + 0.5))

    def describe(self) -> str:
        return (f"{self.width_mm:g} x {self.height_mm:g} mm, {self.dpi:g} dpi, font {self.font_pt:g} pt, "
                f"{'greyscale' if self.grey else 'colour'}")

    def as_dict(self) -> dict[str, float | bool]:
        return asdict(self)


def format_of(path: str | Path) -> str:
    """The file format from the name's suffix (.tif counts as TIFF)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = {"tif": "tiff"}.get(suffix, suffix)
    if suffix not in FORMATS:
        raise FigureSettingsError("--out", f"{Path(path).name}: the figure file must end in "
                                  f"{', '.join('.' + f for f in FORMATS)}")
    return suffix
