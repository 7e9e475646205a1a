"""`y90gui report` through the real CLI entry point."""

from __future__ import annotations

import json

import openpyxl

from y90gui.analysis.report import compute_report
from y90gui.cli import main
from y90gui.store.store import Store


def _db(tmp_path, case):
    path = tmp_path / "c.y90"
    with Store.create(path) as store:
        store.replace_patients(case, "test")
    return path


def test_json_on_stdout_only(small_case, tmp_path, capsys):
    db = _db(tmp_path, small_case)
    assert main(["report", "--db", str(db), "--json", "--ci-method", "log", "--basis", "patients"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == compute_report(small_case, ci_method="log", basis="patients")
    assert out.count("\n") == 1


def test_out_writes_workbook(small_case, tmp_path, capsys):
    db = _db(tmp_path, small_case)
    out = tmp_path / "rep.xlsx"
    assert main(["report", "--db", str(db), "--json", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)  # stdout is still exactly one JSON object
    assert openpyxl.load_workbook(out).sheetnames[0] == "Cohort"


def test_text_summary_and_errors(small_case, tmp_path, capsys):
    db = _db(tmp_path, small_case)
    assert main(["report", "--db", str(db)]) == 0
    assert "patients 3, procedures 4" in capsys.readouterr().out
    assert main(["report", "--db", str(db), "--out", str(tmp_path / "missing" / "r.xlsx")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["report", "--db", str(tmp_path / "nope.y90"), "--json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("y90gui report: error:") and "Traceback" not in err


def test_report_and_its_workbook_grade_the_labs_once(small_case, tmp_path, capsys, monkeypatch):
    """`report --out` reads the store once and grades the labs once: the report's grade tables
    are the workbook's (and the same JSON comes out as without the workbook)."""
    from y90gui.analysis import toxicity

    db = _db(tmp_path, small_case)
    assert main(["report", "--db", str(db), "--json"]) == 0
    alone = json.loads(capsys.readouterr().out)
    calls = []
    real = toxicity.lab_windows

    def counted(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(toxicity, "lab_windows", counted)
    out = tmp_path / "r.xlsx"
    assert main(["report", "--db", str(db), "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == alone
    assert len(calls) == 1, calls
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "Toxicity" in wb.sheetnames and "Table 3" in wb.sheetnames
    wb.close()
