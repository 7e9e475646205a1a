"""Our Kaplan-Meier figure against survminer's drawing of the same rows (committed R output).

scripts/km_csv.py wrote docs/publication/km_demo_os.csv (the demo cohort's OS rows, what
`y90gui figure km` fits); scripts/survminer_km.R drew them with `ggsurvplot(conf.int, risk.table,
pval)` and wrote the numbers it drew next to it: `$table$data` (number at risk at each tick),
`summary(fit, times = ticks)` (the curve and its log-log band at the ticks), the medians and the
log-rank test. Every number our description draws must be those (docs/publication/KM-vs-survminer.md).
"""

from __future__ import annotations

import bisect
import csv
import math
from pathlib import Path

import pytest

from y90gui.analysis import inclusion
from y90gui.analysis.frames import from_store
from y90gui.analysis.strata import stratum_values
from y90gui.analysis.survival import endpoint_rows
from y90gui.demo.commands import write_demo
from y90gui.figures.km import km_description
from y90gui.figures.render import build_figure
from y90gui.figures.settings import RenderSettings
from y90gui.store.store import Store

R_DIR = Path(__file__).resolve().parents[2] / "docs" / "publication"
FIGURES = {"os": None, "recist": "recist_3m"}


def _rows(name: str) -> list[dict[str, str]]:
    with open(R_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def frames(tmp_path_factory):  # type: ignore[no-untyped-def]
    db = write_demo(tmp_path_factory.mktemp("survminer") / "demo.y90")
    with Store.open(db, read_only=True) as store:
        return from_store(store)


@pytest.fixture(scope="module")
def described(frames):  # type: ignore[no-untyped-def]
    return {name: km_description(frames, strata=strata) for name, strata in FIGURES.items()}


def test_r_drew_the_rows_our_figure_fits(frames) -> None:  # type: ignore[no-untyped-def]
    fr = inclusion.analysed(frames)
    rows = endpoint_rows(fr, "os")
    recist = stratum_values(fr, "recist_3m")
    ours = [[pid, str(int(d)), str(int(bool(e))), recist.get(pid, "")]
            for pid, d, e in zip(rows["patient_id"], rows["days"], rows["event"], strict=True)]
    theirs = [[r["patient_id"], r["days"], r["status"], r["recist_3m"]] for r in _rows("km_demo_os.csv")]
    assert ours == theirs


def _key(figure: str, stratum: str) -> str:
    return "all" if figure == "os" else stratum


def test_number_at_risk_at_every_tick_is_survminers(described) -> None:  # type: ignore[no-untyped-def]
    theirs: dict[tuple[str, str], dict[float, int]] = {}
    for r in _rows("survminer_at_risk.csv"):
        theirs.setdefault((r["figure"], _key(r["figure"], r["stratum"])), {})[float(r["time"])] = int(r["n.risk"])
    for figure, desc in described.items():
        assert desc.under is not None
        assert list(desc.x.ticks) == sorted(next(v for (f, _), v in theirs.items() if f == figure))
        for key, _name, counts in desc.under.rows:
            assert dict(zip(desc.under.at, counts, strict=True)) == theirs[(figure, key)], (figure, key)
        assert {k for f, k in theirs if f == figure} == {r[0] for r in desc.under.rows}


def _at(xs: tuple[float, ...], ys: tuple[float | None, ...], t: float) -> float | None:
    """The step function's value at t (right-continuous, as survfit's summary)."""
    return ys[bisect.bisect_right(list(xs), t + 1e-12) - 1]


def test_curve_and_band_at_the_ticks_are_survminers(described) -> None:  # type: ignore[no-untyped-def]
    for r in _rows("survminer_at_ticks.csv"):
        desc = described[r["figure"]]
        c = next(c for c in desc.curves if c.key == r["stratum"])
        t = float(r["time"])
        if t > c.x[-1]:
            continue  # past the stratum's last time: survminer draws nothing there either
        assert _at(c.x, c.y, t) == pytest.approx(float(r["surv"]) * 100, abs=1e-4), (r["figure"], c.key, t)
        for ours, theirs in ((_at(c.x, c.band_lo, t), r["lower"]), (_at(c.x, c.band_hi, t), r["upper"])):
            if theirs == "NA":
                assert ours is None
            else:
                assert ours == pytest.approx(float(theirs) * 100, abs=1e-4), (r["figure"], c.key, t)


def test_legend_and_logrank_p_are_survminers(described) -> None:  # type: ignore[no-untyped-def]
    def years(v: str) -> str:
        return "NR" if v == "NA" else f"{math.floor(float(v) * 10 + 0.5) / 10:.1f}"

    for r in _rows("survminer_medians.csv"):
        desc = described[r["figure"]]
        c = next(c for c in desc.curves if c.key == _key(r["figure"], r["stratum"]))
        assert f"(n = {r['n']}, events = {r['events']}); median {years(r['median'])} " \
               f"(95% CI {years(r['lower'])}\u2013{years(r['upper'])})" in c.label
    (lr,) = _rows("survminer_logrank.csv")
    assert float(lr["p"]) < 0.001 and described["recist"].legend_title.endswith("log-rank p < 0.001")


def test_band_reaches_the_time_the_curve_drops_to_zero(described) -> None:  # type: ignore[no-untyped-def]
    """survminer's ribbon (and our screen) holds the last defined band up to S = 0: PD's 25 % step."""
    desc = described["recist"]
    pd_curve = next(c for c in desc.curves if c.key == "PD")
    assert pd_curve.y[-1] == 0 and pd_curve.band_lo[-1] is None
    fig = build_figure(desc, RenderSettings())
    ax = fig.axes[0]
    colour = desc.styles["PD"].colour.lower()
    from matplotlib.colors import to_hex

    ends = [max(p.vertices[:, 0]) for coll in ax.collections
            if to_hex(coll.get_facecolor()[0], keep_alpha=False) == colour for p in coll.get_paths()]
    assert max(ends) == pytest.approx(pd_curve.x[-1])


def _survminer_missing() -> str:
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        return "Rscript is not installed (Debian: r-base-core)"
    probe = subprocess.run(["Rscript", "-e", "library(survminer)"], capture_output=True)
    return "" if probe.returncode == 0 else "R's survminer is not installed (Debian: r-cran-survminer)"


def test_committed_survminer_numbers_are_what_survminer_draws(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Re-run scripts/survminer_km.R on the committed rows: its numbers are the committed ones."""
    import subprocess

    reason = _survminer_missing()
    if reason:
        pytest.skip(reason)
    root = R_DIR.parents[1]
    subprocess.run(["Rscript", str(root / "scripts" / "survminer_km.R"), str(R_DIR / "km_demo_os.csv"),
                    str(tmp_path), str(tmp_path)], check=True, capture_output=True)
    for name in ("survminer_at_risk.csv", "survminer_at_ticks.csv", "survminer_medians.csv"):
        assert (tmp_path / name).read_text() == (R_DIR / name).read_text(), name
    assert (tmp_path / "survminer_km_recist.png").stat().st_size > 0
