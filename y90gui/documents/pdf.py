"""The report document as PDF, with reportlab's platypus (not HTML to PDF).

The same content model as the Word file: Tables 1-4 as reportlab `Table`s whose header rows
repeat on every page (`repeatRows`), with `layout`'s column widths over the full text width
(170 mm on A4 with 20 mm margins) and cell paragraphs that wrap only at spaces
(`splitLongWords=0`: a word is never broken; `layout` made every column wide enough for its
longest word). Every text is escaped for reportlab's paragraph mark-up first, so a term such
as "<b>" or "&amp;" from the data prints as typed and can never become a tag or a link.
Figures are the 300 dpi PNGs at their physical size. Written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from y90gui.analysis.tables import Table
from y90gui.core.atomic import atomic_path
from y90gui.documents.layout import BOLD, FONT, INDENT_MM, PAD_MM, layout
from y90gui.documents.model import MARGIN_MM, TEXT_WIDTH_MM, Document

BODY_PT = 10.0
TABLE_PT = 8.0
NOTE_PT = 7.5


def text(value: str) -> str:
    """Data text as reportlab mark-up that shows exactly the characters (no tag, no entity)."""
    return escape(str(value))


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    base = {"fontName": FONT, "splitLongWords": 0}
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19, spaceAfter=8, splitLongWords=0),
        "h": ParagraphStyle("h", fontName=BOLD, fontSize=BODY_PT, leading=BODY_PT * 1.3, spaceBefore=4,
                            spaceAfter=3, splitLongWords=0),
        "body": ParagraphStyle("body", fontSize=BODY_PT, leading=BODY_PT * 1.35, spaceAfter=5, **base),
        "caption": ParagraphStyle("caption", fontSize=BODY_PT, leading=BODY_PT * 1.3, spaceBefore=8,
                                  spaceAfter=4, **base),
        "note": ParagraphStyle("note", fontSize=NOTE_PT, leading=NOTE_PT * 1.3, spaceAfter=1.5, **base),
    }


def _table(t: Table, styles: dict[str, Any]) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer
    from reportlab.platypus import Table as RLTable

    lay = layout(t, TEXT_WIDTH_MM, TABLE_PT)
    size = lay.font_pt

    def cell_style(bold: bool, indent: int, centre: bool) -> Any:
        return ParagraphStyle(f"c{int(bold)}{indent}{int(centre)}", fontName=BOLD if bold else FONT, fontSize=size,
                              leading=size * 1.2, leftIndent=indent * INDENT_MM * mm, splitLongWords=0,
                              alignment=TA_CENTER if centre else TA_LEFT)

    data = [[Paragraph(text(v), cell_style(True, 0, c > 0)) for c, v in enumerate(row)] for row in t.header_grid()]
    for row in t.rows:
        data.append([Paragraph(text(v), cell_style(row.label, row.indent if c == 0 else 0, c > 0))
                     for c, v in enumerate(row.cells)])
    n_head = len(t.header)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_MM * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_MM * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 0.6 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8 * mm),
        ("BACKGROUND", (0, 0), (-1, n_head - 1), colors.HexColor("#eeeeee")),
    ]
    for r, c, rs, cs in t.spans():
        commands.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
    table = RLTable(data, colWidths=[w * mm for w in lay.widths_mm], repeatRows=n_head, style=commands,
                    hAlign="LEFT", splitByRow=1)
    caption = Paragraph(f"<b>Table {t.number}.</b> {text(t.title)}", styles["caption"])
    notes = [Paragraph(text(n), styles["note"]) for n in t.footnotes]
    return [caption, table, Spacer(1, 1.5 * mm), *notes, Spacer(1, 4 * mm)]


def write_pdf(document: Document, path: str | Path) -> Path:
    """Write `document` to `path` (.pdf), atomically; returns the path."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate

    styles = _styles()
    story: list[Any] = [Paragraph(text(document.title), styles["title"]),
                        Paragraph("Methods and settings", styles["h"])]
    story += [Paragraph(text(p), styles["body"]) for p in document.methods]
    for t in document.tables:
        story += _table(t, styles)
    for f in document.figures:
        image = Image(io.BytesIO(f.png), width=f.width_mm * mm, height=f.height_mm * mm)
        legend = Paragraph(f"<b>Figure {f.number}.</b> {text(f.title)}. {text(f.legend)}", styles["caption"])
        story.append(KeepTogether([image, legend]))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawRightString(A4[0] - MARGIN_MM * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    path = Path(path)
    with atomic_path(path) as tmp:
        pdf = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=MARGIN_MM * mm, rightMargin=MARGIN_MM * mm,
                                topMargin=MARGIN_MM * mm, bottomMargin=MARGIN_MM * mm, title=document.title,
                                author="y90gui", subject=document.metadata.get("database", ""),
                                creator="y90gui")
        pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return path
