"""Code lists of the case-series workbook format, version 1 (spec/workbook.md).

Kept as plain tuples so the store's CHECK constraints, the importer's validation, the
template's drop-down lists and the GUI editors all read the same list.
"""

from __future__ import annotations

SEX = ("F", "M")
PRIMARY_SITE = ("pancreas", "small_bowel", "lung", "colorectal", "stomach", "unknown", "other")
WHO_GRADE = ("G1", "G2", "G3")
VITAL_STATUS = ("alive", "dead")
RADIOPHARMACEUTICAL = (
    "177Lu-DOTATATE",
    "177Lu-DOTATOC",
    "90Y-DOTATOC",
    "90Y-DOTATATE",
    "131I-MIBG",
    "other",
)
EXTENT = ("whole_liver", "right_lobe", "left_lobe", "segmental")
MICROSPHERES = ("resin", "glass")
DOSIMETRY_METHOD = ("bsa", "partition", "empirical", "other")
RECIST = ("CR", "PR", "SD", "PD", "NE")
NON_TARGET = ("CR", "non-CR/non-PD", "PD", "NE")
CLINICAL_RESPONSE = ("yes", "no", "na")
LAB_TEST = (
    "alt",
    "ast",
    "alp",
    "ggt",
    "bilirubin",
    "albumin",
    "creatinine",
    "inr",
    "hemoglobin",
    "wbc",
    "lymphocytes",
    "neutrophils",
    "platelets",
)
AE_CATEGORY = ("clinical", "complication")
TREATMENT = (
    "prrt",
    "somatostatin_analogue",
    "everolimus",
    "sunitinib",
    "chemotherapy",
    "surgery",
    "liver_directed",
    "other",
)

#: Every unit code the format knows, in its canonical spelling. `µmol/L` is accepted as an
#: alias of `umol/L` on input (see UNIT_ALIASES) and stored canonically.
UNIT = ("U/L", "umol/L", "mg/dL", "g/L", "g/dL", "mmol/L", "10^9/L", "/mm3", "ratio")
UNIT_ALIASES = {"µmol/l": "umol/L", "μmol/l": "umol/L"}

_ENZYME = ("U/L",)
_BILI_CREA = ("umol/L", "mg/dL")
_COUNTS = ("10^9/L", "/mm3")

#: Which units belong to which test; a lab row with another unit is an error.
UNITS_BY_TEST: dict[str, tuple[str, ...]] = {
    "alt": _ENZYME,
    "ast": _ENZYME,
    "alp": _ENZYME,
    "ggt": _ENZYME,
    "bilirubin": _BILI_CREA,
    "creatinine": _BILI_CREA,
    "albumin": ("g/L", "g/dL"),
    "inr": ("ratio",),
    "hemoglobin": ("g/L", "g/dL", "mmol/L"),
    "wbc": _COUNTS,
    "lymphocytes": _COUNTS,
    "neutrophils": _COUNTS,
    "platelets": _COUNTS,
}

YES_WORDS = frozenset({"yes", "y", "true", "1"})
NO_WORDS = frozenset({"no", "n", "false", "0"})

#: The controlled list of reasons to exclude a patient from analysis (`patients.exclusion_reason`).
#: Any other text is allowed in the file, but it is free text: a de-identified export keeps a
#: reason only when it is one of these (case-insensitive) and writes `other` otherwise.
EXCLUSION_REASONS = (
    "inclusion criteria not met",
    "no radioembolization in study period",
    "incomplete data",
    "lost to follow-up",
    "consent withdrawn",
    "duplicate record",
    "other",
)
