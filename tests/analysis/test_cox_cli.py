"""`y90gui analyse cox` through the real CLI, the bad inputs, and the covariates derived by hand."""

from __future__ import annotations

import json

import pytest

from y90gui.analysis.covariates import covariate_frame
from y90gui.analysis.cox import cox_for_store
from y90gui.analysis.frames import from_case_data
from y90gui.analysis.report import treated
from y90gui.cli import main
from y90gui.core.progress import Cancelled, Progress
from y90gui.demo.cohort import build_demo
from y90gui.store.store import Store


def _db(tmp_path, case, name="c.y90"):
    path = tmp_path / name
    with Store.create(path) as store:
        store.replace_patients(case, "test")
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return _db(tmp_path_factory.mktemp("cox"), build_demo(), "demo.y90")


def _one_error_line(capsys, rc_expected, *parts):
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for p in parts:
        assert p in lines[0], lines[0]
    return lines[0]


def test_json_format_and_text_table(demo_db, capsys):
    assert main(["analyse", "cox", "--db", str(demo_db), "--covariates", "sex, age,ki67_pct", "--json"]) == 0
    out = capsys.readouterr().out
    res = json.loads(out)
    assert out.count("\n") == 1
    assert res["format"] == "y90gui-cox/1" and res["endpoint"] == "os"
    assert [m["terms"][0]["covariate"] for m in res["univariable"]] == ["sex", "age", "ki67_pct"]
    sex = res["univariable"][0]["terms"][0]
    assert (sex["level"], sex["reference"]) == ("M", "F")
    assert main(["analyse", "cox", "--db", str(demo_db), "--covariates", "age", "--endpoint", "pfs"]) == 0
    text = capsys.readouterr().out
    assert "progression-free survival" in text and "Univariable" in text and "Multivariable" in text


