"""A case series built for the edge cases of PFS and the 3-month landmark (spec/analysis.md).

Each patient carries its expected PFS (days, event) and landmark entry (group, days from day
90, death), written by hand from the definitions, never computed by y90gui. The same expected
rows are R's input (tests/analysis/r/export_endpoint_inputs.py -> make_reference.R), so the
tests check both the derivation (ours == the hand-written rows) and the Kaplan-Meier figures
(ours == R's survfit on those rows).

Assessment tuples: (day after the first RE, recist, target_sum_mm, new_lesions, non_target).
Every patient has a first RE on day 0; sums on day -10 are the baseline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

D0 = dt.date(2019, 3, 1)
NR, R, OUT, NE = "non_responders", "responders", "not_alive_at_landmark", "not_evaluable"

# pid, dead, follow-up day, assessments, expected PFS (days, event), expected landmark (group, days, dead)
CASES: list[tuple[str, bool, int, list[tuple[Any, ...]], tuple[int, int], tuple[str, int | None, int | None]]] = [
    # progression and death on the same day: one event on that day
    ("E01", True, 120, [(120, "PD", None, None, None)], (120, 1), (NR, 30, 1)),
    # no assessment after baseline: censored at the origin (0 days)
    ("E02", False, 500, [(-10, None, 80.0, None, None)], (0, 0), (NE, None, None)),
    # death before any assessment
    ("E03", True, 60, [], (60, 1), (OUT, None, None)),
    # derived: PR at 90 (65 vs 100, -35 %), PD at 180 (100 >= 1.2 x nadir 65 and +35 mm)
    ("E04", False, 700, [(-10, None, 100.0, None, None), (90, None, 65.0, None, None),
                         (180, None, 100.0, None, None)], (180, 1), (R, 610, 0)),
    # NE is not an assessment: censored at the last readable scan (day 180)
    ("E05", False, 400, [(90, "SD", None, None, None), (180, "SD", None, None, None),
                         (270, "NE", None, None, None)], (180, 0), (NR, 310, 0)),
    # derived PD from new lesions although the sum shrinks
    ("E06", False, 650, [(-10, None, 60.0, None, None), (95, None, 50.0, False, None),
                         (200, None, 40.0, True, None)], (200, 1), (NR, 560, 0)),
    # PR, then death without progression: the death is the event
    ("E07", True, 300, [(90, "PR", None, None, None)], (300, 1), (R, 210, 1)),
    # a PD before the origin and a clinical-only row after it: no assessment after the origin
    ("E08", False, 300, [(-20, "PD", None, None, None)], (0, 0), (NE, None, None)),
    # derived PD from non-target PD
    ("E09", True, 500, [(-10, None, 50.0, None, None), (100, None, 48.0, None, "PD")], (100, 1), (NR, 410, 1)),
    # a PD on the day of the first RE is not after the origin
    ("E10", False, 365, [(0, "PD", None, None, None), (90, "SD", None, None, None)], (90, 0), (NR, 275, 0)),
    # death exactly on day 90: not alive beyond the landmark
    ("E11", True, 90, [(60, "SD", None, None, None)], (90, 1), (OUT, None, None)),
    # alive, last follow-up on day 90: not beyond the landmark
    ("E12", False, 90, [(85, "PR", None, None, None)], (85, 0), (OUT, None, None)),
    # 3-month NE: left out of the landmark, PD later
    ("E13", True, 420, [(90, "NE", None, None, None), (250, "PD", None, None, None)], (250, 1), (NE, None, None)),
    # ties: three progressions on day 180
    ("E14", True, 800, [(90, "SD", None, None, None), (180, "PD", None, None, None)], (180, 1), (NR, 710, 1)),
    ("E15", False, 900, [(92, "PR", None, None, None), (180, "PD", None, None, None)], (180, 1), (R, 810, 0)),
    ("E16", True, 270, [(88, "SD", None, None, None), (180, "PD", None, None, None)], (180, 1), (NR, 180, 1)),
    # CR, still in response at the last scan
    ("E17", False, 1100, [(90, "CR", None, None, None), (400, "CR", None, None, None),
                          (720, "CR", None, None, None)], (720, 0), (R, 1010, 0)),
    ("E18", True, 640, [(91, "PR", None, None, None), (365, "PD", None, None, None)], (365, 1), (R, 550, 1)),
    ("E19", True, 150, [(89, "PD", None, None, None)], (89, 1), (NR, 60, 1)),
    # the 3-month scan is the one closest to day 90 (day 80, SD), not day 130 (PR)
    ("E20", False, 1000, [(80, "SD", None, None, None), (130, "PR", None, None, None),
                          (500, "PR", None, None, None)], (500, 0), (NR, 910, 0)),
    ("E21", True, 980, [(90, "PR", None, None, None), (540, "PD", None, None, None)], (540, 1), (R, 890, 1)),
    ("E22", True, 455, [(90, "SD", None, None, None), (455, "PD", None, None, None)], (455, 1), (NR, 365, 1)),
    ("E23", False, 1200, [(100, "PR", None, None, None), (600, "SD", None, None, None)], (600, 0), (R, 1110, 0)),
    ("E24", True, 730, [(90, "SD", None, None, None), (270, "SD", None, None, None)], (730, 1), (NR, 640, 1)),
]


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def case_data() -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = {s: [] for s in (
        "patients", "prrt", "radioembolization", "response", "labs", "adverse_events", "treatments_after",
        "reference_ranges")}
    for pid, dead, fu, assessments, _, _ in CASES:
        data["patients"].append({"patient_id": pid, "center": "A", "vital_status": "dead" if dead else "alive",
                                 "followup_date": day(fu)})
        data["radioembolization"].append({"patient_id": pid, "procedure": 1, "date": day(0),
                                          "extent": "whole_liver"})
        if pid == "E04":  # a second procedure does not move the origin
            data["radioembolization"].append({"patient_id": pid, "procedure": 2, "date": day(40),
                                              "extent": "right_lobe"})
        for d, rec, total, new, nt in assessments:
            data["response"].append({"patient_id": pid, "date": day(d), "recist": rec, "target_sum_mm": total,
                                     "new_lesions": new, "non_target": nt})
        if pid == "E08":
            data["response"].append({"patient_id": pid, "date": day(100), "clinical_response": "yes"})
    return data


def expected_pfs() -> dict[str, tuple[int, int]]:
    return {c[0]: c[4] for c in CASES}


def expected_landmark() -> dict[str, tuple[str, int | None, int | None]]:
    return {c[0]: c[5] for c in CASES}
