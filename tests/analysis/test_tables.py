"""Tables 1-4: the spec's formats, and every number against `report --json` and against counts
taken straight from the store with plain SQL (a code path that shares nothing with the tables)."""

from __future__ import annotations

import json
import sqlite3
import statistics
from decimal import ROUND_HALF_UP, Decimal

import pytest

from y90gui.analysis import tables_format as tf
from y90gui.analysis.frames import from_case_data, from_store
from y90gui.analysis.tables import table1
from y90gui.analysis.tables_outcomes import all_tables
from y90gui.cli import main
from y90gui.demo.commands import write_demo
from y90gui.store.store import Store

EN = "\u2013"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(db path, report --json as printed by the CLI, Tables 1-4 of the same store)."""
    db = write_demo(tmp_path_factory.mktemp("tables") / "demo.y90")
    with Store.open(db, read_only=True) as store:
        fr = from_store(store)
    return db, fr


@pytest.fixture(scope="module")
def report_json(demo):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "y90gui", "report", "--db", str(demo[0]), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def tables(demo, report_json):
    return {t.number: t for t in all_tables(demo[1], report_json)}


def cell(table, label, column=1):
    rows = [r for r in table.rows if r.cells[0] == label]
    assert rows, f"no row {label!r} in table {table.number}"
    return rows[0].cells[column]


def section(table, label):
    """The category lines under a label row: {text: cell}."""
    i = next(k for k, r in enumerate(table.rows) if r.cells[0] == label)
    out = {}
    for r in table.rows[i + 1:]:
        if r.indent == 0:
            break
        out[r.cells[0]] = r.cells[1]
    return out


def half_up_pct(n, total):
    """Independent rounding: integer arithmetic (2n*100 + N) // 2N."""
    return (200 * n + total) // (2 * total)


def sql(db, query, *args):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(query, args).fetchall()


# ------------------------------------------------------------------------------ formats


@pytest.mark.parametrize(("x", "decimals", "text"), [
    (2.5, 0, "3"), (3.5, 0, "4"), (0.125, 2, "0.13"), (2.675, 2, "2.68"), (1.45, 1, "1.5"), (-0.4, 0, "0"),
    (353, 0, "353"), (1.0, 2, "1.00"), (12.25, 1, "12.3"),
])
def test_round_half_up(x, decimals, text):
    assert tf.round_half_up(x, decimals) == text


def test_count_fraction_percent_formats():
    assert tf.count_pct(19, 44) == "19 (43%)"
    assert tf.fraction(7, 44) == "7/44 (16%)"
    assert tf.count_pct(1, 8) == "1 (13%)"  # 12.5 % half up, not to even
    assert tf.count_pct(1, 200) == "1 (1%)"  # 0.5 % -> 1 %
    assert tf.fraction(0, 0) == f"0/0 ({EN})"
    # the percentage comes from n/N, never from the report's one-decimal pct (12.45 -> 12.5 -> 13 would be wrong)
    assert tf.fraction_of({"n": 249, "N": 2000, "pct": 12.5}) == "249/2000 (12%)"


def test_continuous_format():
    assert tf.continuous([4, 353, 2301], 0) == f"353 (4{EN}2301)"
    assert tf.continuous([1, 2, 3, 4], 0) == f"3 (1{EN}4)"  # median of an even count: 2.5, then half up
    assert tf.continuous([1.24, 1.26], 1) == f"1.3 (1.2{EN}1.3)"  # mean of the middle two (1.25) -> 1.3
    assert tf.continuous([1, 2, 3, 4, 5], 1, iqr=True) == f"3.0 (IQR 2.0{EN}4.0)"
    assert tf.continuous([], 0) == EN


def test_survival_and_p_formats():
    assert tf.survival_time(3.5, [1.8, 5.1]) == f"3.5 (95% CI 1.8{EN}5.1)"
    assert tf.survival_time(3.5, [1.8, None]) == f"3.5 (95% CI 1.8{EN}NR)"
    assert tf.survival_time(None, [None, None]) == f"NR (95% CI NR{EN}NR)"
    assert tf.survival_rate(0.625, [0.4449, 0.7551]) == f"63% (95% CI 44{EN}76%)"
    assert tf.survival_rate(None, [None, None]) == EN
    assert tf.survival_rate(0.84, [0.7, None]) == f"84% (95% CI 70%{EN}NA)"  # not "70––%"
    assert tf.p_value(0.0123) == "p = 0.012"
    assert tf.p_value(0.0125) == "p = 0.013"
    assert tf.p_value(0.0004) == "p < 0.001"
    assert tf.p_value(0.001) == "p = 0.001"


