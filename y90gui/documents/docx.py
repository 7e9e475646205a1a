"""The report document as Word (.docx), with python-docx.

Real Word tables: the header rows repeat on every page (`w:tblHeader`), a row never splits
across pages (`w:cantSplit`), spanned header cells are merged cells, column widths come from
`layout` (no word broken). Figures are embedded at their physical size (170 mm wide, the text
width of an A4 page with 20 mm margins). Every text goes into a run as literal text: python-docx
escapes it as XML character data, so nothing from the data can become a field, a formula or a
hyperlink. Written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from y90gui.analysis.tables import Table
from y90gui.core.atomic import atomic_path
from y90gui.documents.layout import INDENT_MM, PAD_MM, layout
from y90gui.documents.model import MARGIN_MM, PAGE_HEIGHT_MM, PAGE_WIDTH_MM, TEXT_WIDTH_MM, Document

FONT = "Arial"
BODY_PT = 10.0
TABLE_PT = 8.0
NOTE_PT = 7.5


def _flag(row: Any, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _fixed_layout(table: Any) -> None:
    """Fixed column widths and the cell padding `layout` assumed (Word's default is wider)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    fixed = OxmlElement("w:tblLayout")
    fixed.set(qn("w:type"), "fixed")
    tbl_pr.append(fixed)
    margins = OxmlElement("w:tblCellMar")
    for side, mm in (("top", 0.3), ("left", PAD_MM), ("bottom", 0.3), ("right", PAD_MM)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(mm / 25.4 * 1440)))  # twips
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)


def _cell_text(cell: Any, text: str, size: float, *, bold: bool = False, indent: int = 0,
               align: str = "left") -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    if indent:
        p.paragraph_format.left_indent = Mm(INDENT_MM * indent)
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER}[align]
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold


def _table(doc: Any, t: Table) -> None:
    from docx.shared import Mm, Pt

    lay = layout(t, TEXT_WIDTH_MM, TABLE_PT)
    size = lay.font_pt
    cap = doc.add_paragraph()
    cap.paragraph_format.keep_with_next = True
    run = cap.add_run(f"Table {t.number}. ")
    run.bold = True
    cap.add_run(t.title)
    n_head = len(t.header)
    table = doc.add_table(rows=n_head + len(t.rows), cols=t.columns)
    table.style = "Table Grid"
    table.autofit = False
    _fixed_layout(table)
    for j, w in enumerate(lay.widths_mm):
        table.columns[j].width = Mm(w)
        for cell in table.columns[j].cells:
            cell.width = Mm(w)
    grid = t.header_grid()
    merged = set()
    for r, c, rs, cs in t.spans():
        table.cell(r, c).merge(table.cell(r + rs - 1, c + cs - 1))
        merged |= {(r + i, c + k) for i in range(rs) for k in range(cs)} - {(r, c)}
    for r in range(n_head):
        for c in range(t.columns):
            if (r, c) not in merged:
                _cell_text(table.cell(r, c), grid[r][c], size, bold=True, align="left" if c == 0 else "center")
        _flag(table.rows[r], "w:tblHeader")
        _flag(table.rows[r], "w:cantSplit")
    for i, row in enumerate(t.rows):
        tr = table.rows[n_head + i]
        _flag(tr, "w:cantSplit")
        for c, text in enumerate(row.cells):
            _cell_text(tr.cells[c], text, size, bold=row.label, indent=row.indent if c == 0 else 0,
                       align="left" if c == 0 else "center")
    for note in t.footnotes:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(1)
        r = p.add_run(note)
        r.font.size = Pt(NOTE_PT)
    doc.add_paragraph()


def write_docx(document: Document, path: str | Path) -> Path:
    """Write `document` to `path` (.docx), atomically; returns the path."""
    import docx
    from docx.shared import Mm, Pt

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    props = doc.core_properties
    props.title = document.title
    props.subject = document.metadata.get("database", "")
    props.author = "y90gui"
    doc.add_heading(document.title, level=1)
    heading = doc.add_paragraph()
    heading.add_run("Methods and settings").bold = True
    for text in document.methods:
        doc.add_paragraph(text)
    for t in document.tables:
        _table(doc, t)
    for f in document.figures:
        doc.add_picture(io.BytesIO(f.png), width=Mm(f.width_mm), height=Mm(f.height_mm))
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
        p = doc.add_paragraph()
        p.add_run(f"Figure {f.number}. ").bold = True
        p.add_run(f"{f.title}. ")
        r = p.add_run(f.legend)
        r.font.size = Pt(NOTE_PT + 1)
    path = Path(path)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
    return path
