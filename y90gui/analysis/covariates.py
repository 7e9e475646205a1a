"""The covariates a Cox model can use, one value per treated patient (spec/analysis.md).

Patient fields of the workbook, and values derived from the other sheets. A code or yes/no
field is a factor whose reference is its first level in the format's order (`core.codes`); for
yes/no that is `no` (absence as reference, as R orders "no" < "yes" and FALSE < TRUE); numbers
enter linearly. Derived values (docs/FORMAT-EXTENSIONS.md):

- `age`: calendar year of the first radioembolization - `birth_year` (the workbook keeps only
  the year of birth);
- `extent_first`: `extent` of the first radioembolization;
- `prrt_cycles`, `prrt_gbq`, `prrt_to_re_days`: PRRT cycles before the first radioembolization
  (the report's prior-PRRT rule, `prior_prrt.prrt_before_first_re`): their number (0 without PRRT),
  their summed activity (0 without PRRT; missing when a cycle's activity is missing) and the days
  from the last of them to the first RE (missing without PRRT);
- `response_3m`: `responder` (CR, PR) / `non_responder` (SD, PD) at the 3-month assessment
  (`recist.three_month_frame`); NE and not assessed are missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from y90gui.core import codes

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.analysis.frames import Frames

YES_NO = ("no", "yes")


@dataclass(frozen=True)
class Covariate:
    """A covariate's kind: a factor with its levels (the first is the reference), or a number."""

    name: str
    levels: tuple[str, ...] | None  # None: a number, linear
    help: str
    #: the words shown for a derived covariate (a patient field's are `core.sheets.column_label`'s)
    label: str = ""
    unit: str = ""

    @property
    def is_factor(self) -> bool:
        return self.levels is not None


COVARIATES: dict[str, Covariate] = {c.name: c for c in (
    Covariate("sex", codes.SEX, "sex"),
    Covariate("primary_site", codes.PRIMARY_SITE, "primary tumour site"),
    Covariate("who_grade", codes.WHO_GRADE, "WHO grade"),
    Covariate("ki67_pct", None, "Ki-67 (%)"),
    Covariate("functional_syndrome", YES_NO, "functional syndrome"),
    Covariate("extrahepatic_disease", YES_NO, "extrahepatic disease"),
    Covariate("hepatic_tumour_burden_pct", None, "hepatic tumour burden (%)"),
    Covariate("age", None, "age at first RE (years)", "Age at first RE", "years"),
    Covariate("extent_first", codes.EXTENT, "extent of the first RE", "Extent of the first RE"),
    Covariate("prrt_cycles", None, "PRRT cycles before the first RE", "PRRT cycles before the first RE"),
    Covariate("prrt_gbq", None, "cumulative PRRT activity before the first RE (GBq)",
              "PRRT activity before the first RE", "GBq"),
    Covariate("prrt_to_re_days", None, "days from the last PRRT cycle to the first RE",
              "Last PRRT to first RE", "days"),
    Covariate("response_3m", ("responder", "non_responder"), "RECIST 1.1 response at 3 months",
              "RECIST 1.1 response at 3 months"),
)}


def covariate_label(name: str) -> str:
    """How covariate `name` is named wherever it is shown (Cox page, forest plot on screen and in
    a file, `analyse cox` text): a patient field as the patient editor names it
    (`core.sheets.column_label`, with its unit in brackets), a derived one by its own words. The
    JSON keeps the spec's names; an unknown name is shown as it is."""
    from y90gui.core.sheets import PATIENTS, field_label, unit_label

    cov = COVARIATES.get(name)
    if cov is None:
        return name
    if cov.label:
        return unit_label(cov.label, cov.unit)
    return field_label(PATIENTS.by_name[name])


def covariate_frame(fr: Frames, names: list[str], pats: pd.DataFrame) -> pd.DataFrame:
    """One row per patient of `pats` (`report.treated(fr)[0]`), one column per name: factor
    levels as text (None = missing), numbers as float (NaN = missing)."""
    import numpy as np
    import pandas as pd

    from y90gui.analysis import landmark, recist
    from y90gui.analysis.prior_prrt import prrt_before_first_re
    from y90gui.analysis.report import treated

    ids = pats["patient_id"]
    first = pats.set_index("patient_id")["first_re"]
    out = pd.DataFrame(index=pats.index)
    prior = None
    for name in names:
        if name in ("sex", "primary_site", "who_grade"):
            out[name] = pats[name].where(pats[name].notna(), None)
        elif name in ("functional_syndrome", "extrahepatic_disease"):
            v = pats[name].to_numpy(dtype=float)
            out[name] = np.array([None if x != x else ("yes" if x > 0 else "no") for x in v], dtype=object)
        elif name in ("ki67_pct", "hepatic_tumour_burden_pct"):
            out[name] = pats[name].to_numpy(dtype=float)
        elif name == "age":
            year = pd.to_datetime(pats["first_re"], unit="D").dt.year.to_numpy(dtype=float)
            out[name] = year - pats["birth_year"].to_numpy(dtype=float)
        elif name == "extent_first":
            procs = treated(fr)[1]
            extent = procs.groupby("patient_id", sort=False).head(1).set_index("patient_id")["extent"]
            out[name] = ids.map(extent).to_numpy(dtype=object)
        elif name in ("prrt_cycles", "prrt_gbq", "prrt_to_re_days"):
            if prior is None:
                prior = prrt_before_first_re(fr, first).groupby("patient_id")
            if name == "prrt_cycles":
                out[name] = ids.map(prior.size()).fillna(0).to_numpy(dtype=float)
            elif name == "prrt_gbq":
                total = prior["activity_gbq"].sum(min_count=1).where(
                    prior["activity_gbq"].count() == prior.size())
                out[name] = np.where(ids.isin(total.index), ids.map(total).to_numpy(dtype=float), 0.0)
            else:
                last = prior["date"].max()
                out[name] = (ids.map(first) - ids.map(last)).to_numpy(dtype=float)
        elif name == "response_3m":
            category = ids.map(recist.three_month_frame(fr)["recist"])
            label = {c: "responder" for c in landmark.GROUPS["responders"]}
            label.update({c: "non_responder" for c in landmark.GROUPS["non_responders"]})
            out[name] = category.map(label).where(category.isin(list(label)), None).to_numpy(dtype=object)
        else:
            raise KeyError(name)
    return out
