"""Cached synthetic cohorts for benchmarks: `ensure_cohort(n) -> (db_path, xlsx_path)`.

Generating and writing 10,000 patients takes a while, so each size is built once under
benchmarks/out/ (gitignored) and reused; the file names carry the generator's version and
seed, so a changed generator never serves a stale cohort. Files appear atomically (written
under a temporary name, then renamed), so an interrupted run leaves nothing half-written.

Two shapes of cohort:
- `ensure_cohort(n)`: the default synthetic cohort (~39 lab values per patient); the window,
  report, registry and editing benchmarks use it. At 100,000 patients its labs sheet has
  3.9 million rows, more than an Excel sheet holds, so its workbook cannot be imported (the
  reader refuses it) and the exporter refuses to write it.
- `ensure_import_cohort(n)`: the same patients, procedures, responses, events and treatments
  with the labs thinned to `IMPORT_LAB_SHARE` of the tests per visit (~10 lab values per
  patient), so every sheet fits Excel at 100,000 patients; `bench_io` (import and export, every
  size) and the import profile use it.
"""

from __future__ import annotations

import os
from pathlib import Path

from y90gui.core.validate import CaseData

OUT = Path(__file__).resolve().parent / "out"
#: Share of the lab tests per visit in the import cohort: ~10 lab rows per patient (about
#: 960,000 at 100,000 patients, below Excel's 1,048,576 rows a sheet).
IMPORT_LAB_SHARE = 0.2


def cohort_paths(n: int, seed: int = 0, lab_share: float | None = None) -> tuple[Path, Path]:
    from y90gui.demo.synthetic import VERSION

    stem = f"cohort-{n}-s{seed}-v{VERSION}"
    if lab_share is not None:
        stem += f"-labs{round(lab_share * 100)}"
    return OUT / f"{stem}.y90", OUT / f"{stem}.xlsx"


def write_db(data: CaseData, path: Path) -> Path:
    """Write `data` to a new case-series file at `path` (replacing a partial one)."""
    from y90gui.store.store import Store

    tmp = path.with_name(path.stem + ".partial.y90")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    with Store.create(tmp) as store:
        store.replace_patients(data, f"synthetic cohort of {len(data['patients'])} patients")
    for leftover in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(tmp, path)
    return path


def write_xlsx(data: CaseData, path: Path) -> Path:
    try:
        from y90gui.io.exporter import write_workbook
    except ImportError as exc:  # the Excel exporter is built by another part of the project
        raise RuntimeError(f"cannot write {path.name}: y90gui.io.exporter.write_workbook is not available ({exc})"
                           ) from exc
    return write_workbook(data, path, source_name=path.stem)


def ensure_cohort(n: int, seed: int = 0, lab_share: float | None = None, *, xlsx: bool = True
                  ) -> tuple[Path, Path]:
    """The n-patient synthetic cohort as a .y90 store and an .xlsx workbook, built when missing.

    `lab_share`: see `ensure_import_cohort` (None: the default cohort). `xlsx=False` builds only
    the store. A workbook with a sheet longer than Excel allows (the default cohort's labs at
    100,000 patients) is not written (the exporter refuses it, `SheetTooLongError`): the
    returned workbook path then does not exist, and the store is still there for the
    benchmarks that read only the store.
    """
    from y90gui.demo.synthetic import build_cohort

    OUT.mkdir(parents=True, exist_ok=True)
    db, book = cohort_paths(n, seed, lab_share)
    if db.exists() and (book.exists() or not xlsx):
        return db, book
    data = build_cohort(n, seed) if lab_share is None else build_cohort(n, seed, lab_share)
    if not db.exists():
        write_db(data, db)
    if xlsx and not book.exists():
        from y90gui.core.xlsxwrite import SheetTooLongError

        try:
            write_xlsx(data, book)
        except SheetTooLongError as exc:
            print(f"{book.name} not written: {exc}", flush=True)
    return db, book


def ensure_import_cohort(n: int, seed: int = 0) -> tuple[Path, Path]:
    """The n-patient cohort whose every sheet fits an Excel sheet at 100,000 patients (labs
    thinned to `IMPORT_LAB_SHARE`; every other sheet as in `ensure_cohort`)."""
    return ensure_cohort(n, seed, IMPORT_LAB_SHARE)
