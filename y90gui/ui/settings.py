"""Where the window keeps its layout and recent files: an INI file under the user's config dir.

INI (not the registry or plist) so tests can redirect it with `QSettings.setPath` and a
support person can read it. `Y90GUI_SETTINGS_DIR` overrides the folder (tests, kiosks).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

MAX_RECENT = 8


def app_settings() -> QSettings:
    override = os.environ.get("Y90GUI_SETTINGS_DIR")
    if override:
        return QSettings(os.path.join(override, "y90gui.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "y90gui", "y90gui")


def recent_files(settings: QSettings) -> list[str]:
    value = settings.value("recent_files", [])
    if isinstance(value, str):  # INI files give a single entry back as a plain string
        value = [value]
    return [str(v) for v in value if v] if isinstance(value, list) else []


def add_recent(settings: QSettings, path: str) -> list[str]:
    files = [path] + [p for p in recent_files(settings) if p != path]
    files = files[:MAX_RECENT]
    settings.setValue("recent_files", files)
    return files
