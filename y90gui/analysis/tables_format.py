"""The number formats of the paper's tables and figures (spec/publication.md), written once.

Every rounding is half up on the exact decimal value (`Decimal`), never Python's round()
(which rounds half to even and works on the binary float): 0.5 % -> 1 %, 2.5 -> 3, 43.5 % -> 44 %.
A percentage is computed from n and N exactly, never from an already rounded value (the report's
one-decimal `pct` would round twice: 12.45 -> 12.5 -> 13). Ranges use the en dash (U+2013), a
limit that is not reached is `NR`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

DASH = "\u2013"  # en dash: ranges and "no value"
NOT_RECORDED = "not recorded"
UNDEFINED_LIMIT = "NA"  # a confidence limit the band does not define (R prints NA)


def round_half_up(x: float | int | Decimal, decimals: int = 0) -> str:
    """`x` rounded half up to `decimals` places, as text (2.5 -> "3", 0.125 -> "0.13" at 2).

    A float is taken at its shortest repr (the number a person typed or saw), so 2.675 is
    rounded as the decimal 2.675 (-> 2.68), not as its binary neighbour 2.67499999...
    """
    d = x if isinstance(x, Decimal) else Decimal(repr(float(x))) if isinstance(x, float) else Decimal(int(x))
    q = Decimal(1).scaleb(-decimals)
    out = d.quantize(q, rounding=ROUND_HALF_UP)
    if out == 0:
        out = abs(out)  # no "-0"
    return f"{out:f}"


def percent(n: int, total: int) -> str:
    """Whole percentage of n / total, half up on the exact fraction ("43"); en dash when N = 0."""
    if total == 0:
        return DASH
    return round_half_up(Decimal(100 * int(n)) / Decimal(int(total)), 0)


def count_pct(n: int, total: int) -> str:
    """`n (p%)`: "19 (43%)"."""
    return f"{int(n)} ({percent(n, total)}%)" if total else f"{int(n)} ({DASH})"


def fraction(n: int, total: int) -> str:
    """`n/N (p%)`: "7/44 (16%)"."""
    return f"{int(n)}/{int(total)} ({percent(n, total)}%)" if total else f"{int(n)}/0 ({DASH})"


def fraction_of(f: dict[str, Any]) -> str:
    """`fraction` of a report object {"n", "N", "pct"} (the percentage recomputed from n/N)."""
    return fraction(int(f["n"]), int(f["N"]))


def median_of(values: Sequence[float] | Any) -> float:
    """The median; of an even count the mean of the two middle values (numpy's rule)."""
    import numpy as np

    return float(np.median(np.asarray(values, dtype=float)))


def continuous(values: Sequence[float] | Any, decimals: int, *, iqr: bool = False) -> str:
    """`median (min–max)` or, with `iqr`, `median (IQR q1–q3)` (quartiles: R's default type 7,
    as the report's); each rounded half up to `decimals` after computing. En dash when empty."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return DASH
    med = round_half_up(median_of(v), decimals)
    if iqr:
        q1, q3 = np.quantile(v, [0.25, 0.75])
        return f"{med} (IQR {round_half_up(float(q1), decimals)}{DASH}{round_half_up(float(q3), decimals)})"
    return f"{med} ({round_half_up(float(v.min()), decimals)}{DASH}{round_half_up(float(v.max()), decimals)})"


def limit(x: float | None, decimals: int = 1) -> str:
    """A survival time or confidence limit; `NR` when not reached (None)."""
    return "NR" if x is None else round_half_up(float(x), decimals)


def survival_time(estimate: float | None, ci: Sequence[float | None], decimals: int = 1) -> str:
    """`3.5 (95% CI 1.8–5.1)`; a limit not reached is `NR`: `3.5 (95% CI 1.8–NR)`."""
    lo, hi = (ci[0], ci[1]) if len(ci) == 2 else (None, None)
    return f"{limit(estimate, decimals)} (95% CI {limit(lo, decimals)}{DASH}{limit(hi, decimals)})"


def survival_rate(s: float | None, ci: Sequence[float | None]) -> str:
    """`62% (95% CI 45–75%)`, whole percentages; en dash when not estimable (after the last
    follow-up); a limit the band does not define (the curve at 0 or 1) is `NA`, R's word for it
    (`70%–NA`: an en dash for it would print the range as `70––%`)."""
    if s is None:
        return DASH

    def pc(x: float | None) -> str:
        return UNDEFINED_LIMIT if x is None else round_half_up(Decimal(repr(float(x))) * 100, 0) + "%"

    lo, hi = (ci[0], ci[1]) if len(ci) == 2 else (None, None)
    if lo is not None and hi is not None:
        return f"{pc(s)} (95% CI {pc(lo)[:-1]}{DASH}{pc(hi)})"
    return f"{pc(s)} (95% CI {pc(lo)}{DASH}{pc(hi)})"


def p_cell(p: float | None) -> str:
    """A p value in a table column: `0.012` (three decimals, half up), `< 0.001`; en dash when
    there is no test."""
    if p is None:
        return DASH
    if p < 0.001:
        return "< 0.001"
    return round_half_up(float(p), 3)


def p_value(p: float | None) -> str:
    """`p = 0.012` (three decimals, half up), `p < 0.001`; en dash when there is no test."""
    cell = p_cell(p)
    if p is None:
        return f"p {cell}"
    return f"p {cell}" if cell.startswith("<") else f"p = {cell}"


def ratio_ci(ratio: float, ci: Sequence[float], decimals: int = 2) -> str:
    """A hazard (or odds) ratio with its 95 % CI: `0.60 (0.29–1.25)`, half up, en dash."""
    return (f"{round_half_up(float(ratio), decimals)} "
            f"({round_half_up(float(ci[0]), decimals)}{DASH}{round_half_up(float(ci[1]), decimals)})")
