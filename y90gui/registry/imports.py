"""`import --db URL`: the file's import (validate everything, preview, all or nothing) on a registry.

The preview is `io.importer.prepare_import` itself, reading the registry through the same
methods it reads a file with; the write is one action, refused when the registry moved on
since the preview (someone else's action in between) and refused, naming the row, when the
workbook holds a patient of a centre this login may not write. The server would refuse that
row too (row-level security), and the transaction leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from y90gui.io.importer import ImportPlan
    from y90gui.registry.database import Registry
    from y90gui.store.store import Change


def prepare(reg: Registry, workbook: Path) -> ImportPlan:
    from y90gui.io.importer import prepare_import

    mark = reg.mark()  # before reading: a change made while we read moves it on
    with reg.snapshot():
        plan = prepare_import(workbook, reg)  # the reads of store.backend.CaseSeries
    plan.store_mark = mark
    return plan


def apply(reg: Registry, plan: ImportPlan) -> Change | None:
    from y90gui.io.importer import StoreChangedError

    if not plan.has_changes:
        return None
    reg.check_writable(plan.data)
    description = f"import {plan.workbook.name}: {plan.summary()}"
    with reg.action(description, kind="import") as change:
        if reg.mark(before=change.action_id) != plan.store_mark:
            raise StoreChangedError(f"{reg.name} changed since {plan.workbook.name} was checked: check it again")
        reg.write_patients(plan.data, change)
    return change


def import_workbook(reg: Registry, workbook: Path, *, dry_run: bool = False) -> tuple[ImportPlan, bool]:
    """(the plan, whether it was written)."""
    plan = prepare(reg, workbook)
    if not plan.ok or dry_run:
        return plan, False
    apply(reg, plan)
    return plan, True
