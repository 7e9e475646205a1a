"""`registry init`, `grant`, `revoke`, `users`: setting a registry up and saying who may do what.

`init` is run by the database's owner (or a superuser): it creates the schema, or upgrades it
step by step, and (re)applies roles, privileges and policies, all in one transaction under an
advisory lock, so running it twice, or twice at once, is harmless. `grant` and `revoke` call
the registry's own SECURITY DEFINER functions, which check that the caller is a coordinator
(or the owner): the database decides, not this client.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from y90gui.registry.access import access_statements
from y90gui.registry.connection import connect, translated
from y90gui.registry.errors import RegistryError
from y90gui.registry.schema import MIGRATIONS, ROLES, SCHEMA, SCHEMA_VERSION, create_statements

#: pg_advisory_xact_lock key of `registry init` ("Y90G").
_INIT_LOCK = 0x59393047


@dataclass(frozen=True)
class InitResult:
    created: bool
    upgraded_from: int | None
    schema_version: int

    def describe(self, label: str) -> str:
        if self.created:
            return f"created the registry in {label} (schema {self.schema_version})"
        if self.upgraded_from is not None:
            return f"upgraded {label} from schema {self.upgraded_from} to {self.schema_version}"
        return f"{label} is up to date (schema {self.schema_version}); roles and policies re-applied"


def init(url: str) -> InitResult:
    conn = connect(url)
    try:
        with translated("registry init"), conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_INIT_LOCK,))
            exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.meta",)).fetchone()
            created, upgraded_from = False, None
            if not (exists and exists[0]):
                for stmt in create_statements():
                    conn.execute(stmt.encode())
                conn.execute(f"INSERT INTO {SCHEMA}.meta VALUES ('schema_version', %s), ('created', %s), "
                             "('created_by', session_user)",
                             (str(SCHEMA_VERSION), dt.datetime.now().astimezone().isoformat(timespec="seconds")))
                created = True
            else:
                row = conn.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema_version'").fetchone()
                version = int(row[0]) if row else 0
                if version > SCHEMA_VERSION:
                    raise RegistryError(f"the registry has schema {version}, newer than this y90gui "
                                        f"({SCHEMA_VERSION}): update y90gui")
                if version < SCHEMA_VERSION:
                    upgraded_from = version
                while version < SCHEMA_VERSION:
                    if version not in MIGRATIONS:
                        raise RegistryError(f"no upgrade path from registry schema {version}")
                    for stmt in MIGRATIONS[version]:
                        conn.execute(stmt.encode())
                    version += 1
                    conn.execute(f"UPDATE {SCHEMA}.meta SET value = %s WHERE key = 'schema_version'",
                                 (str(version),))
            dbname = conn.execute("SELECT current_database()").fetchone()
            assert dbname is not None
            for stmt in access_statements(str(dbname[0])):
                conn.execute(stmt.encode())
        return InitResult(created, upgraded_from, SCHEMA_VERSION)
    finally:
        conn.close()


def grant(url: str, user: str, role: str, center: str | None) -> None:
    if role not in ROLES:
        raise RegistryError(f"unknown role {role}: {', '.join(ROLES)}")
    conn = connect(url)
    try:
        with translated(f"granting {role} to {user}"), conn.transaction():
            conn.execute(f"SELECT {SCHEMA}.grant_role(%s, %s, %s)", (user, role, center))
    finally:
        conn.close()


def revoke(url: str, user: str) -> bool:
    """Take every role of this registry from `user` (the login itself stays); False if it had none."""
    conn = connect(url)
    try:
        with translated(f"revoking {user}"), conn.transaction():
            row = conn.execute(f"SELECT {SCHEMA}.revoke_role(%s)", (user,)).fetchone()
        return bool(row and row[0])
    finally:
        conn.close()


def users(url: str) -> list[dict[str, Any]]:
    """One entry per login: its role and centres (empty: every centre), and whether it can log in."""
    conn = connect(url)
    try:
        with translated("listing the users"):
            rows = conn.execute(
                f"SELECT m.login, m.role, array_agg(m.center ORDER BY m.center) FILTER (WHERE m.center IS NOT NULL), "
                "coalesce(bool_or(r.rolcanlogin), false), min(m.granted_at) "
                f"FROM {SCHEMA}.members m LEFT JOIN pg_roles r ON r.rolname = m.login "
                "GROUP BY m.login, m.role ORDER BY m.login").fetchall()
    finally:
        conn.close()
    return [{"user": login, "role": role, "centers": list(centres or []), "can_login": bool(can_login),
             "granted": granted.astimezone().isoformat(timespec="seconds")}
            for login, role, centres, can_login, granted in rows]
