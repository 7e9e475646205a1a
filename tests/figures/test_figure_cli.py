"""`y90gui figure`: each bad argument is one line naming the option, exit 2, and no file."""

from __future__ import annotations

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


@pytest.mark.parametrize(("kind", "extra"), [("km", ["--strata", "extent", "--grey"]), ("swimmer", []),
                                         ("waterfall", ["--width-mm", "85", "--height-mm", "80"]),
                                         ("labs", ["--test", "platelets", "--time-unit", "months"])])
def test_each_figure_writes_its_file(db, tmp_path, capsys, kind, extra):
    out = tmp_path / f"{kind}.pdf"
    assert main(["figure", kind, "--db", str(db), "--out", str(out), *extra]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert capsys.readouterr().out == f"wrote {out}\n"
