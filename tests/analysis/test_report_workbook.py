"""The report workbook: sheets, picture, settings, text never a formula, atomic write."""

from __future__ import annotations

import struct
import zipfile

import openpyxl
import pytest

from y90gui.analysis import report_workbook
from y90gui.analysis.km_figure import render_km_png
from y90gui.analysis.report import compute_report
from y90gui.analysis.report_workbook import write_report_workbook
from y90gui.analysis.survival import kaplan_meier
from y90gui.core.progress import Cancelled, Progress

SHEETS = ["Cohort", "Prior PRRT", "Procedures", "Response", "Clinical response", "Toxicity", "Complications",
          "Survival", "PFS", "Landmark OS", "Settings", "Table 1", "Table 2", "Table 3", "Table 4"]


def _inject(case):
    """Rename P1 to a formula-looking ID and give an adverse event a formula-looking term."""
    for sheet in case.values():
        for r in sheet:
            if r.get("patient_id") == "P1":
                r["patient_id"] = "=HYPERLINK(\"http://x\",\"click\")"
    case["adverse_events"][0]["term"] = "@SUM(1+1)"
    case["patients"][1]["center"] = "-2+3"
    return case


def test_workbook_content(small_case, tmp_path):
    report = compute_report(small_case, ci_method="log", basis="patients")
    out = write_report_workbook(report, small_case, tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    assert len(wb["Survival"]._images) == 1
    settings = {r[0]: r[1] for r in wb["Settings"].iter_rows(min_row=2, values_only=True)}
    assert settings["CI method"] == "log" and settings["denominator basis"] == "patients"
    assert settings["CTCAE version"] == "4.03" and settings["app version"].startswith("y90gui ")
    assert "lab toxicity window (days after procedure)" in settings and "date" in settings
    cohort = {r[0]: r[1:4] for r in wb["Cohort"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert cohort["Whole-liver procedures"] == (2, 4, 50.0)
    tox = [r for r in wb["Toxicity"].iter_rows(values_only=True)]
    assert tox[0][0] == "test" and len([r for r in tox[1:14]]) == 13
    assert list(tmp_path.iterdir()) == [out]  # no temporary left behind


def test_text_is_never_a_formula(small_case, tmp_path):
    case = _inject(small_case)
    out = write_report_workbook(compute_report(case), case, tmp_path / "r.xlsx")
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = openpyxl.load_workbook(out)
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row]
    assert '=HYPERLINK("http://x","click")' in values
    assert "@SUM(1+1)" in values


def test_failed_write_leaves_nothing(small_case, tmp_path, monkeypatch):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old report")

    def boom(f, sheets, **kwargs):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(report_workbook, "write_xlsx", boom)
    with pytest.raises(OSError, match="disk full"):
        write_report_workbook(compute_report(small_case), small_case, target)
    assert target.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_bold_rows_widths_picture_and_empty_nan(small_case, tmp_path):
    out = write_report_workbook(compute_report(small_case), small_case, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(out)
    tox = wb["Toxicity"]
    titles = [c for c in tox["A"] if isinstance(c.value, str) and c.value.startswith(("Worst", "Baseline"))]
    assert len(titles) == 3 and all(c.font.b for c in titles)
    assert all(tox.cell(c.row + 1, 1).font.b for c in titles)  # each grid's header row
    assert tox["A1"].font.b and not tox["A2"].font.b
    assert tox.column_dimensions["A"].width > 0 and tox.column_dimensions["P"].width > 0
    proc = wb["Procedures"]
    assert [c.value for c in proc[1]][:5] == ["patient_id", "procedure", "date", "extent", "microspheres"]
    assert proc["E2"].value is None  # NaN (no microspheres recorded) is an empty cell, not "nan"
    assert "nan" not in [c.value for ws in wb for row in ws.iter_rows() for c in row]
    (img,) = wb["Survival"]._images
    with zipfile.ZipFile(out) as z:
        png = z.read("xl/media/image1.png")
    w, h = struct.unpack(">II", png[16:24])
    assert (img.anchor._from.col, img.anchor._from.row) == (5, 1)  # F2
    assert (img.anchor.ext.width, img.anchor.ext.height) == (round(w * 0.45 * 9525), round(h * 0.45 * 9525))


def test_calamine_reads_the_report(small_case, tmp_path):
    import python_calamine

    out = write_report_workbook(compute_report(small_case), small_case, tmp_path / "r.xlsx")
    wb = python_calamine.CalamineWorkbook.from_path(str(out))
    try:
        assert wb.sheet_names == SHEETS
        cohort = wb.get_sheet_by_name("Cohort").to_python()
        assert cohort[0] == ["Figure", "n", "N", "%", "denominator counts"]
        assert ["Whole-liver procedures", 2, 4, 50, "procedures"] in cohort
    finally:
        wb.close()


def test_progress_steps_and_cancel_while_writing(small_case, tmp_path):
    seen = []
    progress = Progress(lambda fraction, message: seen.append((round(fraction * 10), message)))
    write_report_workbook(compute_report(small_case), small_case, tmp_path / "r.xlsx", progress=progress)
    assert [s for s, _ in seen] == list(range(11)) and seen[9][1] == "writing the file"

    target = tmp_path / "c.xlsx"
    target.write_bytes(b"old report")

    def cancel_on_write(fraction, message):
        if message == "writing the file":
            progress.cancel()

    progress = Progress(cancel_on_write)
    with pytest.raises(Cancelled):
        write_report_workbook(compute_report(small_case), small_case, target, progress=progress)
    assert target.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.xlsx", "r.xlsx"]


def test_km_png(tmp_path):
    km = kaplan_meier([100, 200, 300, 400, 900, 1200], [1, 0, 1, 1, 0, 1])
    path = render_km_png([("a", km), ("b", kaplan_meier([50, 500], [1, 0]))], tmp_path / "km.png", dpi=80)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    render_km_png(kaplan_meier([10], [0]), tmp_path / "one.png", dpi=60)  # all censored, one patient


def test_prior_prrt_sheet_follows_the_case_data(tmp_path):
    """Each treated patient's PRRT line, recomputed here from the rows, without pandas."""
    from y90gui.demo.cohort import build_demo

    case = build_demo()
    out = write_report_workbook(compute_report(case), case, tmp_path / "r.xlsx")
    rows = list(openpyxl.load_workbook(out)["Prior PRRT"].iter_rows(min_row=2, values_only=True))
    got = {r[0]: r[1:] for r in rows if r[0]}
    first_re: dict[str, object] = {}
    for r in case["radioembolization"]:
        first_re[r["patient_id"]] = min(first_re.get(r["patient_id"], r["date"]), r["date"])
    expected = {}
    for pid in sorted(first_re):
        cycles = [r for r in case["prrt"] if r["patient_id"] == pid]
        if not cycles:
            continue
        gbq = [r["activity_gbq"] for r in cycles if r.get("activity_gbq") is not None]
        before = [r["date"] for r in cycles if r["date"] < first_re[pid]]
        last = max(before) if before else None
        expected[pid] = (len(cycles), sum(gbq) if gbq else None,
                         ", ".join(sorted({r["radiopharmaceutical"] for r in cycles if r.get("radiopharmaceutical")})),
                         min(r["date"] for r in cycles), last, (first_re[pid] - last).days if last else None)
    assert set(got) == set(expected) and len(got) >= 40
    for pid, (n, gbq, names, start, last, days) in expected.items():
        g = got[pid]
        assert g[0] == n and g[2] == names and g[3].date() == start and g[5] == days, pid
        assert (g[1] is None) if gbq is None else g[1] == pytest.approx(gbq), pid
        assert (g[4] is None) if last is None else g[4].date() == last, pid


def _unstacked_grid(table, index, col):
    """The grade grid as a pandas unstack builds it (the workbook's way until session 8)."""
    import numpy as np

    from y90gui.core.codes import LAB_TEST

    values = table[col].to_numpy(dtype=float)
    if col == "worst":
        values = np.where(table["n_values"].to_numpy() > 0, values, np.nan)
    labels = np.array([None if v != v else ("n/g" if v < 0 else int(v)) for v in values], dtype=object)
    grid = table[index + ["test"]].assign(_g=labels)
    grid = grid[grid["_g"].notna()]
    wide = grid.set_index(index + ["test"])["_g"].unstack("test").reindex(columns=list(LAB_TEST)).astype(object)
    return wide.where(wide.notna(), None).reset_index().to_numpy(dtype=object).tolist()


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("one_key", [True, False], ids=["int64 key", "rows of codes"])
def test_grade_grid_is_the_pandas_unstack(seed, one_key, monkeypatch):
    """Rows in sorted order with missing keys first, ints, "n/g", None, keys as pandas gives them
    (the index values as one integer key, or, when they have too many combinations, as rows)."""
    import numpy as np
    import pandas as pd

    from y90gui.analysis import xlsx_sheets
    from y90gui.analysis.xlsx_sheets import grade_grid

    if not one_key:
        monkeypatch.setattr(xlsx_sheets, "_KEY_LIMIT", 0)

    rng = np.random.default_rng(seed)
    n = 400
    df = pd.DataFrame({"patient_id": rng.choice(["p1", "p2", "p10", None, "x"], n),
                       "procedure": rng.choice([1.0, 2.0, np.nan, 3.0], n),
                       "proc_date": rng.choice([10.0, 2.0, np.nan], n),
                       "test": rng.choice(["alt", "ast", "albumin", "inr", "bilirubin", "not a test"], n),
                       "n_values": rng.integers(0, 3, n), "worst": rng.choice([np.nan, -1.0, 0.0, 1.0, 4.0], n),
                       "baseline_grade": rng.choice([np.nan, -1.0, 0.0, 2.0], n)})
    for index in (["patient_id", "procedure", "proc_date"], ["patient_id"], ["procedure", "patient_id"]):
        d = df.drop_duplicates(index + ["test"])
        for col in ("worst", "baseline_grade"):
            got, want = grade_grid(d, index, col), _unstacked_grid(d, index, col)
            assert [[type(v) for v in r] for r in got] == [[type(v) for v in r] for r in want]
            assert repr(got) == repr(want)
    assert grade_grid(df.assign(n_values=0), ["patient_id"], "worst") == []


def test_lab_grades_by_slices_of_patients_give_the_same_workbook(tmp_path, monkeypatch):
    """The workbook grades a large case series' labs 10,000 patients at a time (100,000 at once
    were 1.1 GB more at the peak): every cell of every sheet is as when they are graded at once."""
    from y90gui.analysis import prepared_report
    from y90gui.analysis.frames import from_case_data
    from y90gui.demo.synthetic import build_cohort

    fr = from_case_data(build_cohort(320, seed=3))
    report = compute_report(build_cohort(320, seed=3))

    def cells(path):
        wb = openpyxl.load_workbook(path, read_only=True)
        out = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
        wb.close()
        out["Settings"] = [r for r in out["Settings"] if not r or r[0] != "date"]  # the time it was written
        return out

    whole = cells(write_report_workbook(report, fr, tmp_path / "whole.xlsx"))
    monkeypatch.setattr(prepared_report, "LAB_CHUNK_PATIENTS", 70)  # 5 slices, the last one short
    sliced = cells(write_report_workbook(report, fr, tmp_path / "sliced.xlsx"))
    assert sliced.keys() == whole.keys()
    for title in whole:
        assert sliced[title] == whole[title], title
    assert any(isinstance(v, int) for r in whole["Toxicity"] for v in r)  # graded cells were compared
