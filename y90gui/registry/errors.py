"""Errors a registry user can cause or meet; each message is meant for the user (one CLI line)."""

from __future__ import annotations

from y90gui.core.errors import Y90Error


class RegistryError(Y90Error):
    pass


class RegistryAccessError(RegistryError):
    """The database refused: the role may not do this, or the row belongs to another centre."""


class ConflictError(RegistryError):
    """A row changed since it was read (optimistic concurrency): says who changed it and when."""


class NotARegistryError(RegistryError):
    """The database is reachable but holds no y90gui registry (run `registry init`)."""
