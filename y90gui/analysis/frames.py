"""The case series as pandas frames, the one shape every analysis function works on.

Two doors lead in: `from_case_data` (the format-neutral `CaseData` the importer and the demo
produce) and `from_store` (straight SQL on the store's connection, so a 10,000-patient report
does not build 400,000 Python dicts). Both give the same frames: one per sheet, every column of
the sheet, dates as float day numbers (days since 1970-01-01, NaN when missing) so that windows
are plain arithmetic, yes/no as 1.0 / 0.0 / NaN, and `_row` = the row's order within its sheet
(the tie-breaker when two values share a date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from y90gui.core.gc_pause import paused_gc
from y90gui.core.sheets import SHEET_BY_NAME, SHEETS, Sheet

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.core.validate import CaseData
    from y90gui.store.backend import CaseSeries

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass
class Frames:
    """One DataFrame per sheet (same names as the workbook)."""

    patients: pd.DataFrame
    prrt: pd.DataFrame
    radioembolization: pd.DataFrame
    response: pd.DataFrame
    labs: pd.DataFrame
    adverse_events: pd.DataFrame
    treatments_after: pd.DataFrame
    reference_ranges: pd.DataFrame
    source: str | None = None

    def sheet(self, name: str) -> pd.DataFrame:
        return getattr(self, name)


def day_number(value: dt.date | None) -> float:
    return float("nan") if value is None else float(value.toordinal() - _EPOCH_ORDINAL)


def to_date(day: float | None) -> dt.date | None:
    if day is None or day != day:
        return None
    return dt.date.fromordinal(int(day) + _EPOCH_ORDINAL)


def to_dates(days: Any) -> list[dt.date | None]:
    """`to_date` of each day number of an array or column: each distinct day converted once (a
    report sheet's 10,000s of procedure and assessment dates share a few thousand days)."""
    import numpy as np

    values = np.asarray(days, dtype=float)
    distinct, at = np.unique(values, return_inverse=True)  # all NaNs one entry (numpy's equal_nan)
    dates = [to_date(d) for d in distinct.tolist()]
    return [dates[i] for i in at.ravel().tolist()]


def from_case_data(data: CaseData) -> Frames:
    import numpy as np
    import pandas as pd

    frames: dict[str, Any] = {}
    for sheet in SHEETS:
        rows = data.get(sheet.name, [])
        names = list(sheet.column_names)
        cols: dict[str, Any] = {}
        for c in sheet.columns:
            values = [r.get(c.name) for r in rows]
            if c.type == "date":
                cols[c.name] = np.array([day_number(v) for v in values], dtype=float)
            elif c.type == "yesno":
                cols[c.name] = np.array([np.nan if v is None else float(bool(v)) for v in values], dtype=float)
            elif c.type in ("number", "integer"):
                cols[c.name] = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
            else:
                cols[c.name] = pd.array(values, dtype=object)
        df = pd.DataFrame(cols, columns=names)
        df["_row"] = np.arange(len(df))
        frames[sheet.name] = df
    return Frames(**frames)


#: Rows fetched at a time: the labs of 100,000 patients are ~4 million rows, and as one list of
#: tuples they alone took over 2 GB before a single array existed.
CHUNK_ROWS = 100_000


def from_store(store: CaseSeries, patient_ids: Iterable[str] | None = None) -> Frames:
    """Every sheet with one read each (`CaseSeries.sheet_rows`: the back end converts dates
    and numbers in its SQL), from one consistent state of a file or a registry.

    Called on a worker thread with a file opened on another one, the store reads through its
    own read-only connection to the same file (`Store.reader`).
    """
    ids = list(patient_ids) if patient_ids is not None else None
    frames: dict[str, Any] = {}
    # hundreds of thousands of row tuples: the cyclic GC would rescan them over and over
    with paused_gc(), store.reader() as src:
        for sheet in SHEETS:
            frames[sheet.name] = frame_from_chunks(sheet, src.sheet_chunks(sheet, ids, CHUNK_ROWS))
    return Frames(**frames, source=_source(store))


def _source(store: CaseSeries) -> str:
    """The report's file-name field: the file's path, or the registry's user@host/db."""
    path = getattr(store, "path", None)
    return str(path) if path is not None else store.name


def frame_from_chunks(sheet: Sheet, chunks: Iterable[list[tuple[Any, ...]]]) -> pd.DataFrame:
    """`frame_from_rows` of rows arriving in chunks: each chunk becomes column arrays and is
    dropped, and equal texts share one string object (a sheet's IDs, tests and units repeat
    millions of times), so memory stays near the frame's own size."""
    import numpy as np
    import pandas as pd

    parts: list[list[Any]] = [[] for _ in sheet.columns]
    texts: list[dict[Any, Any]] = [{} for _ in sheet.columns]
    numeric = [c.type in ("date", "number", "integer", "yesno") for c in sheet.columns]
    for rows in chunks:
        for i, values in enumerate(zip(*rows, strict=True)):
            if numeric[i]:
                parts[i].append(np.array(values, dtype=float))
            else:
                shared = texts[i]
                if len(shared) < 50_000:  # free text (notes) is not worth sharing
                    # map into fromiter: no generator frame and no list per value (1.6 million values
                    # at 10,000 patients)
                    parts[i].append(np.fromiter(map(shared.setdefault, values, values), dtype=object,
                                                count=len(values)))
                else:
                    parts[i].append(np.array(values, dtype=object))
        del rows
    data = {}
    for i, (c, is_num) in enumerate(zip(sheet.columns, numeric, strict=True)):
        arrays, parts[i] = parts[i], []  # each column's chunks are let go once joined: one column doubled at a time
        if not arrays:
            data[c.name] = np.array([], dtype=float if is_num else object)
        else:
            data[c.name] = arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
        del arrays
    df = pd.DataFrame(data)
    df["_row"] = np.arange(len(df))
    return df


def frame_from_rows(sheet: Sheet, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """A sheet's frame from rows in the analysis' shape (dates as day numbers, numbers, integers
    and yes/no as floats or None, texts as they are): every back end's reader ends here."""
    import numpy as np
    import pandas as pd

    columns = list(zip(*rows, strict=True)) if rows else [()] * len(sheet.columns)
    data = {}
    for c, values in zip(sheet.columns, columns, strict=True):
        if c.type in ("date", "number", "integer", "yesno"):
            data[c.name] = np.array(values, dtype=float)
        else:
            data[c.name] = np.array(values, dtype=object)
    df = pd.DataFrame(data)
    df["_row"] = np.arange(len(df))
    return df


def sheet_columns(name: str) -> tuple[str, ...]:
    return SHEET_BY_NAME[name].column_names
