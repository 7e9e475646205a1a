"""`y90gui template`, `y90gui import`, `y90gui export`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def cmd_template(args: argparse.Namespace) -> int:
    from y90gui.io.template import write_template

    out = write_template(args.out)
    print(f"wrote template {out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Validate, preview, apply. A missing --db is created only when there is something to write."""
    from y90gui.io.guard import WorkbookFileError

    try:
        return _import(args)
    except WorkbookFileError as exc:
        if args.json:  # a JSON caller gets its object too; the one-line error still goes to stderr
            print(json.dumps({"ok": False, "errors": [{"sheet": None, "row": None, "column": None, "value": None,
                                                       "message": str(exc)}],
                              "warnings": [], "new": [], "changed": [], "unchanged": [], "applied": False}))
        raise


def _import(args: argparse.Namespace) -> int:
    import tempfile

    from y90gui.io.importer import apply_import, prepare_import
    from y90gui.store.store import Store

    db = Path(args.db)
    workbook = Path(args.workbook)
    if db.exists() and db.stat().st_size > 0:
        with Store.open(db, read_only=args.dry_run) as store:
            if not args.dry_run:
                store.check_writable()  # one line, before anything is read, copied or written
            plan = prepare_import(workbook, store)
            if not plan.ok or args.dry_run:
                return _report(args, plan, applied=False)
            apply_import(store, plan)
        return _report(args, plan, applied=True)
    # No case series yet: compare against an empty one, so errors and dry runs leave no file.
    with tempfile.TemporaryDirectory() as tmp, Store.create(Path(tmp) / "empty.y90") as empty:
        plan = prepare_import(workbook, empty)
    if not plan.ok or args.dry_run:
        return _report(args, plan, applied=False)
    with Store.create(db) as store:
        apply_import(store, plan)
    return _report(args, plan, applied=True)


def _report(args: argparse.Namespace, plan, applied: bool) -> int:  # type: ignore[no-untyped-def]
    if args.json:
        out = plan.as_json()
        out["applied"] = applied
        print(json.dumps(out, ensure_ascii=False, default=str))
        return 0 if plan.ok else 1
    for w in plan.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if not plan.ok:
        for e in plan.errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"{plan.workbook.name}: {len(plan.errors)} error(s); nothing was imported", file=sys.stderr)
        return 1
    for pid in plan.new:
        print(f"new       {pid}")
    for pid, changes in plan.changed.items():
        print(f"changed   {pid}")
        for c in changes[:50]:
            print(f"          {c}")
        if len(changes) > 50:
            print(f"          ... and {len(changes) - 50} more")
    for c in plan.reference_changes:
        print(f"reference {c}")
    print(f"unchanged {len(plan.unchanged)} patient(s)")
    verb = "imported" if applied else "dry run, nothing written"
    print(f"{plan.workbook.name}: {plan.summary()} ({verb})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from y90gui.io.exporter import export_store
    from y90gui.store.store import Store

    deidentify = bool(getattr(args, "deidentify", False))
    with Store.open(args.db, read_only=not deidentify) as store:
        out = export_store(store, args.out, patient_ids=args.patient or None, deidentify=deidentify,
                           birth_year=getattr(args, "birth_year", "band"))
        n = len(args.patient) if args.patient else store.counts()["patients"]
        if deidentify and store.read_only:
            print(f"note: {Path(args.db).name} is open read-only ({store.read_only_reason}), so the "
                  "code-to-patient mapping was not kept", file=sys.stderr)
    print(f"exported {n} patient(s) to {out}" + (" (de-identified)" if deidentify else ""))
    return 0

