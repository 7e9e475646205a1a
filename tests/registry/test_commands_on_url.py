"""`import`, `report`, `info` and `snapshot` on a registry URL give what they give on a `.y90` file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.registry.conftest import run_cli
from y90gui.demo.cohort import build_demo
from y90gui.io.exporter import write_workbook

AURORA = "Fictional Centre Aurora (synthetic demo)"


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(build_demo(), tmp_path_factory.mktemp("wb") / "demo.xlsx")


@pytest.fixture
def coordinator(registry_url: str, login, url_of) -> str:
    user = login("coord")
    assert run_cli("registry", "grant", "--db", registry_url, "--user", user, "--role", "coordinator")[0] == 0
    return url_of(user)


def _report(db: str) -> dict[str, object]:
    code, out, err = run_cli("report", "--db", db, "--json")
    assert code == 0, err
    return json.loads(out)


def test_import_then_report_equals_the_file(demo_workbook: Path, coordinator: str, tmp_path: Path) -> None:
    code, out, err = run_cli("import", str(demo_workbook), "--db", coordinator, "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["applied"] and len(result["new"]) == 44
    y90 = tmp_path / "same.y90"
    assert run_cli("import", str(demo_workbook), "--db", str(y90))[0] == 0
    from_file, from_registry = _report(str(y90)), _report(coordinator)
    assert from_registry == from_file
    assert from_registry["patients"] == 44
    # importing the same workbook again changes nothing
    code, out, _ = run_cli("import", str(demo_workbook), "--db", coordinator, "--json")
    assert code == 0 and len(json.loads(out)["unchanged"]) == 44


def test_info_on_a_url_counts_like_the_file(demo_workbook: Path, coordinator: str, tmp_path: Path) -> None:
    run_cli("import", str(demo_workbook), "--db", coordinator)
    y90 = tmp_path / "same.y90"
    run_cli("import", str(demo_workbook), "--db", str(y90))
    file_info = json.loads(run_cli("info", "--db", str(y90), "--json")[1])
    code, out, _ = run_cli("info", "--db", coordinator, "--json")
    url_info = json.loads(out)
    assert code == 0 and url_info["role"] == "coordinator"
    for key in ("patients", "procedures", "prrt_cycles", "assessments", "lab_values", "adverse_events",
                "treatments_after", "reference_ranges", "integrity"):
        assert url_info[key] == file_info[key], key
    # each back end counts its own schema steps (store.schema vs registry.schema MIGRATIONS)
    assert isinstance(url_info["schema_version"], int)


def test_snapshot_is_a_y90_with_the_same_report(demo_workbook: Path, coordinator: str, tmp_path: Path) -> None:
    run_cli("import", str(demo_workbook), "--db", coordinator)
    out = tmp_path / "offline.y90"
    code, text, err = run_cli("snapshot", "--db", coordinator, "--out", str(out))
    assert code == 0, err
    assert "44 patient(s)" in text
    assert _report(str(out)) == _report(coordinator)
    code, _, err = run_cli("snapshot", "--db", coordinator, "--out", str(out))
    assert code == 1 and "already exists" in err


def test_an_editor_importing_another_centre_gets_an_error_naming_it(
        demo_workbook: Path, coordinator: str, registry_url: str, login, url_of) -> None:
    editor = login("ed")
    run_cli("registry", "grant", "--db", registry_url, "--user", editor, "--role", "editor", "--center", AURORA)
    code, _, err = run_cli("import", str(demo_workbook), "--db", url_of(editor))
    assert code == 1
    first_other = next(r for r in build_demo()["patients"] if r["center"] != AURORA)
    assert f"{first_other['patient_id']} belongs to centre {first_other['center']}" in err
    assert "nothing was imported" in err
    assert json.loads(run_cli("info", "--db", coordinator, "--json")[1])["patients"] == 0


def test_a_command_that_does_not_take_a_url_says_so(coordinator: str, tmp_path: Path) -> None:
    code, _, err = run_cli("template", "--out", str(tmp_path / "t.xlsx"))
    assert code == 0, err
    code, _, err = run_cli("demo", "--db", coordinator)
    assert code == 2 and "not yet on a registry URL" in err


def test_export_and_backup_on_a_url(demo_workbook: Path, coordinator: str, registry_url: str, login, url_of,
                                    tmp_path: Path) -> None:
    run_cli("import", str(demo_workbook), "--db", coordinator)
    out = tmp_path / "back.xlsx"
    code, text, err = run_cli("export", "--db", coordinator, "--out", str(out))
    assert code == 0 and "44 patient(s)" in text, err
    again = tmp_path / "again.y90"
    assert run_cli("import", str(out), "--db", str(again))[0] == 0
    assert _report(str(again)) == _report(coordinator)
    # an editor exports their centre only, and another centre's patient does not exist for them
    editor = login("ed")
    run_cli("registry", "grant", "--db", registry_url, "--user", editor, "--role", "editor", "--center", AURORA)
    code, text, _ = run_cli("export", "--db", url_of(editor), "--out", str(tmp_path / "mine.xlsx"))
    n_aurora = sum(r["center"] == AURORA for r in build_demo()["patients"])
    assert code == 0 and f"exported {n_aurora} patient(s)" in text
    other = next(r["patient_id"] for r in build_demo()["patients"] if r["center"] != AURORA)
    code, _, err = run_cli("export", "--db", url_of(editor), "--out", str(tmp_path / "x.xlsx"), "--patient", other)
    assert code == 1 and f"no patient {other}" in err
    code, text, err = run_cli("backup", "--db", url_of(editor), "--out", str(tmp_path / "mine.y90"))
    assert code == 0 and f"{n_aurora} patient(s)" in text, err


def test_summary_rows_and_export_rows_equal_the_file(coordinator: str, tmp_path: Path) -> None:
    """The review table's rows and the exporter's rows, read through `backend.CaseSeries`."""
    from y90gui.core.sheets import SHEETS
    from y90gui.registry.database import Registry
    from y90gui.store.store import Store
    from y90gui.store.summary import patient_summary

    data = build_demo()
    with Store.create(tmp_path / "same.y90") as store, Registry.open(coordinator) as reg:
        store.replace_patients(data, "demo")
        reg.replace_patients(data, "demo")
        assert reg.patient_summary() == patient_summary(store.conn)
        for sheet in SHEETS:
            expected = [tuple(r[n] for n in sheet.column_names) for r in store.read_table(sheet.name)]
            assert list(reg.iter_rows(sheet)) == expected, sheet.name
            assert reg.read_table(sheet.name) == store.read_table(sheet.name), sheet.name


def test_report_workbook_and_documents_on_a_url(demo_workbook: Path, coordinator: str, tmp_path: Path) -> None:
    """`report --out/--docx/--pdf` on a URL: the file's code path, the same tables as from the .y90."""
    import openpyxl

    run_cli("import", str(demo_workbook), "--db", coordinator)
    y90 = tmp_path / "same.y90"
    run_cli("import", str(demo_workbook), "--db", str(y90))
    sheets = {}
    for name, db in (("file", str(y90)), ("url", coordinator)):
        out, docx, pdf = tmp_path / f"{name}.xlsx", tmp_path / f"{name}.docx", tmp_path / f"{name}.pdf"
        code, text, err = run_cli("report", "--db", db, "--out", str(out), "--docx", str(docx), "--pdf", str(pdf))
        assert code == 0, err
        assert f"wrote the report to {out}" in text
        assert docx.stat().st_size > 10_000 and pdf.read_bytes().startswith(b"%PDF")
        wb = openpyxl.load_workbook(out, read_only=True)
        sheets[name] = {ws.title: [row for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets
                        if ws.title not in ("README", "_meta")}
    assert sheets["url"].keys() == sheets["file"].keys()
    for title in sheets["file"]:
        if title.lower().startswith("settings"):
            continue  # names the source
        assert sheets["url"][title] == sheets["file"][title], title


def test_export_deidentified_on_a_url(demo_workbook: Path, coordinator: str, tmp_path: Path) -> None:
    """`export --deidentify` on a URL: the file's de-identification, the mapping not kept on the server."""
    import openpyxl

    run_cli("import", str(demo_workbook), "--db", coordinator)
    out = tmp_path / "deid.xlsx"
    code, text, err = run_cli("export", "--db", coordinator, "--out", str(out), "--deidentify")
    assert code == 0, err
    assert "exported 44 patient(s)" in text and "(de-identified)" in text
    assert "mapping" in err and "not kept" in err
    ws = openpyxl.load_workbook(out, read_only=True)["patients"]
    rows = list(ws.iter_rows(values_only=True))
    ids = {r[0] for r in rows[1:] if r[0]}
    real = {r["patient_id"] for r in build_demo()["patients"]}
    assert len(ids) == 44 and not ids & real
    # the de-identified workbook imports into a fresh file as 44 patients
    fresh = tmp_path / "deid.y90"
    code, _, err = run_cli("import", str(out), "--db", str(fresh))
    assert code == 0, err
    assert json.loads(run_cli("info", "--db", str(fresh), "--json")[1])["patients"] == 44


def test_the_file_and_the_registry_answer_the_case_series_calls_alike(coordinator: str, tmp_path: Path) -> None:
    """store.backend.CaseSeries: sheet_rows, iter_rows, patient_summary, name, mark on both back ends."""
    from y90gui.core.sheets import SHEETS
    from y90gui.registry.database import Registry
    from y90gui.store.store import Store

    data = build_demo()
    some = sorted(r["patient_id"] for r in data["patients"])[3:9]
    with Store.create(tmp_path / "same.y90") as store, Registry.open(coordinator) as reg:
        before = (store.mark(), reg.mark())
        store.replace_patients(data, "demo")
        reg.replace_patients(data, "demo")
        assert store.mark() != before[0] and reg.mark() != before[1]
        assert store.patient_summary() == reg.patient_summary()
        assert store.name == "same.y90" and "@" in reg.name
        for sheet in SHEETS:
            for ids in (None, some):
                assert reg.sheet_rows(sheet, ids) == store.sheet_rows(sheet, ids), sheet.name
                assert list(reg.iter_rows(sheet, ids)) == list(store.iter_rows(sheet, ids)), sheet.name


def test_figure_and_cox_on_a_url_equal_the_file(demo_workbook: Path, coordinator: str, tmp_path: Path) -> None:
    """`figure` and `analyse cox` on a URL: the file's code, the same result."""
    run_cli("import", str(demo_workbook), "--db", coordinator)
    y90 = tmp_path / "same.y90"
    run_cli("import", str(demo_workbook), "--db", str(y90))
    outs = {}
    for name, db in (("file", str(y90)), ("url", coordinator)):
        code, out, err = run_cli("analyse", "cox", "--db", db, "--covariates", "sex,age", "--json")
        assert code == 0, err
        outs[name] = json.loads(out)
        png = tmp_path / f"km-{name}.svg"
        code, text, err = run_cli("figure", "km", "--db", db, "--out", str(png))
        assert code == 0 and png.exists(), err
    assert outs["url"] == outs["file"]
    svg = (tmp_path / "km-url.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