def test_not_recorded_line_only_when_missing(small_case):
    t = table1(from_case_data(small_case))
    assert "not recorded" in section(t, "Sex")  # the small case records no sex
    assert section(t, "Sex")["not recorded"] == "3"  # a count, no percentage
    assert section(t, "Sex")["female"] == f"0 ({EN})"  # no recorded value: no percentage
    small_case["patients"][0]["sex"] = "F"
    small_case["patients"][1]["sex"] = "M"
    small_case["patients"][2]["sex"] = "M"
    t = table1(from_case_data(small_case))
    assert section(t, "Sex") == {"female": "1 (33%)", "male": "2 (67%)"}


# ------------------------------------------------------------------ against report --json


def test_table4_is_the_report(tables, report_json):
    t4, r = tables[4], report_json
    rc = r["recist_3m"]
    n = r["patients"]
    rec = section(t4, "RECIST 1.1 at 3 months")
    assert rec["partial response (PR)"] == f"{rc['PR']} ({half_up_pct(rc['PR'], n)}%)"
    assert rec["not assessed"] == f"{rc['not_assessed']} ({half_up_pct(rc['not_assessed'], n)}%)"
    for label, key in (("Objective response rate (CR + PR)", "orr"), ("Disease control rate (CR + PR + SD)", "dcr")):
        f = rc[key]
        assert cell(t4, label) == f"{f['n']}/{f['N']} ({half_up_pct(f['n'], f['N'])}%)"
    f = r["complications"]
    assert cell(t4, "Complications") == f"{f['n']}/{f['N']} ({half_up_pct(f['n'], f['N'])}%)"
    os_ = r["os"]
    lo, hi = os_["ci95_years"]
    assert cell(t4, "Overall survival, median, years") == f"{one(os_['median_years'])} (95% CI {one(lo)}{EN}{one(hi)})"
    s2 = os_["survival"]["2"]
    assert cell(t4, "Overall survival at 2 years") == (
        f"{half(s2['s'])}% (95% CI {half(s2['ci95'][0])}{EN}{half(s2['ci95'][1])}%)")


