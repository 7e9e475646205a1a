"""Unit conversion factors for lab values, written once.

Each factor converts a value in the given unit into the test's *criteria unit* (the unit the
CTCAE cut-offs are written in, SI): ``value_in_criteria_unit = value * FACTOR[test][unit]``.

Sources:
- Bilirubin 1 mg/dL = 17.1 umol/L and creatinine 1 mg/dL = 88.4 umol/L: the conversions CTCAE's
  reference data quote (project reference ctcae_v4.03_labs.csv, column alt_units), equal to
  10 / molar mass (bilirubin 584.66 g/mol -> 17.10; creatinine 113.12 g/mol -> 88.40), as in the
  AMA Manual of Style SI conversion table.
- Albumin and haemoglobin 1 g/dL = 10 g/L (definition of the units; CTCAE prints 3 g/dL = 30 g/L,
  10.0 g/dL = 100 g/L).
- Haemoglobin 1 mmol/L = 16.1145 g/L (monomer molar mass 16,114.5 g/mol; 1 g/dL = 0.6206 mmol/L).
  Grading does not use it: CTCAE prints its own (rounded) mmol/L cut-offs, which the criteria
  table carries as a separate row (see ctcae module docstring). It serves baselines only.
- Cell counts 1 /mm3 = 1 /uL = 10^-3 x 10^9/L (CTCAE: 75,000/mm3 = 75.0 x 10e9 /L).
"""

from __future__ import annotations

from y90gui.core.codes import UNITS_BY_TEST

#: test -> criteria (SI) unit
CRITERIA_UNIT: dict[str, str] = {
    "alt": "U/L",
    "ast": "U/L",
    "alp": "U/L",
    "ggt": "U/L",
    "bilirubin": "umol/L",
    "creatinine": "umol/L",
    "albumin": "g/L",
    "inr": "ratio",
    "hemoglobin": "g/L",
    "wbc": "10^9/L",
    "lymphocytes": "10^9/L",
    "neutrophils": "10^9/L",
    "platelets": "10^9/L",
    "aptt": "s",
    "sodium": "mmol/L",
    "potassium": "mmol/L",
}

_BILIRUBIN_MG_DL = 17.1
_CREATININE_MG_DL = 88.4
_G_DL = 10.0
_HB_MMOL_L = 16.1145
_PER_MM3 = 1e-3

#: test -> unit -> factor into CRITERIA_UNIT[test]
FACTOR: dict[str, dict[str, float]] = {
    "bilirubin": {"umol/L": 1.0, "mg/dL": _BILIRUBIN_MG_DL},
    "creatinine": {"umol/L": 1.0, "mg/dL": _CREATININE_MG_DL},
    "albumin": {"g/L": 1.0, "g/dL": _G_DL},
    "hemoglobin": {"g/L": 1.0, "g/dL": _G_DL, "mmol/L": _HB_MMOL_L},
    "wbc": {"10^9/L": 1.0, "/mm3": _PER_MM3},
    "lymphocytes": {"10^9/L": 1.0, "/mm3": _PER_MM3},
    "neutrophils": {"10^9/L": 1.0, "/mm3": _PER_MM3},
    "platelets": {"10^9/L": 1.0, "/mm3": _PER_MM3},
}
for _test, _units in UNITS_BY_TEST.items():
    FACTOR.setdefault(_test, {u: 1.0 for u in _units})
FACTOR.setdefault("aptt", {"s": 1.0})
FACTOR.setdefault("sodium", {"mmol/L": 1.0})
FACTOR.setdefault("potassium", {"mmol/L": 1.0})


def factor(test: str, from_unit: str, to_unit: str) -> float:
    """Multiplier taking a `test` value from `from_unit` to `to_unit`; ValueError for foreign units."""
    units = FACTOR.get(test, {})
    if from_unit not in units or to_unit not in units:
        raise ValueError(f"unit {from_unit!r} or {to_unit!r} does not belong to test {test!r}")
    if from_unit == to_unit:
        return 1.0
    return units[from_unit] / units[to_unit]


def convert(test: str, value: float, from_unit: str, to_unit: str) -> float:
    """`value` of `test` in `to_unit`. Division keeps exact decimals exact where the factor is a
    power of ten (800 /mm3 -> 0.8 x 10^9/L), because one correctly rounded operation is done."""
    if from_unit == to_unit:
        return value
    units = FACTOR.get(test, {})
    if from_unit not in units or to_unit not in units:
        raise ValueError(f"unit {from_unit!r} or {to_unit!r} does not belong to test {test!r}")
    a, b = units[from_unit], units[to_unit]
    if a == 1.0:
        return value / b
    if b == 1.0:
        if a < 1.0:
            return value / (1.0 / a)  # /mm3 -> 10^9/L: divide by 1000 exactly
        return value * a
    return value * a / b
