"""Where the window keeps its layout and recent files: an INI file under the user's config dir.

INI (not the registry or plist) so tests can redirect it with `QSettings.setPath` and a
support person can read it. `Y90GUI_SETTINGS_DIR` overrides the folder (tests, kiosks).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

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


def dialog_folder(settings: QSettings) -> str:
    """Where a file dialog starts: the folder last used in one (if it still exists), else the
    user's Documents, else home; never the app's data folder (issue 12)."""
    last = settings.value("dialogs/last_folder")
    if isinstance(last, str) and last and Path(last).is_dir():
        return last
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return docs if docs and Path(docs).is_dir() else str(Path.home())


def remember_folder(settings: QSettings, chosen: str) -> None:
    """After a dialog: its file's folder is where the next dialog starts."""
    if chosen:
        folder = Path(chosen)
        settings.setValue("dialogs/last_folder", str(folder if folder.is_dir() else folder.parent))
