"""Tables 1-4 (`analysis.tables.Table`) as HTML and as tab-separated text, for the window.

The window's Tables page shows the HTML; "Copy table" puts both on the clipboard, so Word and
Excel paste a real table (they read the HTML) and plain editors get the columns (the TSV).
Every text is data and is escaped: a centre name or a term can never become mark-up; in the
TSV a tab or line break inside a cell becomes a space so the columns cannot shift.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from y90gui.analysis.tables import Table

CELL = "border:1px solid #9aa7ae; padding:2px 6px;"


def table_html(t: Table, *, heading: bool = True) -> str:
    """One table: caption, header rows with their spans, body rows (labels bold, categories
    indented), footnotes under it."""
    e = html.escape
    out = []
    if heading:
        out.append(f"<h3>Table {t.number}. {e(t.title)}</h3>")
    out.append('<table cellspacing="0" cellpadding="3" style="border-collapse:collapse;">')
    out.append("<thead>")
    for r, cells in enumerate(t.header):
        out.append("<tr>")
        for cell in cells:
            span = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + \
                   (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
            align = "left" if r == 0 and cell is cells[0] else "center"
            out.append(f'<th{span} style="{CELL} background:#e9eef0; text-align:{align};">{e(cell.text)}</th>')
        out.append("</tr>")
    out.append("</thead><tbody>")
    for row in t.rows:
        out.append("<tr>")
        for i, text in enumerate(row.cells):
            style = CELL
            if i == 0:
                style += f" padding-left:{6 + 14 * row.indent}px;"
                body = f"<b>{e(text)}</b>" if row.label else e(text)
            else:
                style += " text-align:right;"
                body = e(text)
            out.append(f'<td style="{style}">{body}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    for note in t.footnotes:
        out.append(f'<p style="font-size:small; margin:2px 0;">{e(note)}</p>')
    return "".join(out)


def _cell(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def table_tsv(t: Table) -> str:
    """Header grid and rows, tab-separated (indented categories keep their two leading spaces),
    then the title and footnotes as single cells, one per line."""
    lines = [f"Table {t.number}. {_cell(t.title)}"]
    for row in t.text_rows():
        first, rest = row[0], row[1:]
        lead = len(first) - len(first.lstrip(" "))
        lines.append("\t".join([" " * lead + _cell(first), *(_cell(c) for c in rest)]))
    lines += [_cell(n) for n in t.footnotes]
    return "\n".join(lines) + "\n"


def tables_page(tables: list[Table], scope: str) -> str:
    """All tables on one page, each under an anchor `table<N>`."""
    parts = [f"<p>{html.escape(scope)}</p>"]
    for t in tables:
        parts.append(f'<a name="table{t.number}"></a>{table_html(t)}<br>')
    return "<html><body>" + "".join(parts) + "</body></html>"
