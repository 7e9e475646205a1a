"""`y90gui info` and `y90gui backup`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from y90gui.store.store import Store


def info(db: str | Path) -> dict[str, object]:
    with Store.open(db, read_only=True) as store:
        counts = store.counts()
        return {
            "file": str(Path(db)),
            "patients": counts["patients"],
            "procedures": counts["radioembolization"],
            "prrt_cycles": counts["prrt"],
            "assessments": counts["response"],
            "lab_values": counts["labs"],
            "adverse_events": counts["adverse_events"],
            "treatments_after": counts["treatments_after"],
            "reference_ranges": counts["reference_ranges"],
            "schema_version": store.schema_version,
            "integrity": store.integrity(),
        }


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
