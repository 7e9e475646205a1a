"""Named cohorts on a registry respect the roles (schema 3, `registry.cohorts`): checked through
the API and with direct SQL as each login, so the rules hold for any client, not only y90gui."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.registry.conftest import run_cli
from y90gui.demo.cohort import build_demo
from y90gui.registry.database import Registry
from y90gui.registry.errors import RegistryAccessError
from y90gui.store.cohorts import CohortNameError

AURORA = "Fictional Centre Aurora (synthetic demo)"
DEMO = build_demo()
AURORA_IDS = [r["patient_id"] for r in DEMO["patients"] if r["center"] == AURORA]
OTHER_IDS = [r["patient_id"] for r in DEMO["patients"] if r["center"] != AURORA]
OTHER_CENTRE = next(r["center"] for r in DEMO["patients"] if r["center"] != AURORA)


@pytest.fixture
def logins(registry_url: str, login, url_of) -> dict[str, str]:
    """A filled registry, a study-wide cohort saved by a coordinator; the URL of each login."""
    users = {"coordinator": login("coord"), "editor": login("ed"), "other_editor": login("ed2"),
             "reviewer": login("rev")}
    grants = {"coordinator": [], "editor": ["--center", AURORA], "other_editor": ["--center", OTHER_CENTRE],
              "reviewer": []}
    for key, user in users.items():
        role = "editor" if "editor" in key else key
        assert run_cli("registry", "grant", "--db", registry_url, "--user", user, "--role", role, *grants[key])[0] == 0
    urls = {k: url_of(u) for k, u in users.items()}
    with Registry.open(urls["coordinator"]) as reg:
        reg.replace_patients(DEMO, "demo")
        reg.save_cohort("study", search="", filters={"vital_status": "dead"}, description="both centres",
                        patient_ids=[OTHER_IDS[0], AURORA_IDS[0], OTHER_IDS[1], AURORA_IDS[1]])
    return urls


def _rows(url: str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return list(conn.execute(sql, params).fetchall())


def test_an_editor_sees_the_cohort_but_only_their_centres_patients_in_it(logins: dict[str, str]) -> None:
    url = logins["editor"]
    coordinator = logins["coordinator"].split("//")[1].split("@")[0]
    assert _rows(url, "SELECT name, owner FROM y90.cohorts") == [("study", coordinator)]
    members = [r[0] for r in _rows(url, "SELECT patient_id FROM y90.cohort_patients ORDER BY position")]
    assert members == AURORA_IDS[:2]  # direct SQL: the other centre's members do not exist for them
    assert _rows(url, "SELECT count(*) FROM y90.cohort_patients")[0][0] == 2
    with Registry.open(url) as reg:
        (cohort,) = reg.saved_cohorts()
    assert cohort.patient_ids == tuple(AURORA_IDS[:2]) and cohort.filters == {"vital_status": "dead"}
    with Registry.open(logins["coordinator"]) as reg:  # the coordinator sees all four
        assert reg.saved_cohorts()[0].patient_ids == (OTHER_IDS[0], AURORA_IDS[0], OTHER_IDS[1], AURORA_IDS[1])


def test_an_editor_cannot_change_someone_elses_cohort_nor_add_unseen_patients(logins: dict[str, str]) -> None:
    url = logins["editor"]
    # direct SQL: the policy leaves the coordinator's cohort untouched (no row matches for them)
    assert _rows(url, "WITH d AS (DELETE FROM y90.cohorts RETURNING id) SELECT count(*) FROM d")[0][0] == 0
    assert _rows(url, "WITH u AS (UPDATE y90.cohorts SET name = 'mine' RETURNING id) SELECT count(*) FROM u")[0][0] == 0
    with Registry.open(url) as reg:
        with pytest.raises(RegistryAccessError, match="only they or a coordinator may delete"):
            reg.delete_cohort("study")
        with pytest.raises(CohortNameError, match="exists already"):
            reg.save_cohort("STUDY", search="", filters={}, description="", patient_ids=None)
        reg.save_cohort("mine", search="", filters={}, description="", patient_ids=AURORA_IDS[:1])
        cohort_id = reg.conn.execute("SELECT id FROM y90.cohorts WHERE name = 'mine'").fetchone()[0]
        # an ID of another centre's patient cannot be put into a cohort, through any client
        with pytest.raises(RegistryAccessError):
            reg.save_cohort("mine", search="", filters={}, description="", patient_ids=OTHER_IDS[:1], replace=True)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        _rows(url, "INSERT INTO y90.cohort_patients VALUES (%s, %s, 9)", (cohort_id, OTHER_IDS[0]))
    with Registry.open(logins["coordinator"]) as reg:
        assert [c.name for c in reg.saved_cohorts()] == ["mine", "study"]
        reg.rename_cohort("mine", "editor's")  # a coordinator may change anyone's
    with Registry.open(logins["other_editor"]) as reg:  # another centre's editor sees no patient of it
        assert [(c.name, c.patient_ids) for c in reg.saved_cohorts()][0] == ("editor's", ())


def test_a_reviewer_reads_cohorts_but_cannot_save_one(logins: dict[str, str]) -> None:
    url = logins["reviewer"]
    with Registry.open(url) as reg:
        assert len(reg.saved_cohorts()[0].patient_ids or ()) == 4  # a centre-less reviewer reads all
        with pytest.raises(RegistryAccessError):
            reg.save_cohort("rev", search="", filters={}, description="", patient_ids=None)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _rows(url, "INSERT INTO y90.cohorts(name, all_patients) VALUES ('rev', true)")


def test_report_cohort_on_a_url_reports_the_patients_the_login_sees(logins: dict[str, str]) -> None:
    code, out, err = run_cli("report", "--db", logins["editor"], "--json", "--cohort", "Study")
    assert code == 0, err
    report = json.loads(out)
    assert report["cohort"]["name"] == "study" and report["patients"] == 2
    code, out, err = run_cli("report", "--db", logins["coordinator"], "--json", "--cohort", "study")
    assert code == 0 and json.loads(out)["patients"] == 4
    code, _, err = run_cli("report", "--db", logins["editor"], "--json", "--cohort", "nope")
    assert code == 1 and "no cohort named “nope”" in err and "“study”" in err


def test_cohort_actions_are_recorded_but_do_not_move_the_import_mark(logins: dict[str, str]) -> None:
    with Registry.open(logins["editor"]) as reg:
        mark = reg.mark()
        reg.save_cohort("mine", search="", filters={}, description="", patient_ids=None)
        assert reg.mark() == mark  # a pending import preview stays valid
        assert reg.undo_stack()[0] == []  # nothing of the patients' to undo
    who = _rows(logins["coordinator"], "SELECT \"user\", kind, description FROM y90.actions ORDER BY id DESC LIMIT 1")
    assert who[0][1:] == ("cohort", "save cohort “mine”")


def test_figure_cohort_on_a_url_draws_and_names_the_patients_the_login_sees(
        logins: dict[str, str], tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "km.png"
    code, _, err = run_cli("figure", "km", "--db", logins["editor"], "--cohort", "Study", "--out", str(out),
                           "--dpi", "100")
    assert code == 0, err
    meta = Image.open(out).text
    assert "study" in json.dumps(meta).casefold() and "2 of" in json.dumps(meta)
    code, _, err = run_cli("figure", "km", "--db", logins["editor"], "--cohort", "nope",
                           "--out", str(tmp_path / "no.png"))
    assert code == 1 and "no cohort named “nope”" in err and not (tmp_path / "no.png").exists()
