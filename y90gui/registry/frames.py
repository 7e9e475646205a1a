"""The registry read into `analysis.frames.Frames`, the one shape every analysis function works on.

The server converts (dates to day numbers, yes/no and numbers to floats) and orders the rows
as the file does (patients by ID, other sheets in the order they were written), so the report
computed from a registry equals the report of a `.y90` holding the same patients.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from y90gui.core.sheets import SHEETS

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames
    from y90gui.registry.database import Registry


def frames_from_registry(reg: Registry, patient_ids: Iterable[str] | None = None) -> Frames:
    """Every sheet from one consistent snapshot, as this login may see it."""
    from y90gui.analysis.frames import Frames, frame_from_rows

    ids = list(patient_ids) if patient_ids is not None else None
    frames: dict[str, Any] = {}
    with reg.snapshot():
        for sheet in SHEETS:
            frames[sheet.name] = frame_from_rows(sheet, reg.sheet_rows(sheet, ids))
    return Frames(**frames, source=reg.name)
