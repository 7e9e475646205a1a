"""De-identified export: random patient codes, no free text, dates shifted per patient.

Each patient gets one random offset of 1-364 days and every date of that patient moves back
by it, so every interval (RE -> follow-up, PRRT -> RE, lab day after RE) is unchanged and the
study report is the same, while no calendar date of a real patient leaves the building.
Free text (`notes`, `cause_of_death`) is dropped: it is where names and dates hide.

The code -> patient mapping never leaves the source file: it is kept, when the store is
writable, in the store's own `meta` table (key `deidentify:<time>`, JSON), so the study team
can resolve a reviewer's question about a code, and it is never written into the workbook.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from y90gui.core.sheets import FREE_TEXT_COLUMNS, PATIENT_CHILD_SHEETS, SHEET_BY_NAME
from y90gui.core.validate import CaseData

if TYPE_CHECKING:
    from y90gui.store.store import Store


def _new_code(used: set[str]) -> str:
    while True:
        code = "D" + secrets.token_hex(4).upper()
        if code not in used:
            used.add(code)
            return code


def deidentify_data(data: CaseData) -> tuple[CaseData, dict[str, dict[str, Any]]]:
    """(de-identified copy, {code: {"patient_id", "shift_days"}}); `data` is not modified."""
    used: set[str] = set()
    codes: dict[str, str] = {}
    shifts: dict[str, int] = {}
    for r in data.get("patients", []):
        codes[r["patient_id"]] = _new_code(used)
        shifts[r["patient_id"]] = 1 + secrets.randbelow(364)
    out: CaseData = {}
    for name, rows in data.items():
        sheet = SHEET_BY_NAME.get(name)
        if sheet is None:
            continue
        if name == "reference_ranges":
            out[name] = [dict(r) for r in rows]
            continue
        date_cols = [c.name for c in sheet.columns if c.type == "date"]
        text_cols = [c.name for c in sheet.columns if c.name in FREE_TEXT_COLUMNS]
        new_rows = []
        for r in rows:
            pid = r["patient_id"]
            if pid not in codes:  # a child row of a patient not exported: keep nothing of it
                continue
            shift = dt.timedelta(days=shifts[pid])
            row = {k: v for k, v in r.items() if k in sheet.by_name}
            row["patient_id"] = codes[pid]
            for c in date_cols:
                if row.get(c) is not None:
                    row[c] = row[c] - shift
            for c in text_cols:
                row[c] = None
            new_rows.append(row)
        out[name] = new_rows
    for sheet in PATIENT_CHILD_SHEETS:
        out.setdefault(sheet.name, [])
    mapping = {codes[p]: {"patient_id": p, "shift_days": shifts[p]} for p in codes}
    return out, mapping


def remember_mapping(store: Store, workbook: Path, mapping: dict[str, dict[str, Any]]) -> bool:
    """Keep the mapping in the source file's `meta` table; False when the store is read-only."""
    if store.read_only:
        return False
    stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    value = json.dumps({"workbook": workbook.name, "created": stamp, "codes": mapping}, sort_keys=True)
    store.conn.execute("BEGIN IMMEDIATE")
    try:
        store.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (f"deidentify:{stamp}", value))
        store.conn.execute("COMMIT")
    except BaseException:
        store.conn.execute("ROLLBACK")
        raise
    return True
