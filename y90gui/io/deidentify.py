"""De-identified export: random patient codes, no free text, dates shifted per patient.

Each patient gets one random offset of 1-364 days and every date of that patient moves back
by it, so every interval (RE -> follow-up, PRRT -> RE, lab day after RE) is unchanged and the
study report is the same, while no calendar date of a real patient leaves the building.
Free text (`notes`, `cause_of_death`) is dropped: it is where names and dates hide; so is an
adverse-event term that is not a CTCAE term (`ctcae_terms`): it is written as `other`, and so
is an `exclusion_reason` that is not on the controlled list (`core.codes.EXCLUSION_REASONS`,
written in the list's spelling): a reason typed by hand is free text like a note.
Patients are written in the order of their random codes, never in the order of the original
IDs (a position would otherwise link each code to a patient), and the birth year is banded
(5-year bands), shifted or kept, as the user chooses (`BIRTH_YEAR_OPTIONS`). The rules that were
applied are written into the workbook's README sheet (`rules`).

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

from y90gui.core.codes import EXCLUSION_REASONS
from y90gui.core.sheets import FREE_TEXT_COLUMNS, PATIENT_CHILD_SHEETS, SHEET_BY_NAME
from y90gui.core.validate import CaseData
from y90gui.io.ctcae_terms import is_controlled_term

if TYPE_CHECKING:
    from y90gui.store.backend import CaseSeries


#: What `--birth-year` may ask for; "band" is the default.
BIRTH_YEAR_OPTIONS = ("band", "shift", "keep")
BAND_YEARS = 5
SHIFT_YEARS = 2
OTHER_TERM = "other"
OTHER_REASON = "other"
_REASONS = {r.casefold(): r for r in EXCLUSION_REASONS}


def controlled_reason(reason: str | None) -> str | None:
    """An exclusion reason as a de-identified file may carry it: a reason of the controlled
    list in its canonical spelling, `other` for any other text, None for none."""
    if reason is None or not str(reason).strip():
        return None
    return _REASONS.get(" ".join(str(reason).split()).casefold(), OTHER_REASON)


def _birth_year(year: int | None, how: str) -> int | None:
    if year is None or how == "keep":
        return year
    if how == "band":
        return year - year % BAND_YEARS
    if how == "shift":
        this_year = dt.date.today().year
        return min(max(year + secrets.randbelow(2 * SHIFT_YEARS + 1) - SHIFT_YEARS, 1900), this_year)
    raise ValueError(f"birth year option {how!r}: use one of {', '.join(BIRTH_YEAR_OPTIONS)}")


def rules(birth_year: str, other_terms: int) -> list[str]:
    """The de-identification rules, as sentences for the README sheet of the workbook."""
    year = {
        "band": f"birth_year is the first year of its {BAND_YEARS}-year band (1957 is written 1955).",
        "shift": f"birth_year is moved by a random -{SHIFT_YEARS} to +{SHIFT_YEARS} years per patient.",
        "keep": "birth_year is the exact year (kept on request).",
    }[birth_year]
    return [
        "De-identified export. Each patient has a random code (D and 8 hex digits); rows are in the order of the "
        "codes, not of the original IDs. The code-to-patient key stays in the source case series, never in this file.",
        "Every date of a patient is moved back by the same random 1 to 364 days, so every interval is kept.",
        "Free text (notes, cause_of_death) is left out.",
        "patients.exclusion_reason is kept only when it is on the controlled list "
        f"({'; '.join(EXCLUSION_REASONS)}); any other reason is written as '{OTHER_REASON}'.",
        "adverse_events.term is kept only when it is a CTCAE v4.03 term (or REILD); "
        f"{other_terms} term(s) that were not are written as '{OTHER_TERM}'.",
        year,
        "reference_ranges are written as they are (they describe centres, not patients).",
    ]


def _new_code(used: set[str]) -> str:
    while True:
        code = "D" + secrets.token_hex(4).upper()
        if code not in used:
            used.add(code)
            return code


def deidentify_data(data: CaseData, birth_year: str = "band"
                    ) -> tuple[CaseData, dict[str, dict[str, Any]], list[str]]:
    """(de-identified copy, {code: {"patient_id", "shift_days"}}, README rules); `data` is not modified."""
    if birth_year not in BIRTH_YEAR_OPTIONS:
        _birth_year(0, birth_year)  # raises, naming the options
    used: set[str] = set()
    codes: dict[str, str] = {}
    shifts: dict[str, int] = {}
    for r in data.get("patients", []):
        codes[r["patient_id"]] = _new_code(used)
        shifts[r["patient_id"]] = 1 + secrets.randbelow(364)
    other_terms = 0
    # Rows go out in code order (random), each patient's rows in their original order: a row's
    # position says nothing about which patient it belongs to.
    order = {code: i for i, code in enumerate(sorted(codes.values()))}
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
            if name == "patients":
                row["birth_year"] = _birth_year(row.get("birth_year"), birth_year)
                row["exclusion_reason"] = controlled_reason(row.get("exclusion_reason"))
            if name == "adverse_events" and not is_controlled_term(row.get("term")):
                row["term"] = OTHER_TERM
                other_terms += 1
            new_rows.append(row)
        new_rows.sort(key=lambda row: order[row["patient_id"]])
        out[name] = new_rows
    for sheet in PATIENT_CHILD_SHEETS:
        out.setdefault(sheet.name, [])
    mapping = {codes[p]: {"patient_id": p, "shift_days": shifts[p]} for p in codes}
    return out, mapping, rules(birth_year, other_terms)


def remember_mapping(store: CaseSeries, workbook: Path, mapping: dict[str, dict[str, Any]]) -> bool:
    """Keep the mapping with the source (a file's `meta` table); False when it cannot be kept
    (a read-only file, a registry)."""
    stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    value = json.dumps({"workbook": workbook.name, "created": stamp, "codes": mapping}, sort_keys=True)
    return store.remember(f"deidentify:{stamp}", value)
