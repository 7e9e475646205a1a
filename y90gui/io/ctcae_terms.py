"""The controlled list of adverse-event terms: every CTCAE v4.03 term (`data/ctcae_v4_03_terms.csv`).

A de-identified export keeps `adverse_events.term` only when it is on this list: a free-text
term is where a name, a record number or a date slips through ("Jane Roe (MRN 123456) seen
2017-03-09"). Matching ignores case, spacing and British spelling (diarrhoea, oedema,
haemorrhage), and the study's own name for radioembolization-induced liver disease (REILD,
spec/workbook.md) is accepted with it.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

#: Terms of this study that CTCAE has no entry for (spec/workbook.md names REILD).
STUDY_TERMS = ("REILD", "radioembolization-induced liver disease", "radioembolisation-induced liver disease")
_SPACES = re.compile(r"\s+")


def _key(term: str) -> str:
    text = _SPACES.sub(" ", term.strip().lower())
    return text.replace("oe", "e").replace("ae", "e")  # oedema -> edema, haemorrhage -> hemorrhage


@cache
def _controlled() -> frozenset[str]:
    return frozenset(_key(t) for t in terms())


@cache
def terms() -> tuple[str, ...]:
    """Every CTCAE v4.03 term as written there, and the study's own terms (the add-AE completer)."""
    text = resources.files("y90gui.io").joinpath("data/ctcae_v4_03_terms.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(sorted({r["term"] for r in rows} | set(STUDY_TERMS), key=str.lower))


def is_controlled_term(term: str | None) -> bool:
    """Whether `term` is a CTCAE v4.03 term (or a study term), whatever its case and spelling."""
    return bool(term) and _key(str(term)) in _controlled()


def term_count() -> int:
    return len(_controlled())
