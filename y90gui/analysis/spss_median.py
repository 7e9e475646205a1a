"""The Kaplan-Meier median with the standard error and confidence interval SPSS prints.

Published case series (the seed paper's "3.5 years [1.8-5.1]" among them) were computed with
SPSS, whose median CI is symmetric and so differs from R's; an author who re-analyses must be
able to match it (spec/analysis.md). SPSS's rule, on the event times of the curve only:

- t50 = the first event time with S <= 0.5;
- u = the largest event time with S >= 0.55 (0, where S = 1, when there is none);
- l = the smallest event time with S <= 0.45;
- f = (S(u) - S(l)) / (l - u), a slope estimate of the curve around the median;
- SE = Greenwood SE of S at t50 / f; CI = t50 +- z SE (symmetric; may be below 0), z = the
  normal 97.5 % quantile 1.959964..., not 1.96 rounded: only the exact quantile reproduces
  SPSS's printed 12.700 for the 6-MP arm (1.96 gives 12.699).

No t50: everything None; no l (or a curve that falls to 0 at t50, where Greenwood's SE is not
defined): the median without SE and CI. The curve, its event times and its
Greenwood SE come from `survival.kaplan_meier` (R's Kaplan-Meier), never refitted here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from y90gui.analysis.survival import KMResult

UPPER_S, LOWER_S = 0.55, 0.45


@dataclass(frozen=True)
class SpssMedian:
    """SPSS's median, SE and symmetric 95 % CI, in years (None where not estimable)."""

    median_years: float | None
    se_years: float | None
    ci95_years: tuple[float | None, float | None]

    def to_json(self) -> dict[str, Any]:
        """The report's `"spss_median"` object."""
        return {"median_years": self.median_years, "se_years": self.se_years,
                "ci95_years": list(self.ci95_years)}


def spss_median(km: KMResult) -> SpssMedian:
    """SPSS's median of a fitted curve (module docstring), on the curve's own time scale."""
    import numpy as np

    from y90gui.analysis.survival import Z95

    none = SpssMedian(None, None, (None, None))
    if km.deaths is None or km.std_err is None:
        return none
    is_event = np.asarray(km.deaths, dtype=float) > 0
    t = np.asarray(km.times_years, dtype=float)[is_event]
    s = np.asarray(km.survival, dtype=float)[is_event]
    se = np.asarray(km.std_err, dtype=float)[is_event]
    at_or_below = np.nonzero(s <= 0.5)[0]
    if not len(at_or_below):
        return none
    i50 = int(at_or_below[0])
    t50 = float(t[i50])
    below = np.nonzero(s <= LOWER_S)[0]
    if not len(below):
        return SpssMedian(t50, None, (None, None))
    above = np.nonzero(s >= UPPER_S)[0]
    u, s_u = (float(t[above[-1]]), float(s[above[-1]])) if len(above) else (0.0, 1.0)
    l_, s_l = float(t[below[0]]), float(s[below[0]])
    slope = (s_u - s_l) / (l_ - u)
    se_t = float(se[i50]) / slope
    if not math.isfinite(se_t):  # S(t50) = 0 with everyone dead: Greenwood's SE is 0 * inf
        return SpssMedian(t50, None, (None, None))
    return SpssMedian(t50, se_t, (t50 - Z95 * se_t, t50 + Z95 * se_t))
