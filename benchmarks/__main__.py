"""Run every `benchmarks/bench_*.py` (or the ones named) in its own process, one after another.

Separate processes keep one benchmark's imports and caches from flattering the next one's
start-up figures.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    wanted = [a if a.startswith("bench_") else f"bench_{a}" for a in argv if not a.startswith("-")]
    if wanted:
        names = [n for n in names if n in wanted]
    failed = []
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, "-m", f"benchmarks.{name}"], cwd=HERE.parent)
        status = "ok" if rc == 0 else f"FAILED (exit {rc})"
        print(f"--- {name}: {status} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
