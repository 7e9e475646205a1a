"""Cox models against R's coxph(..., ties = "efron") (fixture r_endpoints_reference.json).

Data sets: a three-level factor (factor3), a continuous covariate (continuous), monthly ties with
missing covariates (ties_missing: univariable and multivariable), and the demo cohort's
covariates as y90gui derives them (demo_os; R flags who_grade alone as not converging: no death
among the G3 patients, and so must we).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from y90gui.analysis.covariates import COVARIATES
from y90gui.analysis.cox import CoxError, cox_analysis, fit_cox
from y90gui.analysis.frames import from_case_data
from y90gui.demo.cohort import build_demo

DATA = Path(__file__).parent / "data"
REF = json.loads((DATA / "r_endpoints_reference.json").read_text())["cox"]
SPECS = json.loads((DATA / "r_input_cox" / "models.json").read_text())
REL = 1e-6


def _list(x):
    return x if isinstance(x, list) else [x]


def _table(name: str) -> pd.DataFrame:
    d = pd.read_csv(DATA / "r_input_cox" / f"{name}.csv", keep_default_na=True)
    d = d.rename(columns={"status": "event"})
    d["event"] = d["event"].astype(bool)
    for f in SPECS[name]["factors"]:
        d[f] = d[f].astype(object).where(d[f].notna(), None)
    return d


CASES = [(name, i) for name, fits in REF.items() for i in range(len(fits))
         if not (name == "demo_os" and _list(fits[i]["covariates"]) == ["who_grade"])]


@pytest.mark.parametrize(("name", "i"), CASES)
def test_model_equals_coxph(name, i):
    ref = REF[name][i]
    covs = _list(ref["covariates"])
    m = fit_cox(_table(name), covs, SPECS[name]["factors"])
    assert (m.n, m.events, m.excluded_missing) == (ref["n"], ref["events"], ref["excluded"])
    r_names = _list(ref["terms"])
    assert [t.covariate + (t.level or "") for t in m.terms] == r_names
    for t, hr, lo, hi, p in zip(m.terms, _list(ref["hr"]), _list(ref["lower"]), _list(ref["upper"]),
                                _list(ref["p"]), strict=True):
        assert t.hr == pytest.approx(hr, rel=REL)
        assert t.ci95[0] == pytest.approx(lo, rel=REL) and t.ci95[1] == pytest.approx(hi, rel=REL)
        assert t.p == pytest.approx(p, rel=REL)
        if t.level is not None:
            assert t.reference == SPECS[name]["factors"][t.covariate][0]
    assert m.lr_chi2 == pytest.approx(ref["lr"]["chisq"], rel=REL)
    assert m.lr_df == ref["lr"]["df"]
    assert m.lr_p == pytest.approx(ref["lr"]["p"], rel=REL)
    assert m.concordance == pytest.approx(ref["concordance"], rel=REL)


def test_fixture_covers_the_required_sets():
    assert _list(REF["factor3"][0]["terms"]) == ["who_gradeG2", "who_gradeG3"]  # three levels
    assert _list(REF["continuous"][0]["terms"]) == ["ki67_pct"]
    ties = _table("ties_missing")
    assert ties["time"].duplicated().sum() > 20 and REF["ties_missing"][2]["excluded"] > 0


def test_demo_who_grade_does_not_converge_like_r():
    with pytest.raises(CoxError, match="who_grade.*infinite|does not converge"):
        fit_cox(_table("demo_os"), ["who_grade"], SPECS["demo_os"]["factors"])


def test_full_pipeline_on_the_demo_equals_r():
    """cox_analysis derives the covariates itself; R fitted the exported ones."""
    multi = [c for c in _list(REF["demo_os"][-1]["covariates"])]
    res = cox_analysis(from_case_data(build_demo()), multi, "os")
    ref = REF["demo_os"][-1]
    assert res.multivariable.n == ref["n"] and res.multivariable.events == ref["events"]
    assert [t.hr for t in res.multivariable.terms] == pytest.approx(_list(ref["hr"]), rel=REL)
    assert res.multivariable.concordance == pytest.approx(ref["concordance"], rel=REL)
    js = res.to_json()
    assert js["format"] == "y90gui-cox/1" and js["endpoint"] == "os" and len(js["univariable"]) == len(multi)
    assert set(js["multivariable"]) == {"N", "events", "excluded_missing", "terms", "lr_test", "concordance"}
    assert set(js["multivariable"]["terms"][0]) == {"covariate", "level", "reference", "hr", "ci95", "p"}
    assert set(js["multivariable"]["lr_test"]) == {"chi2", "df", "p"}
    json.dumps(js, allow_nan=False)


def test_every_listed_covariate_is_derived_on_the_demo():
    from y90gui.analysis.covariates import covariate_frame
    from y90gui.analysis.report import treated

    fr = from_case_data(build_demo())
    pats = treated(fr)[0]
    cov = covariate_frame(fr, list(COVARIATES), pats)
    assert list(cov.columns) == list(COVARIATES) and len(cov) == 44
    for name, c in COVARIATES.items():
        values = [v for v in cov[name] if v is not None and v == v]
        assert values, name
        if c.is_factor:
            assert set(values) <= set(c.levels), name
        else:
            assert np.isfinite(np.asarray(values, dtype=float)).all(), name
