"""Write a case series (or some of its patients) as a workbook in the interchange format.

The cells are typed (dates as date cells, numbers as numbers, yes/no as the words the
drop-down offers), every text is a text cell (a value starting with `=` can never turn into a
formula) and the file appears atomically: a cancelled or failed export leaves no file behind.
`import` of the result gives back exactly the same data (the round-trip tests hold this).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from y90gui.core.errors import Y90Error
from y90gui.core.progress import NO_PROGRESS, Progress
from y90gui.core.sheets import SHEETS, Sheet
from y90gui.core.validate import CaseData
from y90gui.io import layout

if TYPE_CHECKING:
    from y90gui.store.backend import CaseSeries


def write_workbook(data: CaseData, path: str | Path, *, source_name: str | None = None,
                   progress: Progress | None = None, extra_meta: dict[str, Any] | None = None,
                   readme_notes: Sequence[str] = ()) -> Path:
    """Write `data` (parsed values) as a workbook: README (with `readme_notes` first), the eight
    sheets, `_meta`."""
    sheets = [layout.readme_sheet(readme_notes)]
    for sheet in SHEETS:
        records = data.get(sheet.name, [])
        sheets.append(layout.data_sheet(sheet, layout.record_rows(sheet, records), len(records)))
    meta = {"exported": layout.now_text(), "source": source_name or ""}
    meta.update(extra_meta or {})
    sheets.append(layout.meta_sheet(meta))
    return layout.write_sheets(path, sheets, progress or NO_PROGRESS)


def _store_rows(store: CaseSeries, sheet: Sheet, patient_ids: Sequence[str] | None) -> Iterator[list[Any]]:
    """Cell values straight from the back end (`CaseSeries.iter_rows`): the 400,000-row lab
    sheet skips building dicts."""
    yesno = [i for i, c in enumerate(sheet.columns) if c.type == "yesno"]
    for t in store.iter_rows(sheet, patient_ids):
        row = list(t)
        for i in yesno:
            if row[i] is not None:
                row[i] = "yes" if row[i] else "no"
        yield row


def export_store(store: CaseSeries, path: str | Path, patient_ids: Sequence[str] | None = None,
                 deidentify: bool = False, progress: Progress | None = None, birth_year: str = "band") -> Path:
    """Export the store (or the listed patients) to `path`; see `deidentify` for that option
    (`birth_year`: one of `deidentify.BIRTH_YEAR_OPTIONS`)."""
    progress = progress or NO_PROGRESS
    source = store.name
    if patient_ids is not None:
        missing = sorted(set(patient_ids) - set(store.patient_ids()))
        if missing:
            raise Y90Error(f"no patient {', '.join(missing[:10])} in {source}")
    if deidentify:
        from y90gui.io.deidentify import deidentify_data, remember_mapping

        data = store.read_case_data(patient_ids)
        clean, mapping, rules = deidentify_data(data, birth_year)
        out = write_workbook(clean, path, source_name="(de-identified)", progress=progress,
                             extra_meta={"deidentified": "yes", "deidentified_birth_year": birth_year},
                             readme_notes=rules)
        remember_mapping(store, out, mapping)
        return out
    counts = store.counts()
    sheets = [layout.readme_sheet()]
    for sheet in SHEETS:
        sheets.append(layout.data_sheet(sheet, _store_rows(store, sheet, patient_ids), counts[sheet.name]))
    sheets.append(layout.meta_sheet({"exported": layout.now_text(), "source": source,
                                     "patients": len(patient_ids) if patient_ids is not None
                                     else counts["patients"]}))
    return layout.write_sheets(path, sheets, progress)
