"""Definitions of spec/report.md that two layers must apply identically, written once.

The patient table's rows come from one SQL query (`store.summary`, sqlite3 only, so the window
paints before pandas loads) while the report computes with pandas (`analysis.report`). Both
read the comparison from here, so the table and the report can not disagree on it again (they
once did: `<=` in the table, `<` in the report); tests/ui/test_consistency.py pins them together
on a cycle given on the day of the first radioembolization.
"""

from __future__ import annotations

import operator
from typing import Any

#: PRRT -> RE interval: the last PRRT cycle *before* the first radioembolization, strictly; a
#: cycle on the day of the first RE is not before it (spec/report.md).
PRRT_BEFORE_FIRST_RE = "<"
_OPERATORS = {"<": operator.lt, "<=": operator.le}


def prrt_before_first_re(prrt_date: Any, first_re_date: Any) -> Any:
    """Whether a PRRT cycle counts as before the first RE (scalars, numpy arrays or pandas Series)."""
    return _OPERATORS[PRRT_BEFORE_FIRST_RE](prrt_date, first_re_date)
