"""What every benchmark shares: options, interleaved A/B runs, medians, goals and the results file.

Honesty rules this module enforces (issue 16): a figure is never one sample; ours and the
peer's samples are taken in turns (A B A B ...), so load and disk-cache warmth hit both
alike; we report the median with min-max; and every figure is judged PASS/FAIL against its
goal (a ratio to a peer measured in the same run, or an absolute limit). Each benchmark
process appends its rows to `benchmarks/results.json`, keyed by (figure, size), so a quick
`--only import --sizes 10000` run refreshes those rows and keeps the rest; `benchmarks/RESULTS.md`
is regenerated from that file by `python -m benchmarks` (see `summary.py`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS_JSON = HERE / "results.json"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("names", nargs="*", help="benchmark modules to run (io, gui, report, ...); default all")
    p.add_argument("--only", default="", help="comma-separated figures or modules, e.g. import,export,keystroke")
    p.add_argument("--sizes", default="", help="comma-separated cohort sizes, e.g. 10000,100000 (default: each "
                                               "figure's goal sizes)")
    p.add_argument("--repeats", type=int, default=0, help="interleaved pairs per figure (default: 5 small, 3 at 100k)")
    p.add_argument("--no-save", action="store_true", help="do not update results.json / RESULTS.md")
    return p


@dataclass
class Options:
    only: set[str]
    sizes: list[int]
    repeats: int
    save: bool

    @classmethod
    def parse(cls, argv: Sequence[str]) -> Options:
        a = parser().parse_args(list(argv))
        only = {t.strip() for t in a.only.split(",") if t.strip()} | {n.removeprefix("bench_") for n in a.names}
        sizes = [int(s.replace("_", "").replace("k", "000")) for s in a.sizes.split(",") if s.strip()]
        return cls(only, sizes, a.repeats, not a.no_save)

    def wants(self, module: str, figure: str) -> bool:
        return not self.only or module in self.only or figure in self.only

    def sizes_for(self, default: Sequence[int]) -> list[int]:
        return self.sizes or list(default)

    def pairs(self, size: int) -> int:
        return self.repeats or (3 if size >= 50_000 else 5)


def peak_mib() -> float:
    """This process's own peak resident memory, in MiB.

    Linux's VmHWM (/proc/self/status), not getrusage's ru_maxrss: a child started by vfork
    and exec (Python's subprocess) inherits its parent's peak as a floor of ru_maxrss, so a
    benchmark child of a parent that once held 2.9 GB reported 2.9 GB whatever it used."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def children_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def interleaved(sides: dict[str, Callable[[], float]], pairs: int, warmup: bool = False) -> dict[str, list[float]]:
    """Samples of each side taken in turns (A B A B ...); each callable returns its own figure."""
    if warmup:
        for fn in sides.values():
            fn()
    out: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(pairs):
        for name, fn in sides.items():
            out[name].append(fn())
    return out


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def stats(samples: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples)}


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    if unit == "x":
        return f"{value:.2f}×"
    return f"{value:g} {unit}"


def spread(s: dict[str, float], unit: str) -> str:
    return f"{fmt(s['median'], unit)} ({fmt(s['min'], unit)}–{fmt(s['max'], unit)}, n={int(s['n'])})"


def record(module: str, figure: str, size: int | None, label: str, ours: Sequence[float], unit: str, *,
           peer: Sequence[float] | None = None, peer_name: str = "", max_ratio: float | None = None,
           max_value: float | None = None, goal_row: bool = True, note: str = "",
           save: bool = True) -> dict[str, Any]:
    """Judge one figure against its goal, print it, and store it in results.json.

    `max_ratio`: the goal is median(ours) / median(peer) <= max_ratio; `max_value`: every
    sample (the worst, not the median) must stay <= max_value. No goal = informational.
    """
    o = stats(ours)
    row: dict[str, Any] = {"module": module, "figure": figure, "size": size, "label": label, "unit": unit,
                           "ours": o, "goal_row": goal_row, "note": note,
                           "when": time.strftime("%Y-%m-%d %H:%M"), "load": round(os.getloadavg()[0], 1)}
    verdicts = []
    goal = []
    if peer is not None:
        p = stats(peer)
        ratio = o["median"] / p["median"]
        pair = sorted(a / b for a, b in zip(ours, peer, strict=False))
        row.update(peer=p, peer_name=peer_name, ratio=ratio, ratio_min=pair[0], ratio_max=pair[-1])
        if max_ratio is not None:
            goal.append(f"≤ {max_ratio:g}×")
            verdicts.append(ratio <= max_ratio)
    if max_value is not None:
        goal.append(f"≤ {fmt(max_value, unit)} (worst)")
        verdicts.append(o["max"] <= max_value)
    row["goal"] = ", ".join(goal)
    row["verdict"] = ("PASS" if all(verdicts) else "FAIL") if verdicts else "info"
    line = f"{label}: {spread(o, unit)}"
    if peer is not None:
        line += (f"; peer {peer_name}: {spread(row['peer'], unit)} -> {row['ratio']:.2f}× "
                 f"(pairs {row['ratio_min']:.2f}–{row['ratio_max']:.2f})")
    if row["goal"]:
        line += f"; goal {row['goal']}: {row['verdict']}"
    print(line, flush=True)
    if save:
        save_row(row)
    return row


def save_row(row: dict[str, Any]) -> None:
    rows = load_rows()
    rows = [r for r in rows if (r["figure"], r["size"], r["label"]) != (row["figure"], row["size"], row["label"])]
    rows.append(row)
    tmp = RESULTS_JSON.with_suffix(".tmp")
    tmp.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, RESULTS_JSON)


def load_rows() -> list[dict[str, Any]]:
    if not RESULTS_JSON.exists():
        return []
    rows: list[dict[str, Any]] = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
    return rows
