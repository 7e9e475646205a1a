"""y90gui's data folder is where platformdirs puts it, with or without platformdirs loaded."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from y90gui import paths


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is Linux's")
@pytest.mark.parametrize(("xdg", "home"), [(None, "/home/ana"), ("/data/xdg", "/home/ana"), ("", "/home/ana"),
                                           ("relative/xdg", "/home/ana"), (None, "relative-home")])
def test_data_folder_is_platformdirs_answer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            xdg: str | None, home: str) -> None:
    monkeypatch.delenv("Y90GUI_DATA_DIR", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    monkeypatch.setenv("HOME", home)
    made: list[Path] = []
    monkeypatch.setattr(Path, "mkdir", lambda self, *a, **k: made.append(self))
    assert paths.user_data_dir() == paths._platform_data_dir() == made[0]


def test_override_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("Y90GUI_DATA_DIR", str(tmp_path / "kiosk"))
    assert paths.user_data_dir() == tmp_path / "kiosk"
    assert (tmp_path / "kiosk").is_dir()
