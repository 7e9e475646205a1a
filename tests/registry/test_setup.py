"""`registry init`, `grant`, `revoke`, `users` on a real server, through the command line."""

from __future__ import annotations

import json

import psycopg
import pytest

from tests.registry.conftest import run_cli
from y90gui.core.errors import Y90Error
from y90gui.registry.schema import SCHEMA_VERSION


def _objects(url: str) -> tuple[int, int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'y90'), "
            "(SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'y90' AND NOT t.tgisinternal), "
            "(SELECT count(*) FROM pg_policies WHERE schemaname = 'y90')").fetchone()
    assert row is not None
    return row


def test_init_creates_the_schema_once_and_is_idempotent(admin_url: str) -> None:
    code, out, err = run_cli("registry", "init", "--db", admin_url)
    assert code == 0, err
    assert "created the registry" in out
    first = _objects(admin_url)
    assert first[0] == 14  # 8 sheets + meta, actions, audit, members + cohorts, cohort_patients (schema 3)
    code, out, err = run_cli("registry", "init", "--db", admin_url)
    assert code == 0, err
    assert f"up to date (schema {SCHEMA_VERSION})" in out
    assert _objects(admin_url) == first
    code, out, _ = run_cli("info", "--db", admin_url, "--json")
    assert code == 0
    info = json.loads(out)
    assert info["schema_version"] == SCHEMA_VERSION and info["integrity"] == "ok" and info["patients"] == 0


def test_init_upgrades_a_schema_1_registry_with_the_exclusion_columns(admin_url: str) -> None:
    assert run_cli("registry", "init", "--db", admin_url)[0] == 0
    with psycopg.connect(admin_url, autocommit=True) as conn:  # back to schema 1, as the first version made it
        conn.execute("ALTER TABLE y90.patients DROP COLUMN excluded_from_analysis, DROP COLUMN exclusion_reason")
        _back_to_schema_2(conn)
        conn.execute("UPDATE y90.meta SET value = '1' WHERE key = 'schema_version'")
    code, out, err = run_cli("registry", "init", "--db", admin_url)
    assert code == 0, err
    assert f"from schema 1 to {SCHEMA_VERSION}" in out
    with psycopg.connect(admin_url) as conn:
        cols = {r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns "
                                           "WHERE table_schema = 'y90' AND table_name = 'patients'")}
    assert {"excluded_from_analysis", "exclusion_reason"} <= cols


def _back_to_schema_2(conn: psycopg.Connection) -> None:  # type: ignore[type-arg]
    """As schema 2 made it: no cohort tables, no action kind 'cohort'."""
    conn.execute("DROP TABLE y90.cohort_patients, y90.cohorts")
    conn.execute("ALTER TABLE y90.actions DROP CONSTRAINT actions_kind_check, ADD CONSTRAINT actions_kind_check "
                 "CHECK (kind IN ('edit', 'import', 'undo', 'redo', 'system'))")


def test_init_upgrades_a_schema_2_registry_with_named_cohorts(admin_url: str, login) -> None:
    from y90gui.registry.database import Registry

    assert run_cli("registry", "init", "--db", admin_url)[0] == 0
    with psycopg.connect(admin_url, autocommit=True) as conn:
        _back_to_schema_2(conn)
        conn.execute("UPDATE y90.meta SET value = '2' WHERE key = 'schema_version'")
    with pytest.raises(Y90Error, match="older schema 2"):
        Registry.open(admin_url)
    code, out, err = run_cli("registry", "init", "--db", admin_url)
    assert code == 0, err
    assert f"from schema 2 to {SCHEMA_VERSION}" in out
    with Registry.open(admin_url) as reg:
        reg.save_cohort("all", search="", filters={}, description="every patient", patient_ids=None)
        assert [c.name for c in reg.saved_cohorts()] == ["all"]
        kinds = [r[0] for r in reg.conn.execute("SELECT kind FROM y90.actions")]
    assert kinds == ["cohort"]


