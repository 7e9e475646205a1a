"""`snapshot --db URL --out FILE.y90` and the window's "Save snapshot as .y90…": a consistent
copy of the registry for offline review.

One REPEATABLE READ transaction reads every sheet and the named cohorts (what this login may
see: an editor's snapshot holds their centre only, and each cohort with the patients of it the
editor sees), and the rows go into a new `.y90` in one action, the cohorts after it; the file is
written under a temporary name and renamed into place (`core.atomic`), so a failed or cancelled
snapshot leaves no file. The copy holds the case series, not the registry's audit trail: the
audit stays on the server.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from y90gui.core.errors import Y90Error
from y90gui.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from y90gui.registry.database import Registry


def snapshot(reg: Registry, out: Path, progress: Progress | None = None) -> tuple[Path, int]:
    """Write the snapshot; (the file, how many patients it holds). Cancel (`progress`) leaves none."""
    from y90gui.core.atomic import atomic_path
    from y90gui.store.cohorts import save_cohort
    from y90gui.store.store import Store

    progress = progress or NO_PROGRESS
    out = Path(out)
    if out.exists():
        raise Y90Error(f"{out} already exists: a snapshot is written to a new file")
    if not out.parent.exists():
        raise Y90Error(f"folder {out.parent} does not exist")
    progress.step(0.05, 1, f"reading {reg.name}")
    with reg.snapshot():  # the sheets and the cohorts from one moment
        data = reg.read_case_data()
        cohorts = reg.saved_cohorts()
    progress.step(0.5, 1, f"writing {out.name}")
    stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    with atomic_path(out, case_series=True) as tmp:
        with Store.create(tmp) as store:
            store.replace_patients(data, f"snapshot of {reg.name} at {stamp}", kind="system")
            progress.check()
            for c in cohorts:
                save_cohort(store, c.name, search=c.search, filters=c.filters,
                            description=c.description + (f" (saved by {c.owner})" if c.owner else ""),
                            patient_ids=c.patient_ids)
            store.conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        progress.check()
    progress.step(1, 1, f"wrote {out.name}")
    return out, len(data["patients"])
