"""Import a workbook: validate everything, preview the change, then apply it all or nothing.

`prepare_import` never writes: it reads and validates the whole workbook, reports every
problem at once, and compares the result with the store (patients new, changed field by
field, unchanged). `apply_import` then backs the store up and writes the new and changed
patients in one transaction. The GUI runs the two steps with a dialog in between; the CLI
runs them back to back.

Semantics (spec/workbook.md): each patient on the `patients` sheet has its whole record
replaced; other patients are untouched. Rows on other sheets that name a patient who is
in the database but not on the workbook's `patients` sheet replace that patient's rows on
those sheets only. Reference ranges replace the rows with the same centre, test and unit.
Lab rows are stored exactly as given; a missing uln/lln is taken from the centre's
reference ranges when the report is computed, so export gives back the workbook as sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from y90gui.core.errors import Y90Error
from y90gui.core.gc_pause import paused_gc
from y90gui.core.progress import NO_PROGRESS, Progress
from y90gui.core.sheets import PATIENT_CHILD_SHEETS, SHEET_BY_NAME, SHEETS
from y90gui.core.validate import CaseData, Issue, check_consistency, id_lookalikes
from y90gui.io.diff import FieldChange, diff_patient, diff_rows, group_by_patient

if TYPE_CHECKING:
    from y90gui.store.backend import CaseSeries
    from y90gui.store.store import Change, Store

#: Backups kept beside the store (`<db>.backups/`), newest last.
KEEP_BACKUPS = 10


class StoreChangedError(Y90Error):
    """The case series changed between the preview and the import."""


@dataclass
class ImportPlan:
    """The outcome of `prepare_import`: problems, and what `apply_import` would write."""

    workbook: Path
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    reference_changes: list[FieldChange] = field(default_factory=list)
    #: Records to write (new and changed patients, changed reference ranges).
    data: CaseData = field(default_factory=dict, repr=False)
    #: The store's last action when the plan was made; apply refuses if it moved on.
    store_mark: Any = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or self.reference_changes)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": [i.as_dict() for i in self.errors],
            "warnings": [i.as_dict() for i in self.warnings],
            "new": list(self.new),
            "changed": list(self.changed),
            "unchanged": list(self.unchanged),
            "changes": {pid: [c.as_dict() for c in cs] for pid, cs in self.changed.items()},
            "reference_ranges": [c.as_dict() for c in self.reference_changes],
        }

    def summary(self) -> str:
        if not self.ok:
            return f"{len(self.errors)} error(s): nothing imported"
        text = f"{len(self.new)} new, {len(self.changed)} changed, {len(self.unchanged)} unchanged patient(s)"
        if self.reference_changes:
            text += f", {len(self.reference_changes)} reference-range change(s)"
        return text


def _store_mark(store: CaseSeries) -> Any:
    return store.mark()


def prepare_import(path: str | Path, store: CaseSeries, progress: Progress | None = None) -> ImportPlan:
    """Read, validate and compare; never writes. Errors are in the plan, not raised.

    Raises `WorkbookFileError` (a Y90Error) only when the file is not a readable workbook.
    """

    with paused_gc():
        return _prepare(Path(path), store, progress or NO_PROGRESS)


def _prepare(path: Path, store: CaseSeries, progress: Progress) -> ImportPlan:
    from y90gui.io.parse import parse_workbook
    from y90gui.io.reader import open_workbook

    plan = ImportPlan(path, store_mark=_store_mark(store))
    progress.step(0.05, 1, f"reading {path.name}")
    with open_workbook(path) as raw:  # sheet by sheet: read, parse, let the cells go
        progress.step(0.35, 1, "checking every cell")
        parsed = parse_workbook(raw, on_sheet=lambda i, n, name: progress.step(0.35 + 0.25 * i / n, 1,
                                                                               f"checking {name}"))
    del raw
    plan.errors.extend(parsed.errors)
    plan.warnings.extend(parsed.warnings)
    data = parsed.data
    progress.step(0.6, 1, "checking rows across sheets")

    known = set(store.patient_ids())
    listed = {r["patient_id"] for r in data["patients"] if r.get("patient_id")}
    plan.warnings.extend(_lookalike_warnings(data, known))
    named = set().union(*(map(itemgetter("patient_id"), data[s.name]) for s in PATIENT_CHILD_SHEETS))
    partial = sorted(p for p in named - listed if p and p in known)
    wanted = sorted(listed & known) + partial
    stored: dict[str, dict[str, list[dict[str, Any]]]] = {}
    if wanted:  # a re-sent whole case series reads the store in one go, without an ID filter
        stored = group_by_patient(store.read_case_data(None if len(wanted) == len(known) else wanted))
    merged = _merge_partial(data, partial, stored)
    if not parsed.broken_sheets:  # else every row would repeat "not on the patients sheet" and the like
        plan.errors.extend(check_consistency(merged, known))
    _sort_issues(plan.errors)
    if plan.errors:
        return plan

    progress.step(0.75, 1, "comparing with the case series")
    incoming = group_by_patient(merged) if stored else {}
    write_ids: list[str] = []
    for r in merged["patients"]:
        pid = r["patient_id"]
        if pid not in known:
            plan.new.append(pid)
            write_ids.append(pid)
            continue
        changes = diff_patient(stored.get(pid, {}), incoming[pid])
        if changes:
            plan.changed[pid] = changes
            write_ids.append(pid)
        else:
            plan.unchanged.append(pid)
    plan.reference_changes = _reference_changes(store, merged["reference_ranges"])
    everyone = len(write_ids) == len(merged["patients"])
    plan.data = _records_to_write(merged, None if everyone else set(write_ids), plan.reference_changes)
    progress.step(1, 1, plan.summary())
    return plan


def _lookalike_warnings(data: CaseData, known: set[str]) -> list[Issue]:
    """A new patient ID that is an existing one but for case or a leading apostrophe: say so."""
    rows = [r for r in data["patients"] if r.get("patient_id")]
    new = [r["patient_id"] for r in rows if r["patient_id"] not in known]
    twins = id_lookalikes(new, [*sorted(known), *(r["patient_id"] for r in rows)])
    out = []
    for r in rows:
        twin = twins.get(r["patient_id"])
        if twin is not None:
            whose = "the existing patient" if twin in known else "the patient, also on this sheet,"
            out.append(Issue("patients", r.get("_row"), "patient_id", r["patient_id"],
                             f"differs from {whose} {twin!r} only by upper/lower case or a leading apostrophe: "
                             "it would be a new patient (correct the ID if it is the same person)"))
    return out


def _merge_partial(data: CaseData, partial: Sequence[str], stored: dict[str, dict[str, list[dict[str, Any]]]]
                   ) -> CaseData:
    """Workbook rows, plus the full stored record of patients the workbook only adds rows to."""
    if not partial:
        return data
    merged: CaseData = {name: list(rows) for name, rows in data.items()}
    given: dict[str, set[str]] = {s.name: {r["patient_id"] for r in data[s.name]} for s in PATIENT_CHILD_SHEETS}
    for pid in partial:
        record = stored.get(pid, {})
        merged["patients"].extend(record.get("patients", []))
        for sheet in PATIENT_CHILD_SHEETS:
            if pid not in given[sheet.name]:
                merged[sheet.name].extend(record.get(sheet.name, []))
    return merged


def _reference_changes(store: CaseSeries, rows: list[dict[str, Any]]) -> list[FieldChange]:
    if not rows:
        return []
    sheet = SHEET_BY_NAME["reference_ranges"]
    keys = {(r["center"], r["test"], r["unit"]) for r in rows}
    old = [r for r in store.read_table("reference_ranges") if (r["center"], r["test"], r["unit"]) in keys]
    return diff_rows(sheet, old, rows)


def _records_to_write(merged: CaseData, write_ids: set[str] | None, ref_changes: list[FieldChange]) -> CaseData:
    """The rows to write: those of `write_ids` (None: every patient) and the changed reference ranges."""
    out: CaseData = {}
    for sheet in SHEETS:
        if sheet.name == "reference_ranges":
            changed_keys = {c.key for c in ref_changes if c.new is not None or c.column is not None}
            rows = merged.get(sheet.name, [])
            from y90gui.io.diff import _key_text

            out[sheet.name] = [r for r in rows if _key_text(sheet, r) in changed_keys]
        elif write_ids is None:
            out[sheet.name] = merged.get(sheet.name, [])
        else:
            out[sheet.name] = [r for r in merged.get(sheet.name, []) if r.get("patient_id") in write_ids]
    return out


def _sort_issues(issues: list[Issue]) -> None:
    order = {s.name: i for i, s in enumerate(SHEETS)}
    issues.sort(key=lambda i: (order.get(i.sheet, -1), i.row or 0))


# ------------------------------------------------------------------------------- applying


def backup_dir(db: Path) -> Path:
    return db.with_name(db.name + ".backups")


def backup_before_import(store: Store, keep: int = KEEP_BACKUPS) -> Path:
    """Copy the store into `<db>.backups/` and keep only the newest `keep` copies."""
    folder = backup_dir(store.path)
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = store.backup(folder / f"{store.path.stem}-{stamp}-before-import.y90")
    olds = sorted(folder.glob(f"{store.path.stem}-*-before-import.y90"))
    for old in olds[:-keep] if keep > 0 else olds:
        old.unlink(missing_ok=True)
    return dest


def apply_import(store: Store, plan: ImportPlan, progress: Progress | None = None) -> Change:
    """Back the store up, then write the plan in one transaction (one undoable action)."""
    from y90gui.store.store import Change

    progress = progress or NO_PROGRESS
    store.check_writable()  # says who holds the file, rather than "changed since" once they wrote
    if not plan.ok:
        raise Y90Error(f"{plan.workbook.name} has {len(plan.errors)} error(s): nothing imported")
    if _store_mark(store) != plan.store_mark:
        raise StoreChangedError(f"{store.path.name} changed since {plan.workbook.name} was checked: check it again")
    if not plan.has_changes:
        return Change(None, "nothing to import")
    if plan.store_mark is not None:  # a store nobody ever wrote to has nothing to lose
        progress.step(0.05, 1, "backing up the case series")
        backup_before_import(store)
    progress.step(0.2, 1, "writing")
    description = f"import {plan.workbook.name}: {plan.summary()}"
    with paused_gc():  # the rows' SQL tuples, like the parse's cells
        change = store.replace_patients(plan.data, description, kind="import")
    progress.step(1, 1, description)
    return change
