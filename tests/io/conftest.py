"""Helpers for the Excel round-trip tests: workbook cells, store contents, file checksums."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from y90gui.core.validate import CaseData
from y90gui.store.store import Store


def workbook_cells(path: Path, skip: tuple[str, ...] = ("_meta",)) -> dict[str, list[list[Any]]]:
    """Every sheet's cells as calamine reads them (typed values), except `skip`."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names if n not in skip}
    finally:
        wb.close()


def store_data(db: Path) -> CaseData:
    with Store.open(db, read_only=True) as s:
        return s.read_case_data()


def canonical(data: CaseData) -> dict[str, list[tuple[Any, ...]]]:
    """Order-free, key-complete form of CaseData, for comparing two sets of patients."""
    from y90gui.core.sheets import SHEETS

    out = {}
    for sheet in SHEETS:
        rows = [tuple(r.get(n) for n in sheet.column_names) for r in data.get(sheet.name, [])]
        out[sheet.name] = sorted(rows, key=repr)
    return out


def checksum(path: Path) -> str:
    """The database file and its WAL (when it holds frames): the data, not SQLite's shared-memory index."""
    h = hashlib.sha256(path.read_bytes())
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        h.update(wal.read_bytes())
    return h.hexdigest()


@pytest.fixture
def new_store(tmp_path: Path):
    s = Store.create(tmp_path / "case.y90")
    yield s
    s.close()
