"""Cells → clipboard text, HTML and files: the one conversion every table view uses."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from y90gui.core.errors import Y90Error
from y90gui.services.table_text import export_rows, to_csv, to_html, to_tsv, typed_cell


def test_tsv_keeps_the_grid_when_a_cell_holds_a_tab_or_a_line_break() -> None:
    assert to_tsv(["a", "b"], [["1", "x\ty"], ["two\nlines", ""]]) == "a\tb\n1\tx y\ntwo lines\t\n"


def test_html_escapes_every_cell() -> None:
    text = to_html(["p < 0.001"], [["<b>bold</b> & co"]])
    assert "<th>p &lt; 0.001</th>" in text and "<td>&lt;b&gt;bold&lt;/b&gt; &amp; co</td>" in text


def test_csv_quotes_what_needs_it() -> None:
    assert to_csv(None, [["a,b", 'say "hi"']]) == '"a,b","say ""hi"""\r\n'


def test_typed_cells() -> None:
    assert [typed_cell(t) for t in ("12", "13.5", "-0.25", "1e3", "007a", "", "2014-05-01")] == \
        [12, 13.5, -0.25, 1000.0, "007a", None, "2014-05-01"]


def test_export_round_trips_through_csv_and_xlsx(tmp_path: Path) -> None:
    header, rows = ["ID", "value", "=cmd"], [["P01", "12.5", "=1+1"], ["Zürich", "", "x"]]
    csv_path = export_rows(tmp_path / "v.csv", header, rows)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfID,value,=cmd\r\n")
    xlsx = export_rows(tmp_path / "v.xlsx", header, rows, "patients: all [x]")
    ws = openpyxl.load_workbook(xlsx).active
    assert ws.title == "patients  all  x"
    assert [[c.value for c in r] for r in ws.iter_rows()] == [header, ["P01", 12.5, "=1+1"], ["Zürich", None, "x"]]
    assert ws["C2"].data_type == "s"  # text, never a formula
    with pytest.raises(Y90Error, match="choose a .csv or .xlsx"):
        export_rows(tmp_path / "v.txt", header, rows)
    assert not (tmp_path / "v.txt").exists()
