"""`y90gui figure`: each bad argument is one line naming the option, exit 2, and no file."""

from __future__ import annotations

import json

import pytest

from y90gui.cli import main
from y90gui.demo.commands import write_demo


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("figcli") / "demo.y90")


@pytest.mark.parametrize(("extra", "option"), [
    (["--width-mm", "39.9"], "--width-mm"), (["--width-mm", "401"], "--width-mm"),
    (["--width-mm", "wide"], "--width-mm"), (["--height-mm", "0"], "--height-mm"),
    (["--dpi", "71"], "--dpi"), (["--dpi", "1201"], "--dpi"), (["--dpi", "nan"], "--dpi"),
    (["--font-pt", "4.9"], "--font-pt"), (["--font-pt", "25"], "--font-pt"),
    (["--strata", "shoe_size"], "--strata"), (["--time-unit", "weeks"], "--time-unit"),
    (["--ci-method", "exact"], "--ci-method"),
])
def test_bad_argument_one_line_exit_2_no_file(db, tmp_path, capsys, extra, option):
    out = tmp_path / "km.png"
    assert main(["figure", "km", "--db", str(db), "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"y90gui figure: error: {option}: ")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("extra", "option"), [([], "--test"), (["--test", "sodium"], "--test")])
def test_labs_needs_a_known_test(db, tmp_path, capsys, extra, option):
    assert main(["figure", "labs", "--db", str(db), "--out", str(tmp_path / "l.svg"), *extra]) == 2
    assert capsys.readouterr().err.startswith(f"y90gui figure: error: {option}: ")
    assert list(tmp_path.iterdir()) == []


def test_bad_format_and_folder(db, tmp_path, capsys):
    assert main(["figure", "km", "--db", str(db), "--out", str(tmp_path / "km.jpg")]) == 2
    assert "--out: km.jpg" in capsys.readouterr().err
    assert main(["figure", "km", "--db", str(db), "--out", str(tmp_path / "no" / "km.png")]) == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("kind", "extra"), [("km", ["--strata", "extent", "--grey"]),
                                         ("km", ["--strata", "recist_3m"]), ("swimmer", []),
                                         ("waterfall", ["--width-mm", "85", "--height-mm", "80"]),
                                         ("labs", ["--test", "platelets", "--time-unit", "months"])])
def test_each_figure_writes_its_file(db, tmp_path, capsys, kind, extra):
    out = tmp_path / f"{kind}.pdf"
    assert main(["figure", kind, "--db", str(db), "--out", str(out), *extra]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert capsys.readouterr().out == f"wrote {out}\n"


# -- km --endpoint (spec/analysis.md's endpoints: os, pfs, os_landmark_3m) ----------------------

def _png_meta(path):  # type: ignore[no-untyped-def]
    import json

    from PIL import Image

    with Image.open(path) as im:
        return im.text["Title"], json.loads(im.text["Description"])


@pytest.mark.parametrize(("extra", "option"), [
    (["--endpoint", "dfs"], "--endpoint"), (["--endpoint", "landmark"], "--endpoint"),
    (["--endpoint", "os_landmark_3m", "--strata", "extent"], "--strata"),
])
def test_km_bad_endpoint_one_line_exit_2_no_file(db, tmp_path, capsys, extra, option):
    assert main(["figure", "km", "--db", str(db), "--out", str(tmp_path / "km.png"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"y90gui figure: error: {option}: ")
    assert list(tmp_path.iterdir()) == []


def test_km_endpoint_draws_that_endpoint_as_the_report_counts_it(db, tmp_path, capsys):
    """Each endpoint's figure names it and its legend holds the report's n and events."""
    import json

    assert main(["report", "--db", str(db), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    os_, pfs, lm = report["os"], report["pfs"], report["os_landmark_3m"]
    cases = {
        "os": ("Overall survival after", [f"All patients (n = {os_['N']}, events = {os_['events']})"]),
        "pfs": ("Progression-free survival after", [f"All patients (n = {pfs['N']}, events = {pfs['events']})"]),
        "os_landmark_3m": ("3-month landmark", [
            f"Responders (CR, PR) (n = {lm['groups']['responders']['N']}, "
            f"events = {lm['groups']['responders']['events']})",
            f"Non-responders (SD, PD) (n = {lm['groups']['non_responders']['N']}, "
            f"events = {lm['groups']['non_responders']['events']})"]),
    }
    for endpoint, (title, legend) in cases.items():
        out = tmp_path / f"{endpoint}.svg"
        assert main(["figure", "km", "--db", str(db), "--out", str(out), "--endpoint", endpoint]) == 0
        svg = out.read_text(encoding="utf-8")
        assert title in svg
        for line in legend:
            assert line in svg, (endpoint, line)
        png = tmp_path / f"{endpoint}.png"
        assert main(["figure", "km", "--db", str(db), "--out", str(png), "--endpoint", endpoint]) == 0
        assert _png_meta(png)[1]["endpoint"] == endpoint


# -- the cohort a figure shows is in its metadata and caption ------------------------------------

def _pdf_info(path, key: str) -> str:  # type: ignore[no-untyped-def]
    """A PDF Info string, `(...)` or `<...>`, UTF-16 (with its byte-order mark) for non-ASCII text."""
    import re

    data = path.read_bytes()
    m = re.search(rb"/" + key.encode() + rb"\s*(<FEFF[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))", data)
    assert m, key
    raw = m.group(1)
    if raw.startswith(b"<"):
        return bytes.fromhex(raw[1:-1].decode()).decode("utf-16")
    text = re.sub(rb"\\(.)", rb"\1", raw[1:-1], flags=re.S)
    return text.decode("utf-16") if text.startswith(b"\xfe\xff") else text.decode("latin-1")


@pytest.fixture(scope="module")
def cohort_db(tmp_path_factory):
    from y90gui.store.cohorts import save_cohort
    from y90gui.store.store import Store

    path = write_demo(tmp_path_factory.mktemp("figcohort") / "demo.y90")
    with Store.open(path) as s:
        ids = [str(r[0]) for r in s.conn.execute("SELECT patient_id FROM patients ORDER BY patient_id LIMIT 12")]
        save_cohort(s, "First twelve", search="", filters={}, description="first twelve", patient_ids=ids)
    return path


def test_figure_of_a_named_cohort_names_it_in_every_format(cohort_db, tmp_path, capsys):
    named = "Cohort “First twelve”: 12 of 44 patients (first twelve)"
    png, svg, pdf = (tmp_path / f"km.{ext}" for ext in ("png", "svg", "pdf"))
    for out in (png, svg, pdf):
        assert main(["figure", "km", "--db", str(cohort_db), "--out", str(out), "--cohort", "first TWELVE"]) == 0
    title, meta = _png_meta(png)
    assert meta["cohort"] == named and named in title
    text = svg.read_text(encoding="utf-8")
    assert f"<dc:title>Overall survival after the first radioembolization \u2014 {named}" in text
    assert named + "." in text  # the caption line, drawn as text
    assert "All patients (n = 12," in text  # and the curve is that cohort's
    assert named in _pdf_info(pdf, "Title") and json.loads(_pdf_info(pdf, "Subject"))["cohort"] == named
    capsys.readouterr()


def test_figure_without_a_cohort_says_all_patients(cohort_db, tmp_path):
    out = tmp_path / "w.png"
    assert main(["figure", "waterfall", "--db", str(cohort_db), "--out", str(out)]) == 0
    assert _png_meta(out)[1]["cohort"] == "All 44 patients"


def test_unknown_cohort_is_one_line_and_no_file(cohort_db, tmp_path, capsys):
    out = tmp_path / "km.png"
    assert main(["figure", "km", "--db", str(cohort_db), "--out", str(out), "--cohort", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no cohort named “nope”" in err and "First twelve" in err
    assert list(tmp_path.iterdir()) == []
