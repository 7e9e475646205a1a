"""Roles, grants and row-level security of a registry: who may see and change what.

Applied by `registry init` after the tables (and again on every init, so it is idempotent and a
newer y90gui can tighten the rules). Two layers, both in the database:

- privileges: the group roles `y90_<role>@<db>` (NOLOGIN) get SELECT, and for coordinator and
  editor INSERT/UPDATE/DELETE, on the data tables; nobody but the owner gets anything on
  `audit`, `actions` and `members` beyond SELECT (the audit is written by the owner's triggers,
  actions by `begin_action`, members by `grant_role` / `revoke_role`);
- rows: `members` (login, role, centre) decides which patients a login sees and writes. The
  policies call SECURITY DEFINER functions that read `members` for `session_user`, each wrapped
  in a scalar sub-select so it runs once per query, not once per row.
"""

from __future__ import annotations

from y90gui.core.sheets import PATIENT_CHILD_SHEETS, SHEETS
from y90gui.registry.schema import ROLES, SCHEMA, group_role, quote_ident, quote_literal, table

_DEFINER = f"SECURITY DEFINER SET search_path = pg_catalog, {SCHEMA}"


def _role_functions(dbname: str) -> list[str]:
    """The membership questions the policies ask, and the three commands that change state."""
    groups = {r: quote_literal(group_role(dbname, r)) for r in ROLES}
    return [
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.is_admin() RETURNS boolean
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT pg_has_role(session_user, (SELECT nspowner FROM pg_namespace WHERE nspname = '{SCHEMA}'), 'USAGE')
$$""",
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.sees_all() RETURNS boolean
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT EXISTS (SELECT 1 FROM {SCHEMA}.members WHERE login = session_user
                   AND (role = 'coordinator' OR (role = 'reviewer' AND center IS NULL)))
$$""",
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.writes_all() RETURNS boolean
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT EXISTS (SELECT 1 FROM {SCHEMA}.members WHERE login = session_user AND role = 'coordinator')
$$""",
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.my_role() RETURNS text
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT min(role) FROM {SCHEMA}.members WHERE login = session_user
$$""",
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.my_centres() RETURNS text[]
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT coalesce(array_agg(center), '{{}}') FROM {SCHEMA}.members
    WHERE login = session_user AND center IS NOT NULL
$$""",
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.my_write_centres() RETURNS text[]
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT coalesce(array_agg(center), '{{}}') FROM {SCHEMA}.members WHERE login = session_user AND role = 'editor'
$$""",
        # Every user's last action (below p_before), for "has the registry moved on?" checks.
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.last_action(p_before bigint DEFAULT NULL) RETURNS bigint
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT coalesce(max(id), 0) FROM {SCHEMA}.actions WHERE (p_before IS NULL OR id < p_before)
        AND kind <> 'cohort'
$$""",
        # One user action = one transaction = one row in actions; the audit links to it.
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.begin_action(p_description text, p_kind text, p_host text,
                                                   p_reverses bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
    new_id bigint;
BEGIN
    IF NOT ({SCHEMA}.is_admin() OR EXISTS (SELECT 1 FROM {SCHEMA}.members WHERE login = session_user
                                           AND role IN ('coordinator', 'editor'))) THEN
        RAISE EXCEPTION '% may not change this registry (not a coordinator or editor)', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO {SCHEMA}.actions(host, description, kind, reverses)
    VALUES (p_host, p_description, p_kind, p_reverses) RETURNING id INTO new_id;
    PERFORM set_config('y90.action_id', new_id::text, true);
    RETURN new_id;
END $$""",
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.grant_role(p_login text, p_role text, p_center text)
RETURNS void LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
    groups jsonb := jsonb_build_object('coordinator', {groups['coordinator']}, 'editor', {groups['editor']},
                                       'reviewer', {groups['reviewer']});
BEGIN
    IF NOT ({SCHEMA}.is_admin() OR {SCHEMA}.writes_all()) THEN
        RAISE EXCEPTION 'only a coordinator (or the registry''s owner) grants roles'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT groups ? p_role THEN
        RAISE EXCEPTION 'unknown role %: coordinator, editor or reviewer', p_role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_role = 'editor' AND p_center IS NULL THEN
        RAISE EXCEPTION 'an editor is an editor of a centre: give --center' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_role = 'coordinator' AND p_center IS NOT NULL THEN
        RAISE EXCEPTION 'a coordinator covers every centre: no --center' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login AND (rolsuper OR NOT rolcanlogin)) THEN
        RAISE EXCEPTION '% is a superuser or a group role, not a login for a person', p_login
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', p_login);
    END IF;
    -- One role per login; an editor (or reviewer) may hold several centres.
    -- (a centre-less grant replaces the centres; a centre replaces "every centre").
    DELETE FROM {SCHEMA}.members WHERE login = p_login AND role <> p_role;
    DELETE FROM {SCHEMA}.members WHERE login = p_login AND (p_center IS NULL OR center IS NULL)
        AND coalesce(center, '') <> coalesce(p_center, '');
    INSERT INTO {SCHEMA}.members(login, role, center) VALUES (p_login, p_role, p_center) ON CONFLICT DO NOTHING;
    EXECUTE format('REVOKE %I, %I, %I FROM %I', groups->>'coordinator', groups->>'editor', groups->>'reviewer',
                   p_login);
    EXECUTE format('GRANT %I TO %I', groups->>p_role, p_login);
