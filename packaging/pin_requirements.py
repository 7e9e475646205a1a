"""Write packaging/requirements-bundle.txt: exact (==) pins of what the bundle is built from.

pyproject.toml keeps lower bounds (a developer's venv may be newer); an installer must be
rebuilt from exactly what was tested. The pins are the installed versions of y90gui's runtime
dependencies and of the `package` extra (PyInstaller), with their whole dependency closure,
read from the venv's metadata. Run after a deliberate upgrade, then rebuild and re-test:

    .venv/bin/python packaging/pin_requirements.py
    .venv/bin/python packaging/pin_requirements.py --check   # exit 1 when the venv differs
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

OUT = Path(__file__).resolve().parent / "requirements-bundle.txt"
ROOTS = ["y90gui"]
EXTRAS = {"y90gui": {"package"}}


def _name(req: str) -> str:
    return re.split(r"[\s;<>=!~\[(]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def closure() -> dict[str, str]:
    seen: dict[str, str] = {}
    todo = [(r, EXTRAS.get(r, set())) for r in ROOTS]
    while todo:
        name, extras = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in seen and not extras:
            continue
        seen[key] = dist.version
        for req in dist.requires or []:
            marker = req.split(";", 1)[1] if ";" in req else ""
            extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)", marker)
            if extra and extra.group(1) not in extras:
                continue
            if marker and not extra:
                from packaging.markers import Marker  # pip's vendored copy is not importable; use packaging

                if not Marker(marker).evaluate():
                    continue
            if _name(req) not in seen:
                todo.append((_name(req), set()))
    for tool in ("y90gui", "setuptools", "pip", "wheel"):  # build tools are not part of the bundle
        seen.pop(tool, None)
    return seen


def check() -> int:
    """Exit 0 when the venv already has exactly the pinned versions (the build then skips pip)."""
    wrong = []
    for line in OUT.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, version = line.split("==")
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = None
        if have != version:
            wrong.append(f"{name} {have or 'missing'} (pinned {version})")
    for w in wrong:
        print(f"pin: {w}")
    return 1 if wrong else 0


def main() -> int:
    if "--check" in sys.argv:
        return check()
    pins = closure()
    lines = [
        "# Exact versions the installers are built and tested with (packaging/pin_requirements.py writes this).",
        "# pyproject.toml keeps lower bounds; the build scripts install these as pip constraints.",
        *(f"{name}=={version}" for name, version in sorted(pins.items())),
    ]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(pins)} pins")
    return 0


if __name__ == "__main__":
    sys.exit(main())
