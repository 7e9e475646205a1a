"""`import --db URL` and the window's import dialog: the file's import (validate everything,
preview, all or nothing) on a registry.

The preview is `io.importer.prepare_import` itself, reading the registry through the same
methods it reads a file with (`store.backend.CaseSeries`), inside one snapshot; a workbook row
of a patient whose centre this login may not write is an error of the preview (the spec: "an
import row for it is an error"), so the dialog shows it before anything is offered. The write is
one action, refused when the registry moved on since the preview (someone else's action in
between) and refused, naming the row, when the workbook holds a patient of a centre this login
may not write. The server would refuse that row too (row-level security), and the transaction
leaves nothing behind. `prepare` and `apply` take the arguments of `io.importer.prepare_import`
and `apply_import`, so the window calls either pair alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from y90gui.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from y90gui.io.importer import ImportPlan
    from y90gui.registry.database import Registry
    from y90gui.store.store import Change


def prepare(workbook: str | Path, reg: Registry, progress: Progress | None = None) -> ImportPlan:
    """Read, validate and compare with what this login sees; never writes."""
    from y90gui.core.validate import Issue
    from y90gui.io.importer import prepare_import

    mark = reg.mark()  # before reading: a change made while we read moves it on
    with reg.snapshot():
        plan = prepare_import(Path(workbook), reg, progress=progress)  # the reads of store.backend.CaseSeries
    plan.store_mark = mark
    if plan.ok and plan.has_changes:
        plan.errors.extend(Issue("patients", None, "center", centre, message)
                           for centre, message in reg.unwritable_centres(plan.data))
    return plan


def apply(reg: Registry, plan: ImportPlan, progress: Progress | None = None) -> Change | None:
    """Write the plan in one transaction; None when it changes nothing."""
    from y90gui.io.importer import StoreChangedError

    progress = progress or NO_PROGRESS
    if not plan.has_changes:
        return None
    reg.check_writable(plan.data)
    description = f"import {plan.workbook.name}: {plan.summary()}"
    progress.step(0.2, 1, "writing")
    with reg.action(description, kind="import") as change:
        if reg.mark(before=change.action_id) != plan.store_mark:
            raise StoreChangedError(f"{reg.name} changed since {plan.workbook.name} was checked "
                                    "(someone else saved in between): nothing was imported; check it again")
        reg.write_patients(plan.data, change)
        progress.check()  # a Cancel before the commit rolls the whole import back
    progress.step(1, 1, description)
    return change


def import_workbook(reg: Registry, workbook: Path, *, dry_run: bool = False) -> tuple[ImportPlan, bool]:
    """(the plan, whether it was written)."""
    plan = prepare(workbook, reg)
    if not plan.ok or dry_run:
        return plan, False
    apply(reg, plan)
    return plan, True