END $$""",
        f"""CREATE OR REPLACE FUNCTION {SCHEMA}.revoke_role(p_login text) RETURNS boolean
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
    had boolean;
BEGIN
    IF NOT ({SCHEMA}.is_admin() OR {SCHEMA}.writes_all()) THEN
        RAISE EXCEPTION 'only a coordinator (or the registry''s owner) revokes roles'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM {SCHEMA}.members WHERE login = p_login;
    had := FOUND;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        EXECUTE format('REVOKE %I, %I, %I FROM %I', {groups['coordinator']}, {groups['editor']},
                       {groups['reviewer']}, p_login);
    END IF;
    RETURN had;
END $$""",
    ]


def _create_group(name: str) -> str:
    lit = quote_literal(name)
    return (f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {lit}) THEN "
            f"CREATE ROLE {quote_ident(name)} NOLOGIN; END IF; END $$")


def _policies() -> list[str]:
    """Row-level security: patients by centre, every other patient sheet through its patient."""
    sees = f"(SELECT {SCHEMA}.sees_all()) OR center = ANY ((SELECT {SCHEMA}.my_centres())::text[])"
    writes = f"(SELECT {SCHEMA}.writes_all()) OR center = ANY ((SELECT {SCHEMA}.my_write_centres())::text[])"
    through_patient = f"patient_id IN (SELECT patient_id FROM {table('patients')})"
    mine = f"owner = session_user OR (SELECT {SCHEMA}.writes_all())"
    spec: list[tuple[str, str, str, str | None]] = [  # table, policy, command, USING (WITH CHECK = USING)
        ("patients", "read", "SELECT", sees),
        ("patients", "write", "ALL", writes),
        *[(s.name, "through_patient", "ALL", through_patient) for s in PATIENT_CHILD_SHEETS],
        ("reference_ranges", "read", "SELECT", "true"),
        ("reference_ranges", "write", "ALL", writes),
        ("audit", "read", "SELECT", f"{sees} OR \"user\" = session_user"),
        ("actions", "read", "SELECT", f"(SELECT {SCHEMA}.sees_all()) OR \"user\" = session_user"),
        # named cohorts: seen by every member, changed by their owner or a coordinator; their
        # patients seen (and added) only where the patient is (registry.cohorts)
        ("cohorts", "read", "SELECT", "true"),
        ("cohorts", "write", "ALL", mine),
        ("cohort_patients", "read", "SELECT", through_patient),
        ("cohort_patients", "write", "ALL",
         f"{through_patient} AND cohort_id IN (SELECT id FROM {SCHEMA}.cohorts WHERE {mine})"),
    ]
    out = []
    for tbl in dict.fromkeys(t for t, *_ in spec):
        out.append(f"ALTER TABLE {table(tbl)} ENABLE ROW LEVEL SECURITY")
    for tbl, name, command, using in spec:
        policy = quote_ident(f"{tbl}_{name}")
        out.append(f"DROP POLICY IF EXISTS {policy} ON {table(tbl)}")
        check = f" WITH CHECK ({using})" if command == "ALL" else ""
        out.append(f"CREATE POLICY {policy} ON {table(tbl)} FOR {command} USING ({using}){check}")
    return out


def access_statements(dbname: str) -> list[str]:
    """Group roles, privileges, policies and the membership functions of registry `dbname`."""
    g = {r: quote_ident(group_role(dbname, r)) for r in ROLES}
    everyone = ", ".join(g.values())
    writers = f"{g['coordinator']}, {g['editor']}"
    data = ", ".join([*(table(s.name) for s in SHEETS), f"{SCHEMA}.cohorts", f"{SCHEMA}.cohort_patients"])
    stmts = [_create_group(group_role(dbname, r)) for r in ROLES]
    stmts.extend(_role_functions(dbname))
    stmts += [
        f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM PUBLIC",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {SCHEMA} FROM PUBLIC",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM {everyone}",
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {everyone}",
        f"GRANT SELECT ON {data}, {SCHEMA}.meta, {SCHEMA}.audit, {SCHEMA}.actions TO {everyone}",
        f"GRANT INSERT, UPDATE, DELETE ON {data} TO {writers}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {writers}",
        f"GRANT SELECT ON {SCHEMA}.members TO {g['coordinator']}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {SCHEMA} TO {everyone}",
    ]
    stmts.extend(_policies())
    return stmts
