"""The empty workbook a centre fills in: every sheet, README, drop-downs, `_meta`."""

from __future__ import annotations

from pathlib import Path

from y90gui.core.sheets import SHEETS
from y90gui.io import layout


def write_template(path: str | Path) -> Path:
    """Headers only; code and yes/no columns carry drop-down lists, date columns a date format."""
    sheets = [layout.readme_sheet()]
    sheets.extend(layout.data_sheet(sheet, [], 0) for sheet in SHEETS)
    sheets.append(layout.meta_sheet({"kind": "template", "created": layout.now_text()}))
    return layout.write_sheets(path, sheets)
