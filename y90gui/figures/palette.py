"""Colours fixed per category value, colour-blind safe, with a greyscale stand-in.

The palette is Okabe & Ito's (2008) eight colours, distinguishable with every common colour
vision deficiency and the one journals recommend. A category gets its colour from its value,
never from the order in which values happen to occur: a code takes its place in the format's
code list (`core.codes`), yes/no are fixed, and free text (centres) takes its place among all
the values the case series holds. So "Berlin" stays orange when a filter removes the first
centre, and PD is always vermillion.

The greyscale variant tells curves apart by line style (solid, dashed, dotted, dash-dot) and
bars by grey level and hatch, because grey levels alone do not survive photocopying.
"""

from __future__ import annotations

from collections.abc import Sequence

from y90gui.figures.model import Style

#: Okabe-Ito: black, orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: Category colours (black is kept for "all patients" and markers; yellow is too pale for lines).
CATEGORY = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
GREYS = ("#000000", "#555555", "#888888", "#333333", "#777777", "#aaaaaa", "#222222")
DASHES = ("solid", "dashed", "dotted", "dashdot")
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++")

ALL = Style("#000000", "#000000", "solid")
#: RECIST categories: response green/blue, SD neutral grey, PD vermillion (the convention of
#: waterfall plots), NE reddish purple.
RECIST = {
    "CR": Style("#009E73", "#000000", "solid", ""),
    "PR": Style("#0072B2", "#555555", "solid", "//"),
    "SD": Style("#999999", "#bbbbbb", "solid", ""),
    "PD": Style("#D55E00", "#888888", "solid", "xx"),
    "NE": Style("#CC79A7", "#dddddd", "solid", ".."),
}

#: The landmark analysis' response groups take the colours of their RECIST categories.
RESPONSE = {"responders": RECIST["PR"], "non_responders": RECIST["PD"]}


def indexed(i: int) -> Style:
    """The i-th category style (cycles after seven, distinguishable by colour and dash)."""
    n = len(CATEGORY)
    return Style(CATEGORY[i % n], GREYS[i % len(GREYS)], DASHES[i % len(DASHES)], HATCHES[i % len(HATCHES)])


def style_for(value: str, universe: Sequence[str]) -> Style:
    """The style of `value` by its place in `universe` (a code list, or every value the case
    series holds for a free-text field); an unknown value goes after the universe."""
    try:
        i = list(universe).index(value)
    except ValueError:
        i = len(universe)
    return indexed(i)


def styles_for(values: Sequence[str], universe: Sequence[str]) -> dict[str, Style]:
    """The style of each value (`style_for`); the RECIST code list keeps its conventional colours
    (`RECIST`), the same in the KM figure, its on-screen view and the waterfall plot."""
    if tuple(universe) == tuple(RECIST):
        return {v: RECIST.get(v) or style_for(v, universe) for v in values}
    return {v: style_for(v, universe) for v in values}
