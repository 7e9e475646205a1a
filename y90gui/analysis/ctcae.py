"""CTCAE laboratory grading (v4.03), from a criteria table that is data, not code.

The criteria live in ``data/ctcae_v4_03.csv`` (derived from the NCI text via the project's
reference table; sources in the file header). Adding CTCAE v5.0 means adding a second table and
an entry in ``TABLES``; the engine below only knows the table's vocabulary: direction, basis
(xULN, xBaseline, absolute, LLN+absolute, ULN+absolute), one band per grade, evaluated from
grade 4 down, first band that holds wins.

Boundaries are exactly as CTCAE writes them: increasing terms ``>a - b`` mean a < value <= b,
decreasing terms ``<a - b`` mean b <= value < a; a value equal to the ULN/LLN is grade 0. The
thresholds are exact decimals, so comparisons use a relative tolerance of 1e-12 (in effect both
sides rounded to 12 significant digits): 1.8 mg/dL bilirubin with ULN 1.2 is grade 1 although
1.5 * 1.2 == 1.7999999999999998 in binary floating point.

Choices where CTCAE leaves room (documented so reviewers can check them):

- **Not gradable (None)** when a band that must be checked before a match needs a limit that is
  missing: every xULN test without ULN; a decreasing test without LLN whose value is above the
  highest absolute cut-off (it could be grade 0 or 1). Never silently grade 0.
- **Haemoglobin in mmol/L** is graded against the mmol/L cut-offs CTCAE prints (6.2 / 4.9), not
  converted to g/L (8.0 g/dL is 4.96 mmol/L; the printed values are rounded). A Dutch lab's
  4.9 mmol/L is therefore grade 2, as a Dutch reader of CTCAE would grade it. g/dL is converted
  to g/L exactly (x10).
- **Creatinine** has a second, baseline criterion in v4.03 (semicolon = "or"): >1-1.5 x baseline
  G1, >1.5-3.0 x baseline G2, >3.0 x baseline G3; the grade is the higher of the two. Without a
  baseline only the ULN criterion is applied (admiral returns missing instead; we prefer the
  grade the available data supports, and the toxicity module always passes the procedure's
  baseline when there is one). The baseline must be in the value's unit.
- **INR**: the "x baseline" bands apply only to anticoagulated patients; the workbook does not
  record anticoagulation, so INR is graded on the ULN bands only (admiral assumes everyone is
  anticoagulated; CTCAE does not).
- **Hypokalemia** (not a workbook test, kept for completeness): grades 1 and 2 share
  <LLN-3.0 mmol/L and differ only clinically; from a value alone it is grade 1 (v5.0 wording).
- **Grade 4 of anaemia and hypoalbuminaemia, leukocytosis grade 4** are clinical only: never from
  a value. Grade 5 never comes from a value.
- Counts in /mm3 are converted to 10^9/L (divide by 1000), albumin g/dL to g/L (x10); factors in
  ``y90gui.analysis.units``.

Only the standard library is imported at module level; numpy/pandas are imported by the
functions that grade, so the GUI can import this module for its term lists cheaply.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from y90gui.analysis.units import CRITERIA_UNIT, FACTOR

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

VERSION = "4.03"
#: CTCAE version -> criteria table in y90gui/analysis/data
TABLES = {"4.03": "ctcae_v4_03.csv"}
#: Relative tolerance of boundary comparisons (thresholds are exact decimals).
REL_TOL = 1e-12
NOT_DEFINED = ("-", "clinical")


@dataclass(frozen=True)
class Criterion:
    """One row of a criteria table: the bands of one term in one unit (or one basis)."""

    term: str
    test: str
    default: bool
    direction: str  # "increased" | "decreased"
    basis: str  # xULN | xBaseline | absolute | LLN+absolute | ULN+absolute
    unit: str
    bands: tuple[tuple[str, str], ...]  # grade 1..4: (low, high) tokens
    lab_max_grade: int
    texts: tuple[str, ...]


@cache
def criteria(version: str = VERSION) -> tuple[Criterion, ...]:
    """All rows of the criteria table of a CTCAE version."""
    if version not in TABLES:
        raise ValueError(f"unknown CTCAE version {version!r}; known: {', '.join(TABLES)}")
    text = resources.files("y90gui.analysis").joinpath("data", TABLES[version]).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    out = []
    for r in csv.DictReader(io.StringIO("\n".join(lines))):
        out.append(
            Criterion(
                term=r["term"],
                test=r["test"],
                default=r["default"] == "1",
                direction=r["direction"],
                basis=r["basis"],
                unit=r["unit"],
                bands=tuple((r[f"g{k}_low"].strip(), r[f"g{k}_high"].strip()) for k in range(1, 5)),
                lab_max_grade=int(r["lab_max_grade"]),
                texts=tuple(r[f"text_g{k}"] for k in range(1, 5)),
            )
        )
    return tuple(out)


def terms(test: str, version: str = VERSION) -> list[str]:
    """The CTCAE terms a test can be graded under, the default first."""
    rows = [c for c in criteria(version) if c.test == test]
    names: list[str] = []
    for c in sorted(rows, key=lambda c: not c.default):
        if c.term not in names:
            names.append(c.term)
    return names


def default_term(test: str, version: str = VERSION) -> str:
    names = terms(test, version)
    if not names:
        raise ValueError(f"no CTCAE term for lab test {test!r}")
    return names[0]


def _resolve_term(test: str, term: str | None, version: str) -> str:
    if term is None:
        return default_term(test, version)
    for name in terms(test, version):
        if name.lower() == term.strip().lower():
            return name
    raise ValueError(f"CTCAE term {term!r} does not grade test {test!r}; terms: {', '.join(terms(test, version))}")


def _rows_for(test: str, term: str, unit: str, version: str) -> tuple[Criterion, Criterion | None]:
    """(main criterion row for this unit, optional xBaseline row)."""
    rows = [c for c in criteria(version) if c.test == test and c.term == term]
    baseline_row = next((c for c in rows if c.basis == "xBaseline"), None)
    main = [c for c in rows if c.basis != "xBaseline"]
    exact = [c for c in main if c.unit == unit]
    if exact:
        return exact[0], baseline_row
    for c in main:
        if c.basis == "xULN" or c.unit == CRITERIA_UNIT.get(test):
            return c, baseline_row
    return main[0], baseline_row


# ---------------------------------------------------------------------------------- engine


def _gt(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    import numpy as np

    return (a - b) > REL_TOL * np.maximum(np.abs(a), np.abs(b))


def _ge(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
    import numpy as np

    return (a - b) >= -REL_TOL * np.maximum(np.abs(a), np.abs(b))


def _bands(c: Criterion, v: np.ndarray, uln: np.ndarray, lln: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Grade of each value under one criterion row: 0..4, or -1 = not gradable."""
    import numpy as np

    n = len(v)
    res = np.full(n, -2, dtype=np.int8)
    res[np.isnan(v)] = -1
    ref = {"xULN": uln, "xBaseline": base}.get(c.basis)

    def resolve(token: str) -> np.ndarray | None:
        if token == "":
            return None
        if token == "ULN":
            return uln
        if token == "LLN":
            return lln
        number = float(token)
        if ref is not None:
            return number * ref
        return np.full(n, number)

    for k in (4, 3, 2, 1):
        lo_tok, hi_tok = c.bands[k - 1]
        if lo_tok in NOT_DEFINED or hi_tok in NOT_DEFINED:
            continue
        lo, hi = resolve(lo_tok), resolve(hi_tok)
        known = np.ones(n, dtype=bool)
        inband = np.ones(n, dtype=bool)
        increasing = c.direction == "increased"
        if lo is not None:
            known &= ~np.isnan(lo)
            inband &= _gt(v, lo) if increasing else _ge(v, lo)
        if hi is not None:
            known &= ~np.isnan(hi)
            inband &= _ge(hi, v) if increasing else _gt(hi, v)
        open_ = res == -2
        res[open_ & known & inband] = k
        res[open_ & ~known] = -1
    res[res == -2] = 0
    return res


