"""`snapshot --db URL --out FILE.y90`: a consistent copy of the registry for offline review.

One REPEATABLE READ transaction reads every sheet (what this login may see: an editor's
snapshot holds their centre only), and the rows go into a new `.y90` in one action, written
beside the target and renamed into place, so a failed snapshot leaves no file. The copy holds
the case series, not the registry's audit trail: the audit stays on the server.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from y90gui.core.errors import Y90Error

if TYPE_CHECKING:
    from y90gui.registry.database import Registry


def snapshot(reg: Registry, out: Path) -> tuple[Path, int]:
    """Write the snapshot; (the file, how many patients it holds)."""
    from y90gui.store.store import Store

    if out.exists():
        raise Y90Error(f"{out} already exists: a snapshot is written to a new file")
    if not out.parent.exists():
        raise Y90Error(f"folder {out.parent} does not exist")
    data = reg.read_case_data()
    stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    tmp = out.with_name(out.name + ".snapshot-partial")
    tmp.unlink(missing_ok=True)
    try:
        with Store.create(tmp) as store:
            store.replace_patients(data, f"snapshot of {reg.name} at {stamp}", kind="system")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out, len(data["patients"])
