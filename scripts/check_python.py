"""Refuse early, in plain words, when the interpreter is too old for y90gui."""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before the venv exists
    sys.exit(
        f"y90gui needs Python 3.11 or newer; {sys.executable} is {sys.version.split()[0]}. "
        "On Debian/Ubuntu: sudo apt-get install python3.11 python3.11-venv, or run make PYTHON=/path/to/python3.11"
    )