def _grade_group(test: str, unit: str, term: str, version: str, v: np.ndarray, uln: np.ndarray,
                 lln: np.ndarray, base: np.ndarray) -> np.ndarray:
    import numpy as np

    if unit not in FACTOR.get(test, {}):
        raise ValueError(f"unit {unit!r} does not belong to lab test {test!r}")
    main, baseline_row = _rows_for(test, term, unit, version)
    if main.basis not in ("xULN", "xBaseline") and main.unit != unit:
        f = FACTOR[test][unit] / FACTOR[test][main.unit]
        v, uln, lln = v * f, uln * f, lln * f
    grades = _bands(main, v, uln, lln, base)
    if baseline_row is not None:
        usable = ~np.isnan(base) & (base > 0)
        by_base = _bands(baseline_row, v, uln, lln, np.where(usable, base, np.nan))
        by_base[~usable | (by_base < 0)] = 0
        grades = np.where(grades >= 0, np.maximum(grades, by_base), grades).astype(np.int8)
    return grades


def _num(x: Any) -> float:
    return float("nan") if x is None else float(x)


def grade(test: str, value: float | None, unit: str, uln: float | None = None, lln: float | None = None,
          baseline: float | None = None, term: str | None = None, version: str = VERSION) -> int | None:
    """CTCAE grade (0-4) of one lab value, or None when it cannot be graded.

    `test` is the workbook test code and selects its usual term; `term` names another CTCAE term
    of that test ("Lymphocyte count increased", "Leukocytosis"). `uln`, `lln` and `baseline`
    are in `unit`. ValueError for a test, unit or term that does not exist.
    """
    import numpy as np

    name = _resolve_term(test, term, version)
    arr = [np.array([_num(x)]) for x in (value, uln, lln, baseline)]
    g = int(_grade_group(test, unit, name, version, *arr)[0])
    return None if g < 0 else g


