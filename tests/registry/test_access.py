"""Access is enforced by the database: checked with direct SQL as each role's own login."""

from __future__ import annotations

import psycopg
import pytest

from tests.registry.conftest import run_cli
from y90gui.demo.cohort import build_demo
from y90gui.registry.database import Registry

AURORA = "Fictional Centre Aurora (synthetic demo)"
BOREALIS = "Fictional Centre Borealis (synthetic demo)"


@pytest.fixture
def demo_registry(registry_url: str) -> dict[str, int]:
    """The demo cohort in the registry; how many patients each centre has."""
    data = build_demo()
    with Registry.open(registry_url) as reg:
        reg.replace_patients(data, "demo cohort")
    counts: dict[str, int] = {}
    for r in data["patients"]:
        counts[r["center"]] = counts.get(r["center"], 0) + 1
    return counts


@pytest.fixture
def roles(registry_url: str, login, url_of) -> dict[str, str]:
    """URLs of an editor of Aurora, a reviewer of Borealis, a reviewer of all, a coordinator."""
    names = {"editor": login("ed"), "reviewer_b": login("revb"), "reviewer": login("rev"), "coord": login("co")}
    for args in (("editor", names["editor"], AURORA), ("reviewer", names["reviewer_b"], BOREALIS),
                 ("reviewer", names["reviewer"], None), ("coordinator", names["coord"], None)):
        role, user, centre = args
        extra = ("--center", centre) if centre else ()
        assert run_cli("registry", "grant", "--db", registry_url, "--user", user, "--role", role, *extra)[0] == 0
    return {k: url_of(v) for k, v in names.items()}


def _one(url: str, sql: str, params: tuple[object, ...] = ()) -> object:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql, params).fetchone()
        assert row is not None
        return row[0]


def test_an_editor_sees_and_counts_only_their_centre(demo_registry, roles) -> None:
    editor = roles["editor"]
    assert _one(editor, "SELECT count(*) FROM y90.patients") == demo_registry[AURORA]
    assert _one(editor, "SELECT count(*) FROM y90.patients WHERE center = %s", (BOREALIS,)) == 0
    assert _one(editor, "SELECT count(DISTINCT center) FROM y90.patients") == 1
    # the other sheets follow their patient: no Borealis lab value, not even counted
    assert _one(editor, "SELECT count(*) FROM y90.labs l WHERE l.patient_id NOT IN "
                        "(SELECT patient_id FROM y90.patients)") == 0
    total_labs = _one(roles["coord"], "SELECT count(*) FROM y90.labs")
    mine = _one(roles["coord"], "SELECT count(*) FROM y90.labs JOIN y90.patients USING (patient_id) "
                                "WHERE center = %s", (AURORA,))
    assert _one(editor, "SELECT count(*) FROM y90.labs") == mine < total_labs
    # and the audit of other centres' patients is hidden as well
    assert _one(editor, "SELECT count(*) FROM y90.audit WHERE center IS DISTINCT FROM %s", (AURORA,)) == 0
    assert _one(roles["reviewer_b"], "SELECT count(*) FROM y90.patients") == demo_registry[BOREALIS]
    assert _one(roles["reviewer"], "SELECT count(*) FROM y90.patients") == sum(demo_registry.values())
    code, out, _ = run_cli("info", "--db", editor, "--json")
    assert code == 0 and f'"patients": {demo_registry[AURORA]}' in out


def test_an_editor_cannot_write_another_centre(demo_registry, roles) -> None:
    with psycopg.connect(roles["editor"], autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO y90.patients(patient_id, center, vital_status, followup_date) "
                         "VALUES ('X-1', %s, 'alive', '2024-01-01')", (BOREALIS,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("UPDATE y90.patients SET center = %s", (BOREALIS,))  # moving a patient away
        hidden = _one(roles["coord"], "SELECT patient_id FROM y90.patients WHERE center = %s LIMIT 1", (BOREALIS,))
        assert conn.execute("DELETE FROM y90.patients WHERE patient_id = %s", (hidden,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO y90.treatments_after(patient_id, start_date, treatment) "
                         "VALUES (%s, '2024-01-01', 'none')", (hidden,))
    assert _one(roles["coord"], "SELECT count(*) FROM y90.patients WHERE center = %s",
                (BOREALIS,)) == demo_registry[BOREALIS]


def test_a_reviewer_cannot_write(demo_registry, roles) -> None:
    with psycopg.connect(roles["reviewer"], autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE y90.patients SET notes = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="may not change"):
            conn.execute("SELECT y90.begin_action('x', 'edit', 'h', NULL)")


@pytest.mark.parametrize("role", ["editor", "reviewer", "coord"])
def test_no_application_role_can_change_the_audit(demo_registry, roles, role: str) -> None:
    with psycopg.connect(roles[role], autocommit=True) as conn:
        for sql in ("UPDATE y90.audit SET \"user\" = 'someone else'", "DELETE FROM y90.audit",
                    "TRUNCATE y90.audit", "INSERT INTO y90.audit(tbl, row_key, op) VALUES ('patients', 'x', 'insert')",
                    "UPDATE y90.actions SET description = 'x'", "DELETE FROM y90.actions"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)


def test_even_the_owner_cannot_rewrite_the_audit(demo_registry, registry_url: str) -> None:
    with psycopg.connect(registry_url, autocommit=True) as conn:
        for sql in ("UPDATE y90.audit SET \"user\" = 'x'", "DELETE FROM y90.actions", "TRUNCATE y90.audit CASCADE"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                conn.execute(sql)


def test_the_audit_records_the_database_user(demo_registry, roles, registry_url: str) -> None:
    with Registry.open(roles["editor"]) as reg:
        row = reg.read_table("patients", with_versions=True)[0]
        reg.update_row("patients", row["patient_id"], {"notes": "checked"}, row["row_version"])
        history = reg.history(row["patient_id"])
    editor_login = roles["editor"].split("://")[1].split("@")[0]
    latest = history[0]
    assert latest["user"] == editor_login and latest["op"] == "update"
    assert latest["old"]["notes"] == row["notes"] and latest["new"]["notes"] == "checked"
    assert latest["action"] == f"edit patients {row['patient_id']}"
    assert "row_version" not in latest["new"]