def one(x):
    """One decimal, half up (independent of tables_format)."""
    return "NR" if x is None else str(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def half(x):
    return str((Decimal(repr(x)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_table4_pfs_and_landmark_rows_are_the_reports(tables, report_json):
    t4 = tables[4]
    pfs = report_json["pfs"]
    lo, hi = pfs["ci95_years"]
    assert cell(t4, "Progression-free survival, median, years") == (
        f"{one(pfs['median_years'])} (95% CI {one(lo)}{EN}{one(hi)})")
    lm = report_json["os_landmark_3m"]
    for key, name in (("responders", "Responders (CR, PR)"), ("non_responders", "Non-responders (SD, PD)")):
        g = lm["groups"][key]
        text = cell(t4, f"{name} (n = {g['N']}), median, years")
        assert text.startswith(one(g["median_years"]))
    p = lm["logrank"]["p"]
    assert cell(t4, "log-rank") == ("p < 0.001" if p < 0.001 else f"p = {p:.3f}")
    ex = lm["excluded"]
    assert cell(t4, "left out: not alive at the landmark / not evaluable") == (
        f"{ex['not_alive_at_landmark']} / {ex['not_evaluable']}")


def test_table4_without_pfs_or_landmark_keys_leaves_them_out(report_json):
    from y90gui.analysis.tables_outcomes import table4

    bare = {k: v for k, v in report_json.items() if k not in ("pfs", "os_landmark_3m")}
    assert not any("Progression-free" in r.cells[0] or "by 3-month response" in r.cells[0]
                   for r in table4(bare).rows)


def test_table3_counts_are_the_reports(tables, report_json):
    t3 = tables[3]
    tests = report_json["lab_toxicity"]["tests"]
    names = {"ALT": "alt", "Lymphocytes": "lymphocytes", "Platelets": "platelets"}
    for row in t3.rows:
        if row.cells[0] not in names:
            continue
        got = tests[names[row.cells[0]]]
        assert row.cells[1] == str(got["grade3_4"]["N"])
        assert list(row.cells[7:12]) == [str(got["grades"][str(g)]) for g in range(5)]
        f = got["grade3_4"]
        assert row.cells[12] == f"{f['n']}/{f['N']} ({half_up_pct(f['n'], f['N'])}%)"
        assert row.cells[14] == str(got["not_gradable"])


# ------------------------------------------------------------- against the store, plain SQL


def test_table1_against_sql(demo, tables):
    db = demo[0]
    treated = "SELECT DISTINCT patient_id FROM radioembolization"
    n = sql(db, f"SELECT count(*) FROM ({treated})")[0][0]
    t1 = tables[1]
    assert cell(t1, "Patients, N") == str(n)
    sexes = dict(sql(db, f"SELECT sex, count(*) FROM patients WHERE patient_id IN ({treated}) GROUP BY sex"))
    recorded = sum(v for k, v in sexes.items() if k is not None)
    assert section(t1, "Sex")["female"] == f"{sexes.get('F', 0)} ({half_up_pct(sexes.get('F', 0), recorded)}%)"
    dead = sql(db, f"SELECT count(*) FROM patients WHERE vital_status = 'dead' AND patient_id IN ({treated})")[0][0]
    assert cell(t1, "Deaths") == f"{dead} ({half_up_pct(dead, n)}%)"
    ages = [r[0] for r in sql(db, "SELECT CAST(strftime('%Y', min(r.date)) AS INTEGER) - p.birth_year "
                                  "FROM patients p JOIN radioembolization r USING (patient_id) "
                                  "WHERE p.birth_year IS NOT NULL GROUP BY p.patient_id")]
    med = Decimal(repr(float(statistics.median(ages)))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    age = cell(t1, "Age at first radioembolization, years, median (min\u2013max)")
    assert age == f"{med} ({min(ages)}{EN}{max(ages)})"
    grades = dict(sql(db, f"SELECT who_grade, count(*) FROM patients WHERE patient_id IN ({treated}) GROUP BY 1"))
    rec = sum(v for k, v in grades.items() if k)
    assert section(t1, "WHO grade")["G2"] == f"{grades.get('G2', 0)} ({half_up_pct(grades.get('G2', 0), rec)}%)"
    # days from the last PRRT cycle before the first RE to the first RE
    gaps = [r[0] for r in sql(db, """
        WITH f AS (SELECT patient_id, min(date) AS d FROM radioembolization GROUP BY patient_id)
        SELECT CAST(julianday(f.d) - julianday(max(p.date)) AS INTEGER) FROM prrt p JOIN f USING (patient_id)
        WHERE p.date < f.d GROUP BY p.patient_id""")]
    med = Decimal(repr(float(statistics.median(gaps)))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    label = "Days from the last PRRT cycle to the first radioembolization, median (min\u2013max)"
    assert cell(t1, label) == f"{med} ({min(gaps)}{EN}{max(gaps)})"


def test_table2_against_sql(demo, tables):
    db = demo[0]
    t2 = tables[2]
    n = sql(db, "SELECT count(*) FROM radioembolization")[0][0]
    assert cell(t2, "Procedures, N") == str(n)
    extent = dict(sql(db, "SELECT extent, count(*) FROM radioembolization GROUP BY extent"))
    assert section(t2, "Extent")["whole liver"] == f"{extent['whole_liver']} ({half_up_pct(extent['whole_liver'], n)}%)"
    per = [r[0] for r in sql(db, "SELECT count(*) FROM radioembolization GROUP BY patient_id")]
    assert section(t2, "Procedures per patient")["2"] == f"{per.count(2)} ({half_up_pct(per.count(2), len(per))}%)"
    gaps = [r[0] for r in sql(db, """
        SELECT CAST(julianday(date) - julianday(lag(date) OVER (PARTITION BY patient_id ORDER BY date, procedure))
                    AS INTEGER) FROM radioembolization""") if r[0] is not None]
    med = Decimal(repr(float(statistics.median(gaps)))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert cell(t2, "Days between consecutive procedures of a patient, median (min\u2013max)") == (
        f"{med} ({min(gaps)}{EN}{max(gaps)})")


def test_table4_against_sql(demo, tables):
    db = demo[0]
    t4 = tables[4]
    n = sql(db, "SELECT count(DISTINCT patient_id) FROM radioembolization")[0][0]
    later = dict(sql(db, """
        WITH f AS (SELECT patient_id, min(date) AS d FROM radioembolization GROUP BY patient_id)
        SELECT treatment, count(DISTINCT t.patient_id) FROM treatments_after t JOIN f USING (patient_id)
        WHERE t.start_date >= f.d GROUP BY treatment"""))
    got = section(t4, "Treatments after radioembolization")
    k = later["somatostatin_analogue"]
    assert got["somatostatin analogue"] == f"{k} ({half_up_pct(k, n)}%)"
    reild = sql(db, "SELECT count(DISTINCT patient_id) FROM adverse_events WHERE lower(trim(term)) = 'reild'")[0][0]
    assert cell(t4, "REILD") == f"{reild}/{n} ({half_up_pct(reild, n)}%)"


def test_report_workbook_holds_the_four_tables(demo, report_json, tmp_path, capsys):
    import openpyxl

    out = tmp_path / "r.xlsx"
    assert main(["report", "--db", str(demo[0]), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    rows = list(wb["Table 4"].iter_rows(values_only=True))
    assert rows[0][0] == "Table 4. Outcomes"
    orr = report_json["recist_3m"]["orr"]
    assert ("  " * 0 + "Objective response rate (CR + PR)",
            f"{orr['n']}/{orr['N']} ({half_up_pct(orr['n'], orr['N'])}%)") in [r[:2] for r in rows]
    assert [r[0] for r in list(wb["Table 3"].iter_rows(values_only=True))[1:3]] == ["Test", None]
