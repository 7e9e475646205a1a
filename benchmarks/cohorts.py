"""Cached synthetic cohorts for benchmarks: `ensure_cohort(n) -> (db_path, xlsx_path)`.

Generating and writing 10,000 patients takes a while, so each size is built once under
benchmarks/out/ (gitignored) and reused; the file names carry the generator's version and
seed, so a changed generator never serves a stale cohort. Files appear atomically (written
under a temporary name, then renamed), so an interrupted run leaves nothing half-written.
"""

from __future__ import annotations

import os
from pathlib import Path

from y90gui.core.validate import CaseData

OUT = Path(__file__).resolve().parent / "out"


def cohort_paths(n: int, seed: int = 0) -> tuple[Path, Path]:
    from y90gui.demo.synthetic import VERSION

    stem = f"cohort-{n}-s{seed}-v{VERSION}"
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


def ensure_cohort(n: int, seed: int = 0) -> tuple[Path, Path]:
    """The n-patient synthetic cohort as a .y90 store and an .xlsx workbook, built when missing."""
    from y90gui.demo.synthetic import build_cohort

    OUT.mkdir(parents=True, exist_ok=True)
    db, xlsx = cohort_paths(n, seed)
    if db.exists() and xlsx.exists():
        return db, xlsx
    data = build_cohort(n, seed)
    if not db.exists():
        write_db(data, db)
    if not xlsx.exists():
        write_xlsx(data, xlsx)
    return db, xlsx
