"""The one place that tells a registry URL from a file path, and checks the URL's form.

`--db` and the window's Open take either. A URL is `postgresql://USER@HOST[:PORT]/DBNAME`
(libpq's URI form, `postgres://` too, optional `?param=value` such as `sslmode`); it must not
carry a password: passwords come from libpq (PGPASSWORD, ~/.pgpass, a service file), so a URL
can be shown, logged and remembered without leaking one. No psycopg import here.
"""

from __future__ import annotations

from dataclasses import dataclass

from y90gui.registry.errors import RegistryError

SCHEMES = ("postgresql://", "postgres://")


def is_registry_url(db: object) -> bool:
    """True for a registry URL, False for anything else (a path, a Path object)."""
    return isinstance(db, str) and db.lower().startswith(SCHEMES)


@dataclass(frozen=True)
class RegistryUrl:
    url: str
    user: str
    host: str
    port: int | None
    dbname: str

    def __str__(self) -> str:
        return self.url

    @property
    def label(self) -> str:
        """What the user sees: user@host[:port]/db."""
        port = f":{self.port}" if self.port else ""
        return f"{self.user}@{self.host}{port}/{self.dbname}"


def parse_registry_url(text: str) -> RegistryUrl:
    """Check `text` is a registry URL without a password; raise RegistryError saying what is wrong."""
    from urllib.parse import unquote, urlsplit  # not at import: `is_registry_url` runs on every command

    if not is_registry_url(text):
        raise RegistryError(f"{text!r} is not a registry URL (postgresql://USER@HOST[:PORT]/DBNAME)")
    parts = urlsplit(text)
    if parts.password is not None:
        raise RegistryError("the registry URL must not contain a password: put it in ~/.pgpass or PGPASSWORD")
    try:
        port = parts.port
    except ValueError:
        raise RegistryError(f"{text}: the port is not a number") from None
    user = unquote(parts.username or "")
    host = parts.hostname or ""
    dbname = unquote(parts.path.lstrip("/"))
    missing = [name for name, value in (("USER", user), ("HOST", host), ("DBNAME", dbname)) if not value]
    if missing:
        raise RegistryError(f"{text}: the URL lacks {', '.join(missing)} (postgresql://USER@HOST[:PORT]/DBNAME)")
    return RegistryUrl(text, user, host, port, dbname)


def with_user(text: str, user: str) -> str:
    """`text` (postgresql://[USER@]HOST[:PORT]/DBNAME) with USER set to `user` (the window's
    separate user field); checked by `parse_registry_url`."""
    from urllib.parse import quote, urlsplit, urlunsplit

    text = text.strip()
    if not is_registry_url(text):
        raise RegistryError(f"{text!r} is not a registry URL (postgresql://HOST[:PORT]/DBNAME)")
    parts = urlsplit(text)
    if parts.password is not None:
        raise RegistryError("the registry URL must not contain a password: type it into the password field")
    host = parts.netloc.rsplit("@", 1)[-1]
    netloc = f"{quote(user.strip(), safe='')}@{host}" if user.strip() else parts.netloc
    return parse_registry_url(urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))).url


def without_user(text: str) -> str:
    """The URL as the window remembers it: no user (kept apart) and never a password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(text)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
