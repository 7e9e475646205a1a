"""CTCAE v4.03 lab grading: every boundary of every workbook test, on both sides.

Expectations are written out by hand from the CTCAE text (not read from the package's table),
so a wrong row in the table fails here.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from y90gui.analysis import ctcae
from y90gui.analysis.ctcae import grade

# (test, value, unit, uln, lln, expected)
ULN_MULTIPLE_CASES = []
for _test, _cuts in {
    "alt": (3.0, 5.0, 20.0),
    "ast": (3.0, 5.0, 20.0),
    "alp": (2.5, 5.0, 20.0),
    "ggt": (2.5, 5.0, 20.0),
}.items():
    _uln = 40.0
    ULN_MULTIPLE_CASES += [
        (_test, 40.0, "U/L", _uln, None, 0),  # = ULN -> 0
        (_test, 40.01, "U/L", _uln, None, 1),
        (_test, _cuts[0] * _uln, "U/L", _uln, None, 1),  # upper bound inclusive
        (_test, _cuts[0] * _uln + 0.01, "U/L", _uln, None, 2),
        (_test, _cuts[1] * _uln, "U/L", _uln, None, 2),
        (_test, _cuts[1] * _uln + 0.01, "U/L", _uln, None, 3),
        (_test, _cuts[2] * _uln, "U/L", _uln, None, 3),
        (_test, _cuts[2] * _uln + 0.01, "U/L", _uln, None, 4),
        (_test, 0.0, "U/L", _uln, None, 0),
    ]


@pytest.mark.parametrize(("test", "value", "unit", "uln", "lln", "expected"), ULN_MULTIPLE_CASES)
def test_liver_enzymes(test, value, unit, uln, lln, expected):
    assert grade(test, value, unit, uln=uln, lln=lln) == expected


@pytest.mark.parametrize(
    ("value", "unit", "uln", "expected"),
    [
        (1.2, "mg/dL", 1.2, 0),
        (1.21, "mg/dL", 1.2, 1),
        (1.8, "mg/dL", 1.2, 1),  # 1.5 x 1.2 = 1.7999999999999998 in binary: still grade 1
        (1.81, "mg/dL", 1.2, 2),
        (3.6, "mg/dL", 1.2, 2),
        (3.61, "mg/dL", 1.2, 3),
        (12.0, "mg/dL", 1.2, 3),
        (12.01, "mg/dL", 1.2, 4),
        (21.0, "umol/L", 21.0, 0),
        (31.5, "umol/L", 21.0, 1),
        (31.6, "umol/L", 21.0, 2),
        (63.0, "umol/L", 21.0, 2),
        (63.1, "umol/L", 21.0, 3),
        (210.0, "umol/L", 21.0, 3),
        (210.1, "umol/L", 21.0, 4),
        (0.7, "mg/dL", 0.7 * 3, 0),
    ],
)
def test_bilirubin(value, unit, uln, expected):
    assert grade("bilirubin", value, unit, uln=uln) == expected


def test_exact_decimal_products():
    # products that are inexact in binary at every cut-off of the ULN-multiple tests
    for uln in (1.1, 1.2, 0.7, 0.3, 17.1, 34.2, 1.3):
        for m, g_at, test in ((1.5, 1, "bilirubin"), (3.0, 2, "bilirubin"), (10.0, 3, "bilirubin"),
                              (2.5, 1, "alp"), (3.0, 1, "alt"), (1.5, 1, "inr"), (2.5, 2, "inr"),
                              (1.5, 1, "creatinine"), (3.0, 2, "creatinine"), (6.0, 3, "creatinine")):
            unit = {"alp": "U/L", "alt": "U/L", "inr": "ratio"}.get(test, "umol/L")
            value = float(f"{m * uln:.10g}")  # the decimal the lab prints
            assert grade(test, value, unit, uln=uln) == g_at, (test, uln, m)
            assert grade(test, value * (1 + 1e-9), unit, uln=uln) == g_at + 1, (test, uln, m)


@pytest.mark.parametrize(
    ("value", "unit", "lln", "expected"),
    [
        (35.0, "g/L", 35.0, 0),  # = LLN -> 0
        (34.9, "g/L", 35.0, 1),
        (30.0, "g/L", 35.0, 1),  # lower bound inclusive
        (29.9, "g/L", 35.0, 2),
        (20.0, "g/L", 35.0, 2),
        (19.9, "g/L", 35.0, 3),
        (0.0, "g/L", 35.0, 3),  # grade 4 is clinical only
        (3.0, "g/dL", 3.5, 1),
        (2.99, "g/dL", 3.5, 2),
        (2.0, "g/dL", 3.5, 2),
        (1.99, "g/dL", 3.5, 3),
        (3.4, "g/dL", 3.5, 1),
        (3.5, "g/dL", 3.5, 0),
        (25.0, "g/L", None, 2),  # below the absolute cut-off: gradable without LLN
        (31.0, "g/L", None, None),  # could be 0 or 1
    ],
)
def test_hypoalbuminemia(value, unit, lln, expected):
    assert grade("albumin", value, unit, lln=lln) == expected


@pytest.mark.parametrize(
    ("value", "uln", "baseline", "expected"),
    [
        (100.0, 100.0, None, 0),
        (100.1, 100.0, None, 1),
        (150.0, 100.0, None, 1),
        (150.1, 100.0, None, 2),
        (300.0, 100.0, None, 2),
        (300.1, 100.0, None, 3),
        (600.0, 100.0, None, 3),
        (600.1, 100.0, None, 4),
        # baseline criterion (semicolon = or): >1 - 1.5 x baseline G1, >1.5 - 3 G2, >3 G3
        (60.0, 100.0, 60.0, 0),
        (60.1, 100.0, 60.0, 1),
        (90.0, 100.0, 60.0, 1),
        (90.1, 100.0, 60.0, 2),
        (180.0, 100.0, 60.0, 2),  # ULN: 1.8x -> 2; baseline: 3.0x -> 2
        (180.1, 100.0, 60.0, 3),  # baseline >3.0x -> 3
        (240.0, 100.0, 30.0, 3),  # ULN 2.4x -> 2, baseline 8x -> 3
        (700.0, 100.0, 30.0, 4),  # ULN >6 -> 4
        (80.0, None, 60.0, None),  # ULN criterion unknown
    ],
)
def test_creatinine(value, uln, baseline, expected):
    assert grade("creatinine", value, "umol/L", uln=uln, baseline=baseline) == expected


def test_creatinine_mg_dl():
    assert grade("creatinine", 1.65, "mg/dL", uln=1.1) == 1
    assert grade("creatinine", 1.66, "mg/dL", uln=1.1) == 2
    assert grade("creatinine", 1.0, "mg/dL", uln=1.1, baseline=0.6) == 2


@pytest.mark.parametrize(
    ("value", "uln", "expected"),
    [(1.1, 1.1, 0), (1.11, 1.1, 1), (1.65, 1.1, 1), (1.66, 1.1, 2), (2.75, 1.1, 2), (2.76, 1.1, 3),
     (9.0, 1.1, 3), (1.3, None, None)],
)
def test_inr(value, uln, expected):
    assert grade("inr", value, "ratio", uln=uln) == expected


@pytest.mark.parametrize(
    ("value", "unit", "lln", "expected"),
    [
        (120.0, "g/L", 120.0, 0),
        (119.0, "g/L", 120.0, 1),
        (100.0, "g/L", 120.0, 1),
        (99.9, "g/L", 120.0, 2),
        (80.0, "g/L", 120.0, 2),
        (79.9, "g/L", 120.0, 3),
        (30.0, "g/L", 120.0, 3),  # grade 4 clinical only
        (10.0, "g/dL", 12.0, 1),
        (9.99, "g/dL", 12.0, 2),
        (8.0, "g/dL", 12.0, 2),
        (7.9, "g/dL", 12.0, 3),
        (7.5, "mmol/L", 7.5, 0),
        (7.4, "mmol/L", 7.5, 1),
        (6.2, "mmol/L", 7.5, 1),  # printed mmol/L cut-offs, not converted
        (6.1, "mmol/L", 7.5, 2),
        (4.9, "mmol/L", 7.5, 2),  # 4.9 mmol/L = 7.9 g/dL, but CTCAE prints <4.9 for G3
        (4.8, "mmol/L", 7.5, 3),
        (95.0, "g/L", None, 2),
        (105.0, "g/L", None, None),
    ],
)
def test_anemia(value, unit, lln, expected):
    assert grade("hemoglobin", value, unit, lln=lln) == expected


COUNT_CASES = {
    # test: (cuts g1/g2, g2/g3, g3/g4) in 10^9/L, lln
    "wbc": ((3.0, 2.0, 1.0), 4.0),
    "lymphocytes": ((0.8, 0.5, 0.2), 1.0),
    "neutrophils": ((1.5, 1.0, 0.5), 2.0),
    "platelets": ((75.0, 50.0, 25.0), 150.0),
}


@pytest.mark.parametrize("test", list(COUNT_CASES))
def test_counts_decreased(test):
    (c1, c2, c3), lln = COUNT_CASES[test]
    eps = 0.01
    expect = [
        (lln + 1, 0), (lln, 0), (lln - eps, 1), (c1, 1), (c1 - eps, 2), (c2, 2), (c2 - eps, 3),
        (c3, 3), (c3 - eps, 4), (0.0, 4),
    ]
    for value, g in expect:
        assert grade(test, value, "10^9/L", lln=lln) == g, (test, value)
        assert grade(test, round(value * 1000, 6), "/mm3", lln=lln * 1000) == g, (test, value, "/mm3")


def test_counts_lln_around_cutoffs():
    assert grade("neutrophils", 1.49, "10^9/L", lln=1.5) == 2  # empty grade 1 band
    assert grade("neutrophils", 1.5, "10^9/L", lln=1.5) == 0
    assert grade("lymphocytes", 0.75, "10^9/L", lln=0.7) == 2  # above LLN, inside an absolute band
    assert grade("lymphocytes", 0.7, "10^9/L", lln=0.7) == 2
    assert grade("lymphocytes", 0.45, "10^9/L", lln=None) == 3
    assert grade("lymphocytes", 0.9, "10^9/L", lln=None) is None
    assert grade("platelets", 300.0, "10^9/L", lln=150.0) == 0  # high values are 0 under "decreased"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4.0, 0), (4.01, 2), (20.0, 2), (20.01, 3), (2.0, 0), (1.0, 0)],
)
def test_lymphocyte_count_increased(value, expected):
    assert grade("lymphocytes", value, "10^9/L", uln=3.5, term="Lymphocyte count increased") == expected


@pytest.mark.parametrize(("value", "expected"), [(100.0, 0), (100.01, 3), (100000.0, 0), (100001.0, 3)])
def test_leukocytosis(value, expected):
    unit = "/mm3" if value > 1000 else "10^9/L"
    assert grade("wbc", value, unit, term="leukocytosis") == expected


def test_uln_based_without_uln_is_not_gradable():
    for test, unit in (("alt", "U/L"), ("ast", "U/L"), ("alp", "U/L"), ("ggt", "U/L"), ("bilirubin", "umol/L"),
                       ("creatinine", "umol/L"), ("inr", "ratio")):
        assert grade(test, 1.0, unit) is None
    assert grade("alt", None, "U/L", uln=40) is None


def test_other_terms_in_table():
    assert grade("sodium", 129.0, "mmol/L", lln=135.0, term="Hyponatremia") == 3  # no grade 2 in v4.03
    assert grade("sodium", 130.0, "mmol/L", lln=135.0, term="Hyponatremia") == 1
    assert grade("potassium", 2.9, "mmol/L", lln=3.5, term="Hypokalemia") == 3
    assert grade("potassium", 3.2, "mmol/L", lln=3.5, term="Hypokalemia") == 1  # lab-only reading
    assert grade("potassium", 7.0, "mmol/L", uln=5.0, term="Hyperkalemia") == 3
    assert grade("potassium", 7.01, "mmol/L", uln=5.0, term="Hyperkalemia") == 4


def test_bad_input_raises():
    with pytest.raises(ValueError, match="unit"):
        grade("alt", 1.0, "g/L", uln=40)
    with pytest.raises(ValueError, match="term"):
        grade("alt", 1.0, "U/L", uln=40, term="Anemia")
    with pytest.raises(ValueError, match="version"):
        grade("alt", 1.0, "U/L", uln=40, version="9.9")


def test_default_terms():
    assert ctcae.default_term("lymphocytes") == "Lymphocyte count decreased"
    assert ctcae.default_term("wbc") == "White blood cell decreased"
    assert ctcae.default_term("hemoglobin") == "Anemia"
    assert ctcae.terms("lymphocytes") == ["Lymphocyte count decreased", "Lymphocyte count increased"]


def test_vectorised_equals_scalar():
    rng = np.random.default_rng(7)
    rows = []
    specs = [("alt", "U/L", 40, None), ("bilirubin", "mg/dL", 1.2, None), ("bilirubin", "umol/L", 21, None),
             ("albumin", "g/L", None, 35), ("albumin", "g/dL", None, 3.5), ("creatinine", "umol/L", 100, None),
             ("inr", "ratio", 1.1, None), ("hemoglobin", "g/L", None, 120), ("hemoglobin", "mmol/L", None, 7.5),
             ("wbc", "10^9/L", None, 4), ("lymphocytes", "/mm3", None, 1000), ("platelets", "10^9/L", None, None),
             ("neutrophils", "10^9/L", None, 2)]
    for _ in range(3000):
        test, unit, uln, lln = specs[rng.integers(len(specs))]
        scale = uln or lln or 100
        value = float(np.round(rng.uniform(0, 12) * scale / 4, 2))
        base = float(np.round(rng.uniform(0.5, 1.5) * scale, 1)) if test == "creatinine" and rng.random() < .5 else None
        rows.append({"test": test, "unit": unit, "value": value, "uln": uln, "lln": lln, "baseline": base})
    df = pd.DataFrame(rows)
    got = ctcae.grade_frame(df)
    for r, g in zip(rows, got):
        s = grade(r["test"], r["value"], r["unit"], uln=r["uln"], lln=r["lln"], baseline=r["baseline"])
        assert (-1 if s is None else s) == g, r


def test_import_is_light():
    code = ("import sys, y90gui.analysis.ctcae as c; "
            "bad = [m for m in ('pandas', 'lifelines', 'matplotlib', 'openpyxl', 'PySide6') if m in sys.modules]; "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_grade_codes_equals_grade_frame():
    from y90gui.core.codes import LAB_TEST, UNIT, UNITS_BY_TEST

    rng = np.random.default_rng(11)
    rows = []
    for _ in range(2000):
        test = LAB_TEST[rng.integers(len(LAB_TEST))]
        unit = UNITS_BY_TEST[test][rng.integers(len(UNITS_BY_TEST[test]))]
        ref = float(rng.choice([1.0, 4.0, 40.0, 120.0, 150.0]))
        rows.append({"test": test, "unit": unit, "value": float(np.round(rng.uniform(0, 3) * ref, 2)),
                     "uln": ref if rng.random() < .8 else None, "lln": ref / 2 if rng.random() < .8 else None,
                     "baseline": ref / 1.5 if rng.random() < .5 else None})
    df = pd.DataFrame(rows)
    codes = ctcae.grade_codes(LAB_TEST, UNIT, np.array([LAB_TEST.index(t) for t in df["test"]]),
                              np.array([UNIT.index(u) for u in df["unit"]]), df["value"].to_numpy(float),
                              df["uln"].to_numpy(float), df["lln"].to_numpy(float), df["baseline"].to_numpy(float))
    assert (codes == ctcae.grade_frame(df)).all()


_MONO = [("alt", "U/L", True), ("bilirubin", "umol/L", True), ("creatinine", "umol/L", True), ("inr", "ratio", True),
         ("albumin", "g/L", False), ("hemoglobin", "g/L", False), ("hemoglobin", "mmol/L", False),
         ("lymphocytes", "10^9/L", False), ("platelets", "/mm3", False), ("wbc", "10^9/L", False)]


@settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(_MONO), a=st.floats(0, 1000), b=st.floats(0, 1000),
       limit=st.floats(0.1, 500))
def test_grade_is_monotonic_in_the_value(spec, a, b, limit):
    test, unit, increasing = spec
    lo, hi = min(a, b), max(a, b)
    kw = {"uln": limit} if increasing else {"lln": limit}
    g_lo, g_hi = grade(test, lo, unit, **kw), grade(test, hi, unit, **kw)
    if g_lo is not None and g_hi is not None:
        assert (g_lo <= g_hi) if increasing else (g_lo >= g_hi)
    if increasing:
        assert g_lo is not None and g_hi is not None  # ULN given: always gradable
