"""Colours with a meaning, chosen to survive colour blindness (Okabe–Ito based).

Grades run light-to-dark as well as changing hue, so they stay ordered in greyscale; the grade
is always written next to or inside the colour, so colour is never the only signal.
"""

from __future__ import annotations

#: CTCAE grade -> (fill, text colour). None = not gradable.
GRADE_COLOURS: dict[int | None, tuple[str, str]] = {
    None: ("#eceff1", "#4a5a64"),
    0: ("#f4f8f9", "#2c3d47"),
    1: ("#f7e98e", "#2c2500"),
    2: ("#e69f00", "#1f1400"),
    3: ("#d55e00", "#ffffff"),
    4: ("#8e2a6b", "#ffffff"),
    5: ("#1a1a1a", "#ffffff"),
}

ACCENT = "#0f6e7f"
ACCENT_DARK = "#0f4c5c"
MUTED = "#5b6b75"
GRID = "#e3e9ec"

#: Curves of strata, in order: Okabe–Ito (without yellow, unreadable on white), hues far apart.
SERIES = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#0f6e7f")

RECIST_COLOURS = {"CR": "#009e73", "PR": "#56b4e9", "SD": "#8a9aa3", "PD": "#d55e00", "NE": "#c9d1d6"}


def grade_fill(grade: int | None) -> str:
    return GRADE_COLOURS.get(grade, GRADE_COLOURS[None])[0]


def grade_text(grade: int | None) -> str:
    return GRADE_COLOURS.get(grade, GRADE_COLOURS[None])[1]
