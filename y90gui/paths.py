"""Where y90gui keeps its own files (logs, the demo copy, settings): the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path


def user_data_dir() -> Path:
    """Per-user, writable, kept across updates; Y90GUI_DATA_DIR overrides it (tests, kiosks)."""
    override = os.environ.get("Y90GUI_DATA_DIR")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_path

        path = user_data_path("y90gui", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path
