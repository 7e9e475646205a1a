"""Connecting to a registry, and turning the server's refusals into messages for the user.

psycopg is imported here, inside the functions, and nowhere at module level: opening a `.y90`
file must not pay for it (tests/registry/test_lazy_import.py holds this). Passwords are
libpq's business (PGPASSWORD, ~/.pgpass, a service file): the URL carries none
(`url.parse_registry_url` refuses one), so nothing y90gui prints or keeps can contain one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from y90gui.registry.errors import ConflictError, NotARegistryError, RegistryAccessError, RegistryError
from y90gui.registry.schema import SCHEMA
from y90gui.registry.url import RegistryUrl, parse_registry_url

if TYPE_CHECKING:
    import psycopg

    Connection = psycopg.Connection[tuple[Any, ...]]

INSTALL_HINT = "the registry needs psycopg 3: pip install 'y90gui[registry]'"


def connect(url: str | RegistryUrl, *, application: str = "y90gui", password: str | None = None) -> Connection:
    """An autocommit connection (transactions are explicit: `conn.transaction()`).

    `password`: what the window's prompt was given, passed to libpq for this connection only
    (never stored; without it libpq looks in PGPASSWORD, ~/.pgpass, a service file).
    """
    target = url if isinstance(url, RegistryUrl) else parse_registry_url(url)
    try:
        import psycopg
    except ImportError:
        raise RegistryError(INSTALL_HINT) from None
    try:
        # search_path: the registry's schema first, so plain table names mean its tables
        extra: dict[str, Any] = {"password": password} if password else {}
        return psycopg.connect(target.url, autocommit=True, application_name=application, connect_timeout=15,
                               options=f"-c search_path={SCHEMA},public", **extra)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise RegistryError(f"cannot connect to {target.label}: {first}") from None


def server_message(exc: BaseException) -> str:
    """The server's primary message (and detail), without psycopg's decoration."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(exc).strip().splitlines()[0]
    detail = getattr(diag, "message_detail", None)
    return f"{primary} ({detail})" if detail else str(primary)


@contextmanager
def translated(what: str) -> Iterator[None]:
    """Database errors a user can cause leave as `RegistryError`s saying `what` failed and why."""
    import psycopg
    from psycopg import errors

    try:
        yield
    except errors.InsufficientPrivilege as exc:
        raise RegistryAccessError(f"{what}: {server_message(exc)}") from None
    except errors.UndefinedTable as exc:
        raise NotARegistryError(f"{what}: this database holds no y90gui registry "
                                f"(run `y90gui registry init`): {server_message(exc)}") from None
    except errors.InvalidSchemaName as exc:
        raise NotARegistryError(f"{what}: this database holds no y90gui registry "
                                f"(run `y90gui registry init`): {server_message(exc)}") from None
    except errors.SerializationFailure as exc:
        raise ConflictError(f"{what}: another user changed the same rows at the same time; "
                            f"try again ({server_message(exc)})") from None
    except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
        raise RegistryError(f"{what}: the connection to the registry was lost; nothing of this action "
                            f"was kept ({server_message(exc)})") from None
    except psycopg.Error as exc:
        raise RegistryError(f"{what}: {server_message(exc)}") from None
