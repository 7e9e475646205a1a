"""Start-up of the installed app against the source tree, measured in one run.

Each start is a fresh process that opens the demo cohort and exits at its first painted window
(`--exit-after-paint`, which prints "first paint: <s> s"). Two clocks: the wall time from
launching the process until that line arrives (what a user waits for, includes the PyInstaller
bootloader) and the app's own figure (seconds since its process started). Runs alternate
between the two programs so that disk cache and CPU frequency affect both alike; the first
start of each is reported separately (coldest), the ratio uses the medians of the rest.

    python packaging/measure_start.py --installed ROOT/usr/bin/y90gui [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_start(cmd: list[str], env: dict[str, str], timeout: float = 180.0) -> tuple[float, float]:
    """(wall seconds until the first-paint line, the app's own seconds since process start)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            m = re.match(r"first paint: ([0-9.]+) s", line)
            if m:
                wall = time.perf_counter() - t0
                proc.wait(timeout=timeout)
                return wall, float(m.group(1))
        raise RuntimeError(f"{cmd[0]} exited {proc.wait()} without printing 'first paint'")
    finally:
        if proc.poll() is None:
            proc.kill()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--installed", required=True, help="the installed launcher (e.g. ROOT/usr/bin/y90gui)")
    ap.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"), help="the source tree's Python")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--max-ratio", type=float, default=2.0, help="exit 1 above this median wall-time ratio")
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="y90gui-start-"))
    programs = {
        "source": [args.python, str(ROOT / "main.py"), "--exit-after-paint"],
        "installed": [args.installed, "--exit-after-paint"],
    }
    envs = {}
    for name in programs:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env.update(QT_QPA_PLATFORM=env.get("QT_QPA_PLATFORM", "offscreen"),
                   Y90GUI_DATA_DIR=str(home / name / "data"), Y90GUI_SETTINGS_DIR=str(home / name / "settings"))
        envs[name] = env
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in programs}
    for _ in range(args.runs + 1):  # +1: the first start of each also writes its demo copy
        for name, cmd in programs.items():
            results[name].append(one_start(cmd, envs[name]))

    def med(values: list[tuple[float, float]], i: int) -> float:
        return statistics.median(v[i] for v in values[1:])

    for name, values in results.items():
        print(f"{name:9s}: first start {values[0][0]:.2f} s wall / {values[0][1]:.2f} s in-app; "
              f"median of {len(values) - 1}: {med(values, 0):.2f} s wall / {med(values, 1):.2f} s in-app "
              f"(runs: {', '.join(f'{w:.2f}' for w, _ in values[1:])})")
    ratio = med(results["installed"], 0) / med(results["source"], 0)
    ratio_app = med(results["installed"], 1) / med(results["source"], 1)
    first = results["installed"][0][0] / results["source"][0][0]
    print(f"ratio installed/source: {ratio:.2f}x wall (median), {ratio_app:.2f}x in-app, {first:.2f}x first start "
          f"(target <= {args.max_ratio:.1f}x)")
    return 0 if ratio <= args.max_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