def test_text_table_names_terms_in_words_json_keeps_the_spec_names(demo_db, capsys):
    covs = "sex,ki67_pct,hepatic_tumour_burden_pct,prrt_gbq"
    assert main(["analyse", "cox", "--db", str(demo_db), "--covariates", covs]) == 0
    text = capsys.readouterr().out
    terms = [ln.split("  ")[1] for ln in text.splitlines() if ln.startswith("  ") and not ln.startswith("  N ")
             and not ln.lstrip().startswith("term")]
    assert {"Sex: M vs F", "Ki-67 index [%]", "Hepatic tumour burden [%]",
            "PRRT activity before the first RE [GBq]"} == {t.strip() for t in terms}
    assert not any(name in text for name in covs.split(","))
    # the HR columns line up under the header however long a label is
    header = next(ln for ln in text.splitlines() if ln.lstrip().startswith("term"))
    end = header.index("HR") + 2
    rows = [ln for ln in text.splitlines() if any(t in ln for t in ("Sex:", "Ki-67", "Hepatic", "PRRT"))]
    assert len(rows) == 8 and all(ln[end - 1].isdigit() and ln[end] == " " for ln in rows), rows
    assert main(["analyse", "cox", "--db", str(demo_db), "--covariates", covs, "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert [t["covariate"] for t in res["multivariable"]["terms"]] == covs.split(",")


def test_unknown_covariate(demo_db, capsys):
    assert main(["analyse", "cox", "--db", str(demo_db), "--covariates", "sex,tumour_size"]) == 1
    _one_error_line(capsys, 1, "unknown covariate 'tumour_size'")


def test_one_level(tmp_path, small_case, capsys):
    for p in small_case["patients"]:
        p["sex"] = "F"
    db = _db(tmp_path, small_case)
    assert main(["analyse", "cox", "--db", str(db), "--covariates", "sex"]) == 1
    _one_error_line(capsys, 1, "'sex' has only one level (F)")


def test_not_converging(demo_db, capsys):
    assert main(["analyse", "cox", "--db", str(demo_db), "--covariates", "who_grade"]) == 1
    _one_error_line(capsys, 1, "does not converge", "who_grade")


def test_no_events(tmp_path, small_case, capsys):
    for i, p in enumerate(small_case["patients"]):
        p["vital_status"], p["sex"] = "alive", "FM"[i % 2]
    db = _db(tmp_path, small_case)
    assert main(["analyse", "cox", "--db", str(db), "--covariates", "sex"]) == 1
    _one_error_line(capsys, 1, "no deaths")


def test_usage_errors_exit_2(demo_db, capsys):
    for argv in (["analyse", "cox", "--db", str(demo_db)],
                 ["analyse", "cox", "--db", str(demo_db), "--covariates", "age", "--endpoint", "dfs"],
                 ["analyse"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        capsys.readouterr()


def test_missing_covariate_is_excluded_and_counted(tmp_path):
    data = build_demo()
    for p in data["patients"][:3]:
        p["ki67_pct"] = None
    db = _db(tmp_path, data)
    with Store.open(db, read_only=True) as store:
        res = cox_for_store(store, ["ki67_pct", "sex"])
    assert (res.univariable[0].n, res.univariable[0].excluded_missing) == (41, 3)
    assert (res.univariable[1].n, res.univariable[1].excluded_missing) == (44, 0)
    assert (res.multivariable.n, res.multivariable.excluded_missing) == (41, 3)


def test_cancel_through_progress(demo_db):
    progress = Progress()
    progress.cancel()
    with Store.open(demo_db, read_only=True) as store, pytest.raises(Cancelled):
        cox_for_store(store, ["age"], progress=progress)


def test_filter_by_patient_ids(demo_db):
    with Store.open(demo_db, read_only=True) as store:
        ids = [r[0] for r in store.conn.execute("SELECT patient_id FROM patients ORDER BY patient_id LIMIT 30")]
        res = cox_for_store(store, ["age"], patient_ids=ids)
    assert res.multivariable.n == 30 and set(res.patient_ids) == set(ids)


def test_covariates_by_hand(small_case):
    """small_case (conftest): P1 two PRRT cycles of 7.4 GBq, the last 200 days before RE, derived PR;
    P2 one cycle before RE (3.0 GBq, 100 days) and one after it (not prior), SD; P3 none."""
    small_case["patients"][0]["birth_year"] = 1950
    small_case["patients"][1]["birth_year"] = 1960
    fr = from_case_data(small_case)
    pats = treated(fr)[0]
    cov = covariate_frame(fr, ["age", "extent_first", "prrt_cycles", "prrt_gbq", "prrt_to_re_days",
                               "response_3m", "functional_syndrome"], pats)
    rows = {pid: r for pid, r in zip(pats["patient_id"], cov.to_dict("records"), strict=True)}
    assert rows["P1"]["age"] == 2018 - 1950 and rows["P2"]["age"] == 2018 - 1960  # first RE in 2018
    assert rows["P3"]["age"] != rows["P3"]["age"]  # no birth year: missing
    assert [rows[p]["extent_first"] for p in ("P1", "P2", "P3")] == ["whole_liver", "whole_liver", "segmental"]
    assert [rows[p]["prrt_cycles"] for p in ("P1", "P2", "P3")] == [2, 1, 0]
    assert rows["P1"]["prrt_gbq"] == pytest.approx(14.8) and rows["P2"]["prrt_gbq"] == 3.0
    assert rows["P3"]["prrt_gbq"] == 0
    assert rows["P1"]["prrt_to_re_days"] == 200 and rows["P2"]["prrt_to_re_days"] == 100
    assert rows["P3"]["prrt_to_re_days"] != rows["P3"]["prrt_to_re_days"]
    assert [rows[p]["response_3m"] for p in ("P1", "P2", "P3")] == ["responder", "non_responder", None]
    assert [rows[p]["functional_syndrome"] for p in ("P1", "P2", "P3")] == ["yes", "yes", "no"]


def test_report_text_summary_has_the_new_endpoints(demo_db, capsys):
    assert main(["report", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "OS SPSS median 3.5" in out
    assert "PFS: 30 progressions or deaths of 44" in out
    assert "OS from day 90 by 3-month response: responders 7" in out


def test_cox_without_statsmodels_is_one_clear_error(monkeypatch):
    """An installation without statsmodels (a pip install without it): a message, not a traceback."""
    import sys

    import pandas as pd

    from y90gui.analysis.cox import CoxError, fit_cox

    monkeypatch.setitem(sys.modules, "statsmodels.duration.hazard_regression", None)
    table = pd.DataFrame({"time": [1.0, 2.0, 3.0], "event": [True, False, True], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(CoxError, match="needs the statsmodels package"):
        fit_cox(table, ["x"])
