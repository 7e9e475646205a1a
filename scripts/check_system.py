"""Check that Qt finds the system libraries it needs, and say which Debian packages add them.

PySide6 wheels carry Qt itself but load a few libraries from the system (EGL, fontconfig,
xkbcommon, and for a real screen the xcb family). A missing one otherwise surfaces as an
obscure 'could not load the Qt platform plugin' abort; here it becomes one line that names
the package to install.
"""

from __future__ import annotations

import ctypes.util
import sys

# soname stem -> Debian/Ubuntu package that provides it
NEEDED = {
    "EGL": "libegl1",
    "GL": "libgl1",
    "fontconfig": "libfontconfig1",
    "xkbcommon": "libxkbcommon0",
    "dbus-1": "libdbus-1-3",
    "glib-2.0": "libglib2.0-0",
}
# only needed for a real window (not offscreen tests)
NEEDED_FOR_SCREEN = {
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
}


def missing(libs: dict[str, str]) -> list[str]:
    return sorted({pkg for lib, pkg in libs.items() if ctypes.util.find_library(lib) is None})


def main() -> int:
    if not sys.platform.startswith("linux"):
        return 0
    hard = missing(NEEDED)
    if hard:
        print(
            "Qt needs system libraries that are missing. Install them with:\n"
            f"  sudo apt-get install {' '.join(hard)}",
            file=sys.stderr,
        )
        return 1
    soft = missing(NEEDED_FOR_SCREEN)
    if soft:
        print(
            "note: for a real window (not needed for tests) also install: "
            f"sudo apt-get install {' '.join(soft)}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
