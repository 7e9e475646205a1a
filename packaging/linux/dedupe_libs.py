"""Replace byte-identical copies of a shared library in the bundle's `*.libs` folders by symlinks.

numpy and scipy wheels each vendor the same libgfortran/libquadmath build (auditwheel names them
by content hash); each OpenBLAS finds its copy through RUNPATH $ORIGIN, so the second copy can
be a relative symlink to the first. Saves ~3 MB; dpkg and tar keep symlinks.

    python packaging/linux/dedupe_libs.py BUNDLE_DIR
"""

from __future__ import annotations

import filecmp
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    bundle = Path(argv[1])
    first: dict[str, Path] = {}
    saved = 0
    for lib in sorted(bundle.rglob("*.libs/*")):
        if lib.is_symlink() or not lib.is_file():
            continue
        other = first.setdefault(lib.name, lib)
        if other is lib or not filecmp.cmp(lib, other, shallow=False):
            continue
        saved += lib.stat().st_size
        lib.unlink()
        lib.symlink_to(os.path.relpath(other, lib.parent))
    print(f"dedupe_libs: {saved / 1e6:.1f} MB of duplicate libraries replaced by symlinks")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