def test_grant_creates_a_login_without_password_and_users_lists_it(registry_url: str, login, pg_cluster) -> None:
    alice, bob, carol = login("alice"), login("bob"), login("carol")
    assert run_cli("registry", "grant", "--db", registry_url, "--user", alice, "--role", "editor",
                   "--center", "Aurora")[0] == 0
    assert run_cli("registry", "grant", "--db", registry_url, "--user", alice, "--role", "editor",
                   "--center", "Borealis")[0] == 0
    assert run_cli("registry", "grant", "--db", registry_url, "--user", bob, "--role", "reviewer")[0] == 0
    assert run_cli("registry", "grant", "--db", registry_url, "--user", carol, "--role", "coordinator")[0] == 0
    code, out, _ = run_cli("registry", "users", "--db", registry_url, "--json")
    assert code == 0
    users = {u["user"]: u for u in json.loads(out)}
    assert users[alice]["role"] == "editor" and users[alice]["centers"] == ["Aurora", "Borealis"]
    assert users[bob]["role"] == "reviewer" and users[bob]["centers"] == []
    assert users[carol]["role"] == "coordinator" and all(u["can_login"] for u in users.values())
    with psycopg.connect(pg_cluster.url()) as conn:  # the superuser sees the password column
        row = conn.execute("SELECT rolcanlogin, rolpassword IS NULL FROM pg_authid WHERE rolname = %s",
                           (alice,)).fetchone()
    assert row == (True, True)


def test_grant_checks_the_centre_option(registry_url: str, login) -> None:
    code, _, err = run_cli("registry", "grant", "--db", registry_url, "--user", login("x"), "--role", "editor")
    assert code == 2 and "--center" in err
    code, _, err = run_cli("registry", "grant", "--db", registry_url, "--user", login("y"), "--role",
                           "coordinator", "--center", "Aurora")
    assert code == 2
    for not_a_person in ("postgres", f"y90_editor@{registry_url.rsplit('/', 1)[1]}"):
        code, _, err = run_cli("registry", "grant", "--db", registry_url, "--user", not_a_person, "--role",
                               "reviewer")
        assert code == 1 and "not a login for a person" in err


def test_revoke_takes_the_role_and_its_rows_away(registry_url: str, login, url_of) -> None:
    alice = login("alice")
    run_cli("registry", "grant", "--db", registry_url, "--user", alice, "--role", "reviewer")
    with psycopg.connect(url_of(alice)) as conn:
        assert conn.execute("SELECT count(*) FROM y90.patients").fetchone() == (0,)
    code, out, _ = run_cli("registry", "revoke", "--db", registry_url, "--user", alice)
    assert code == 0 and "no role" in out
    code, out, _ = run_cli("registry", "users", "--db", registry_url, "--json")
    assert alice not in {u["user"] for u in json.loads(out)}
    with psycopg.connect(url_of(alice)) as conn:  # the login stays, its privileges do not
        try:
            conn.execute("SELECT count(*) FROM y90.patients")
            raise AssertionError("a revoked login still reads the registry")
        except psycopg.errors.InsufficientPrivilege:
            pass


def test_only_a_coordinator_grants(registry_url: str, login, url_of) -> None:
    alice, carol = login("alice"), login("carol")
    run_cli("registry", "grant", "--db", registry_url, "--user", alice, "--role", "editor", "--center", "A")
    run_cli("registry", "grant", "--db", registry_url, "--user", carol, "--role", "coordinator")
    code, _, err = run_cli("registry", "grant", "--db", url_of(alice), "--user", login("eve"), "--role",
                           "coordinator")
    assert code == 1 and "only a coordinator" in err
    code, _, err = run_cli("registry", "grant", "--db", url_of(carol), "--user", login("dan"), "--role",
                           "reviewer", "--center", "A")
    assert code == 0, err


def test_a_url_with_a_password_is_refused(registry_url: str) -> None:
    code, _, err = run_cli("info", "--db", registry_url.replace("postgres@", "postgres:secret@"))
    assert code == 1 and "must not contain a password" in err and "secret" not in err
