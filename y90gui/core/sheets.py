"""The sheets and columns of the case-series format, as data.

One description serves four readers: the SQLite schema (`store.schema`), the workbook
importer and exporter (`io`), the template's README sheet and the GUI editors. Changing a
column here changes all of them together, which is the point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from y90gui.core import codes

ColumnType = Literal["text", "date", "number", "integer", "yesno", "code"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = False
    codes: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    #: True when `minimum` itself is not allowed (activities must be > 0).
    exclusive_minimum: bool = False
    unit: str = ""
    help: str = ""

    def describe_range(self) -> str:
        if self.minimum is None and self.maximum is None:
            return ""
        low = "" if self.minimum is None else f"{'>' if self.exclusive_minimum else '≥'} {self.minimum:g}"
        high = "" if self.maximum is None else f"≤ {self.maximum:g}"
        return " and ".join(part for part in (low, high) if part)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    #: Natural key within a patient (besides patient_id); empty when rows have none.
    key: tuple[str, ...] = ()
    help: str = ""
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _pid() -> Column:
    return Column("patient_id", "text", required=True, help="pseudonymous study ID")


PATIENTS = Sheet(
    "patients",
    (
        Column("patient_id", "text", required=True, help="pseudonymous study ID, unique in the workbook"),
        Column("center", "text", required=True, help="treating centre"),
        Column("sex", "code", codes=codes.SEX),
        Column("birth_year", "integer", minimum=1900, help="1900 to this year"),
        Column("primary_site", "code", codes=codes.PRIMARY_SITE),
        Column("who_grade", "code", codes=codes.WHO_GRADE),
        Column("ki67_pct", "number", minimum=0, maximum=100, unit="%"),
        Column("diagnosis_date", "date"),
        Column(
            "functional_syndrome",
            "yesno",
            help="hormonal symptoms at the first radioembolization (symptomatic for clinical response)",
        ),
        Column("extrahepatic_disease", "yesno", help="at the first radioembolization"),
        Column("hepatic_tumour_burden_pct", "number", minimum=0, maximum=100, unit="%"),
        Column("vital_status", "code", required=True, codes=codes.VITAL_STATUS),
        Column(
            "followup_date",
            "date",
            required=True,
            help="date of death when dead, else the date last known alive",
        ),
        Column("cause_of_death", "text"),
        Column("notes", "text"),
        # Format extension (docs/FORMAT-EXTENSIONS.md): optional, empty = not excluded, so a
        # workbook without these columns imports as before. `analysis.inclusion` applies them.
        Column(
            "excluded_from_analysis",
            "yesno",
            help="yes: kept in the file but left out of every analysis (empty = no)",
        ),
        Column(
            "exclusion_reason",
            "text",
            help="why excluded; one of: " + "; ".join(codes.EXCLUSION_REASONS) + " (other text is free text)",
        ),
    ),
    help="one row per patient",
)

PRRT = Sheet(
    "prrt",
    (
        _pid(),
        Column("cycle", "integer", required=True, minimum=1, help="1, 2, …; unique per patient"),
        Column("date", "date", required=True, help="date of administration"),
        Column("radiopharmaceutical", "code", required=True, codes=codes.RADIOPHARMACEUTICAL),
        Column("activity_gbq", "number", minimum=0, maximum=15, exclusive_minimum=True, unit="GBq"),
    ),
    key=("cycle",),
    help="one row per PRRT cycle",
)

RADIOEMBOLIZATION = Sheet(
    "radioembolization",
    (
        _pid(),
        Column("procedure", "integer", required=True, minimum=1, help="1, 2, …; unique per patient"),
        Column("date", "date", required=True),
        Column(
            "extent",
            "code",
            required=True,
            codes=codes.EXTENT,
            help="whole_liver = both lobes in one session",
        ),
        Column("microspheres", "code", codes=codes.MICROSPHERES),
        Column("activity_planned_gbq", "number", minimum=0, maximum=10, exclusive_minimum=True, unit="GBq"),
        Column(
            "activity_administered_gbq", "number", minimum=0, maximum=10, exclusive_minimum=True, unit="GBq"
        ),
        Column("dosimetry_method", "code", codes=codes.DOSIMETRY_METHOD),
        Column("lung_shunt_pct", "number", minimum=0, maximum=100, unit="%"),
        Column("notes", "text"),
    ),
    key=("procedure",),
    help="one row per radioembolization procedure",
)

RESPONSE = Sheet(
    "response",
    (
        _pid(),
        Column("date", "date", required=True),
        Column("recist", "code", codes=codes.RECIST, help="RECIST 1.1 overall response"),
        Column(
            "target_sum_mm",
            "number",
            minimum=0,
            unit="mm",
            help="sum of target-lesion diameters; on or before the first RE = baseline",
        ),
        Column("new_lesions", "yesno"),
        Column("non_target", "code", codes=codes.NON_TARGET, help="non-target lesions"),
        Column(
            "clinical_response", "code", codes=codes.CLINICAL_RESPONSE, help="improvement of the hormonal syndrome"
        ),
    ),
    help="one row per imaging / clinical assessment",
)

LABS = Sheet(
    "labs",
    (
        _pid(),
        Column("date", "date", required=True),
        Column("test", "code", required=True, codes=codes.LAB_TEST),
        Column("value", "number", required=True, minimum=0),
        Column(
            "unit",
            "code",
            required=True,
            codes=codes.UNIT,
            help="must belong to the test (enzymes U/L; bilirubin, creatinine umol/L or mg/dL; …)",
        ),
        Column("uln", "number", minimum=0, help="upper limit of normal, in the row's unit"),
        Column("lln", "number", minimum=0, help="lower limit of normal, in the row's unit"),
    ),
    help="one row per laboratory value",
)

ADVERSE_EVENTS = Sheet(
    "adverse_events",
    (
        _pid(),
        Column("procedure", "integer", minimum=1, help="the radioembolization it follows"),
        Column("onset_date", "date", required=True),
        Column("term", "text", required=True, help="CTCAE term, e.g. fatigue, abdominal pain, REILD"),
        Column("category", "code", required=True, codes=codes.AE_CATEGORY),
        Column("grade", "integer", required=True, minimum=1, maximum=5, help="CTCAE grade 1–5 (5 = death)"),
        Column("notes", "text"),
    ),
    help="one row per adverse event",
)

TREATMENTS_AFTER = Sheet(
    "treatments_after",
    (
        _pid(),
        Column("start_date", "date", required=True),
        Column("treatment", "code", required=True, codes=codes.TREATMENT),
        Column("notes", "text"),
    ),
    help="treatments after radioembolization",
)

REFERENCE_RANGES = Sheet(
    "reference_ranges",
    (
        Column("center", "text", required=True),
        Column("test", "code", required=True, codes=codes.LAB_TEST),
        Column("unit", "code", required=True, codes=codes.UNIT),
        Column("lln", "number", minimum=0),
        Column("uln", "number", minimum=0),
    ),
    key=("center", "test", "unit"),
    help="optional default normal ranges per centre",
)

#: In workbook order; every sheet but reference_ranges belongs to a patient.
SHEETS: tuple[Sheet, ...] = (
    PATIENTS,
    PRRT,
    RADIOEMBOLIZATION,
    RESPONSE,
    LABS,
    ADVERSE_EVENTS,
    TREATMENTS_AFTER,
    REFERENCE_RANGES,
)
SHEET_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}
PATIENT_CHILD_SHEETS: tuple[Sheet, ...] = SHEETS[1:7]
FREE_TEXT_COLUMNS = frozenset({"notes", "cause_of_death"})

#: What editors and dialogs call a column (its name is the workbook header and the database
#: column); a column not listed is shown as its name in words ("start_date" -> "Start date").
COLUMN_LABELS: dict[str, str] = {
    "patient_id": "Patient ID", "center": "Centre", "sex": "Sex", "birth_year": "Year of birth",
    "primary_site": "Primary tumour site", "who_grade": "WHO grade", "ki67_pct": "Ki-67 index",
    "diagnosis_date": "Date of diagnosis", "functional_syndrome": "Functional syndrome",
    "extrahepatic_disease": "Extrahepatic disease", "hepatic_tumour_burden_pct": "Hepatic tumour burden",
    "vital_status": "Vital status", "followup_date": "Last follow-up", "cause_of_death": "Cause of death",
    "notes": "Notes", "activity_gbq": "Activity", "lung_shunt_pct": "Lung shunt fraction",
    "activity_planned_gbq": "Planned activity", "activity_administered_gbq": "Administered activity",
    "target_sum_mm": "Sum of target lesions", "recist": "RECIST 1.1", "uln": "Upper limit of normal (ULN)",
    "lln": "Lower limit of normal (LLN)", "onset_date": "Onset date",
}


def column_label(name: str) -> str:
    """The words for column `name` (`COLUMN_LABELS`, else the name with spaces)."""
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def unit_label(label: str, unit: str) -> str:
    """`label` with its unit as the editor and the Cox page show it: 'Ki-67 index [%]'."""
    return label + (f" [{unit}]" if unit else "")


def field_label(column: Column) -> str:
    """A column's words with its unit (the patient editor's row names, the Cox covariates)."""
    return unit_label(column_label(column.name), column.unit)
