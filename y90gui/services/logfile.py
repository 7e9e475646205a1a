"""The application's log file in the user's data folder (no Qt: the window and the self-test share it).

Frozen windowed builds have `sys.stdout`/`sys.stderr` set to None, so the GUI path never
prints: it logs here (conventions §9).
"""

from __future__ import annotations

import logging
from pathlib import Path


def setup_logging() -> Path | None:
    """Log to a file in the user's data folder; None when it cannot be opened (read-only home)."""
    try:
        from y90gui.paths import user_data_dir

        path = user_data_dir() / "y90gui.log"
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path
