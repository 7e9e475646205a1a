"""Where y90gui keeps its own files (logs, the demo copy, settings): the user's data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_data_dir() -> Path:
    """Per-user, writable, kept across updates; Y90GUI_DATA_DIR overrides it (tests, kiosks)."""
    override = os.environ.get("Y90GUI_DATA_DIR")
    path = Path(override) if override else (_xdg_data_dir() or _platform_data_dir())
    path.mkdir(parents=True, exist_ok=True)
    return path


def _platform_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("y90gui", appauthor=False)


def _xdg_data_dir() -> Path | None:
    """platformdirs' answer on Linux in its two common cases ($XDG_DATA_HOME or ~/.local/share,
    each absolute), without importing it (~5 ms of the first paint); None: ask platformdirs."""
    if not sys.platform.startswith("linux"):
        return None
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg, "y90gui")
    home = os.environ.get("HOME", "")
    if xdg or not os.path.isabs(home):  # a relative XDG_DATA_HOME or HOME: platformdirs' own rules
        return None
    return Path(home, ".local", "share", "y90gui")
