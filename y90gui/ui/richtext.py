"""Data text in Qt's rich text: the one place that escapes it.

A QLabel in rich-text mode, a tooltip (Qt guesses rich text from a leading tag) and an HTML item
treat "<" as the start of a tag: "p < 0.001" or a term such as "<b>x</b>" was eaten or rendered
as mark-up. Every data-derived text (IDs, centre names, terms, notes, numbers written with "<")
that goes into rich text passes through `esc`; a whole plain text shown where Qt might guess rich
text goes through `plain_html` (escaped, line breaks kept) or a widget set to `Qt.PlainText`.
"""

from __future__ import annotations

import html
from typing import Any


def esc(value: Any) -> str:
    """`value` as text that rich text shows literally (None: an em dash)."""
    return "—" if value is None else html.escape(str(value), quote=True)


def plain_html(text: str) -> str:
    """A plain text (several lines) as rich text that shows exactly it: escaped, lines kept.

    For tooltips: Qt shows a tooltip as rich text when it *looks* like mark-up, so a note like
    "<b>x</b>" would turn bold; wrapped in a paragraph it is always rich text, and always literal.
    """
    return "<p style='white-space:pre-wrap; margin:0'>" + esc(text).replace("\n", "<br>") + "</p>"
