"""n / N with a percentage: the shape of every proportion in the report."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def pct(n: int, total: int) -> float | None:
    """Percentage rounded to one decimal, half up on the exact decimal (2/3 -> 66.7, 1/8 -> 12.5);
    None when the denominator is 0."""
    if total == 0:
        return None
    value = Decimal(100 * n) / Decimal(total)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def fraction(n: int, total: int) -> dict[str, Any]:
    return {"n": int(n), "N": int(total), "pct": pct(n, total)}
