"""Column widths that never break a word: measured with Helvetica's metrics (Arial's twin).

Each column is at least as wide as its longest word (plus cell padding), so a cell can wrap
only at spaces; when the minimum widths do not fit the text width the table's font steps down
(to 6 pt at the least), and the room left over goes to the columns whose text would otherwise
wrap, the first (label) column last. Both writers use the same widths.
"""

from __future__ import annotations

from dataclasses import dataclass

from y90gui.analysis.tables import Table

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
PAD_MM = 1.2  # left and right cell padding each
INDENT_MM = 3.0
SLACK_MM = 0.8  # cell borders and the renderer's rounding: a word exactly as wide as its column wraps
MIN_PT = 6.0
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class TableLayout:
    widths_mm: tuple[float, ...]
    font_pt: float


def text_width_mm(text: str, font_pt: float, bold: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, BOLD if bold else FONT, font_pt)) / PT_PER_MM


def _needs(table: Table, font_pt: float) -> tuple[list[float], list[float]]:
    n = table.columns
    least, full = [0.0] * n, [0.0] * n
    spanned = {(r, c) for r, c, _, cs in table.spans() if cs > 1}
    cells: list[tuple[int, str, bool, int]] = []
    for r, texts in enumerate(table.header_grid()):
        cells += [(c, t, True, 0) for c, t in enumerate(texts) if (r, c) not in spanned]
    for body in table.rows:
        cells += [(c, t, body.label, body.indent if c == 0 else 0) for c, t in enumerate(body.cells)]
    for c, text, bold, indent in cells:
        extra = 2 * PAD_MM + SLACK_MM + indent * INDENT_MM
        words = text.split() or [""]
        least[c] = max(least[c], max(text_width_mm(w, font_pt, bold) for w in words) + extra)
        full[c] = max(full[c], text_width_mm(text, font_pt, bold) + extra)
    return least, full


def layout(table: Table, total_mm: float, font_pt: float = 8.0) -> TableLayout:
    """Widths (mm) summing to `total_mm` and the font size that lets every word fit its column."""
    size = font_pt
    least, full = _needs(table, size)
    while sum(least) > total_mm and size > MIN_PT:
        size = max(MIN_PT, size - 0.5)
        least, full = _needs(table, size)
    widths = list(least)
    spare = total_mm - sum(widths)
    # the room left over goes where text would otherwise wrap, in proportion to what it lacks;
    # whatever is left after every column has its full width goes to the label column
    lack = [max(full[c] - widths[c], 0.0) for c in range(len(widths))]
    if spare > 0 and sum(lack) > 0:
        share = min(1.0, spare / sum(lack))
        widths = [w + share * k for w, k in zip(widths, lack, strict=True)]
        spare = total_mm - sum(widths)
    if spare > 0:
        widths[0] += spare
    return TableLayout(tuple(widths), size)
