"""Tables as HTML and TSV: data text stays literal text; spans and indents survive."""

from __future__ import annotations

from y90gui.analysis.tables import HeaderCell, Row, Table
from y90gui.services.tables_html import table_html, table_tsv


def _table() -> Table:
    return Table(9, "Centres & <sites>", [[HeaderCell("Centre", rowspan=2), HeaderCell("Patients", colspan=2)],
                                           [HeaderCell("n"), HeaderCell("%")]],
                 [Row(("Centre", "", ""), label=True), Row(("<script>x</script>\tBonn", "3", "25%"), indent=1)],
                 ["=HYPERLINK(\"x\") note"])


def test_data_text_is_escaped_and_spans_kept() -> None:
    out = table_html(_table())
    assert "<script>" not in out and "&lt;script&gt;x&lt;/script&gt;" in out
    assert "Centres &amp; &lt;sites&gt;" in out
    assert 'rowspan="2"' in out and 'colspan="2"' in out


def test_tsv_has_one_column_per_table_column() -> None:
    lines = table_tsv(_table()).splitlines()
    assert lines[0] == "Table 9. Centres & <sites>"
    body = lines[1:5]
    assert [len(line.split("\t")) for line in body] == [3, 3, 3, 3]
    assert body[3].startswith("  <script>x</script> Bonn\t3\t25%")
