"""The fictional centres of the demo cohort and how each reports its labs.

Real case series mix unit systems: Dutch labs report haemoglobin in mmol/L, German and US labs
bilirubin and creatinine in mg/dL, US labs cell counts per mm³, and some centres send their
normal ranges once (a `reference_ranges` row) instead of on every lab row. The demo cohort
has one centre of each kind so that every conversion path of the report is exercised.
"""

from __future__ import annotations

from y90gui.demo.labs import Convention

AURORA = "Fictional Centre Aurora (synthetic demo)"
BOREALIS = "Fictional Centre Borealis (synthetic demo)"
CYGNUS = "Fictional Centre Cygnus (synthetic demo)"
DRACO = "Fictional Centre Draco (synthetic demo)"
ERIDANUS = "Fictional Centre Eridanus (synthetic demo)"

#: Patients per centre (sums to 44).
CENTRE_SIZES = {AURORA: 12, BOREALIS: 9, CYGNUS: 10, DRACO: 7, ERIDANUS: 6}

#: Eridanus reports target-lesion sums but leaves the RECIST category to the app (derived).
MEASUREMENTS_ONLY = frozenset({ERIDANUS})

#: Draco sends these tests without ULN/LLN on the row: its `reference_ranges` rows apply.
REFERENCE_RANGE_TESTS = ("alt", "ast", "alp", "ggt", "bilirubin", "creatinine")

_SI = {
    # test: (unit, uln F, uln M, lln F, lln M)
    "alt": ("U/L", 35.0, 45.0, None, None),
    "ast": ("U/L", 31.0, 35.0, None, None),
    "alp": ("U/L", 98.0, 115.0, 35.0, 40.0),
    "ggt": ("U/L", 38.0, 55.0, None, None),
    "bilirubin": ("umol/L", 17.0, 17.0, None, None),
    "creatinine": ("umol/L", 90.0, 110.0, 50.0, 60.0),
    "albumin": ("g/L", 50.0, 50.0, 35.0, 35.0),
    "inr": ("ratio", 1.2, 1.2, 0.8, 0.8),
    "hemoglobin": ("g/L", 160.0, 175.0, 120.0, 135.0),
    "wbc": ("10^9/L", 10.0, 10.0, 4.0, 4.0),
    "lymphocytes": ("10^9/L", 3.5, 3.5, 1.0, 1.0),
    "neutrophils": ("10^9/L", 7.5, 7.5, 1.8, 1.8),
    "platelets": ("10^9/L", 400.0, 400.0, 150.0, 150.0),
}

_OVERRIDES: dict[str, dict[str, tuple[str, float, float, float | None, float | None]]] = {
    AURORA: {"hemoglobin": ("mmol/L", 10.0, 11.0, 7.5, 8.5)},
    BOREALIS: {
        "hemoglobin": ("g/dL", 16.0, 17.5, 12.0, 13.5),
        "bilirubin": ("mg/dL", 1.2, 1.2, None, None),
        "creatinine": ("mg/dL", 0.95, 1.2, 0.5, 0.7),
    },
    CYGNUS: {
        "hemoglobin": ("g/dL", 15.5, 17.0, 12.0, 13.5),
        "bilirubin": ("mg/dL", 1.2, 1.2, None, None),
        "creatinine": ("mg/dL", 1.0, 1.3, 0.5, 0.7),
        "albumin": ("g/dL", 5.0, 5.0, 3.5, 3.5),
        "wbc": ("/mm3", 10000.0, 10000.0, 4000.0, 4000.0),
        "lymphocytes": ("/mm3", 3500.0, 3500.0, 1000.0, 1000.0),
        "neutrophils": ("/mm3", 7500.0, 7500.0, 1800.0, 1800.0),
        "platelets": ("/mm3", 400000.0, 400000.0, 150000.0, 150000.0),
    },
    DRACO: {
        "alt": ("U/L", 40.0, 40.0, None, None),
        "ast": ("U/L", 40.0, 40.0, None, None),
        "alp": ("U/L", 130.0, 130.0, 40.0, 40.0),
        "ggt": ("U/L", 60.0, 60.0, None, None),
        "bilirubin": ("umol/L", 21.0, 21.0, None, None),
        "creatinine": ("umol/L", 105.0, 105.0, 55.0, 55.0),
    },
}


def conventions(centre: str, sex: str) -> dict[str, Convention]:
    """Unit and normal limits per test for a patient of `sex` at `centre` (used for grading)."""
    table = {**_SI, **_OVERRIDES.get(centre, {})}
    female = sex == "F"
    return {
        test: Convention(unit, uln_f if female else uln_m, lln_f if female else lln_m)
        for test, (unit, uln_f, uln_m, lln_f, lln_m) in table.items()
    }


def limits_on_row(centre: str, test: str) -> bool:
    """False where the centre leaves ULN/LLN off the lab row (its reference range applies)."""
    return not (centre == DRACO and test in REFERENCE_RANGE_TESTS)


def reference_ranges() -> list[dict[str, object]]:
    """Draco's normal ranges, sent once for the tests its lab rows leave without limits."""
    conv = conventions(DRACO, "F")
    return [
        {"center": DRACO, "test": t, "unit": conv[t].unit, "lln": conv[t].lln, "uln": conv[t].uln}
        for t in REFERENCE_RANGE_TESTS
    ]
