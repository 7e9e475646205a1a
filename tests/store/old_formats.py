"""Files as older versions of y90gui wrote them, for the upgrade tests.

A file of the current format with data is taken back to format `version`: the columns and
tables later formats added are dropped and the triggers of that version put back, so the
upgrade steps run on what an old file really holds (not on a current file with a lower number).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from y90gui.store import schema


def downgrade(path: Path, version: int) -> Path:
    """Rewrite the file at `path` (current format, not open elsewhere) as file format `version`."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')
        if version < 3:
            conn.execute('DROP TABLE IF EXISTS "cohorts"')
            for v, added in schema.ADDED_IN.items():
                if v > version:
                    for table, columns in added.items():
                        for column in columns:
                            conn.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        for sheet in schema.SHEETS:
            for stmt in schema.audit_triggers(schema.sheet_at(sheet, version), exact=version >= 2):
                conn.execute(stmt)
        if version >= 2:
            for stmt in schema.append_only_triggers():
                conn.execute(stmt)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path