def grade_frame(df: pd.DataFrame, version: str = VERSION) -> np.ndarray:
    """Vectorised `grade` for a frame with columns test, value, unit, uln, lln[, baseline][, term].

    Returns int8 grades with -1 for not gradable, aligned with the frame's rows.
    """
    import numpy as np

    n = len(df)
    out = np.full(n, -1, dtype=np.int8)
    if n == 0:
        return out
    keys = ["test", "unit"] + (["term"] if "term" in df.columns else [])
    v = df["value"].to_numpy(dtype=float, na_value=np.nan)
    uln = df["uln"].to_numpy(dtype=float, na_value=np.nan)
    lln = df["lln"].to_numpy(dtype=float, na_value=np.nan)
    base = (df["baseline"].to_numpy(dtype=float, na_value=np.nan) if "baseline" in df.columns
            else np.full(n, np.nan))
    for key, idx in df.groupby(keys, sort=False, dropna=False).indices.items():
        test, unit = key[0], key[1]
        term = key[2] if len(key) > 2 and isinstance(key[2], str) else None
        name = _resolve_term(test, term, version)
        out[idx] = _grade_group(test, unit, name, version, v[idx], uln[idx], lln[idx], base[idx])
    return out


def grade_codes(tests: Sequence[str], units: Sequence[str], test_codes: np.ndarray, unit_codes: np.ndarray,
                value: np.ndarray, uln: np.ndarray, lln: np.ndarray, baseline: np.ndarray | None = None,
                version: str = VERSION) -> np.ndarray:
    """`grade_frame` for callers that hold integer codes (`tests[test_codes[i]]`,
    `units[unit_codes[i]]`): no string work per row. Default terms; -1 = not gradable or no code."""
    import numpy as np

    n = len(value)
    out = np.full(n, -1, dtype=np.int8)
    if n == 0:
        return out
    base = np.full(n, np.nan) if baseline is None else baseline
    key = test_codes.astype(np.int64) * (len(units) + 1) + unit_codes.astype(np.int64)
    valid = (test_codes >= 0) & (unit_codes >= 0)
    present_keys = np.nonzero(np.bincount(key[valid]))[0] if valid.any() else np.empty(0, dtype=np.intp)
    for k in present_keys:
        idx = np.nonzero(key == k)[0]
        test, unit = tests[int(k) // (len(units) + 1)], units[int(k) % (len(units) + 1)]
        out[idx] = _grade_group(test, unit, default_term(test, version), version, value[idx], uln[idx], lln[idx],
                                base[idx])
    return out
