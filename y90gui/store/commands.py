"""`y90gui info` and `y90gui backup`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from y90gui.store.store import Store

#: `info`'s count fields and the sheet each counts: one list for the file and the registry.
INFO_COUNTS = (("patients", "patients"), ("procedures", "radioembolization"), ("prrt_cycles", "prrt"),
               ("assessments", "response"), ("lab_values", "labs"), ("adverse_events", "adverse_events"),
               ("treatments_after", "treatments_after"), ("reference_ranges", "reference_ranges"))


def info_counts(counts: dict[str, int]) -> dict[str, object]:
    """The `info` count fields from a back end's rows-per-sheet counts."""
    return {field: counts[sheet] for field, sheet in INFO_COUNTS}


def info(db: str | Path) -> dict[str, object]:
    with Store.open(db, read_only=True) as store:
        return {"file": str(Path(db)), **info_counts(store.counts()),
                "schema_version": store.schema_version, "integrity": store.integrity()}


def cmd_info(args: argparse.Namespace) -> int:
    data = info(args.db)
    if args.json:
        print(json.dumps(data))
    else:
        width = max(len(k) for k in data)
        for key, value in data.items():
            print(f"{key:<{width}}  {value}")
    return 0 if data["integrity"] == "ok" else 1


def cmd_backup(args: argparse.Namespace) -> int:
    with Store.open(args.db, read_only=True) as store:
        dest = store.backup(args.out)
    print(f"backed up {args.db} to {dest}")
    return 0
