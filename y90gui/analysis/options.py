"""The report's choices a user makes (median CI method, toxicity denominator), as plain constants.

Kept apart from `survival` and `report`, which define what they mean, so that the window can
offer the choices without importing the statistics (and `statistics`) before its first paint.
"""

from __future__ import annotations

#: Confidence interval methods of the Kaplan-Meier median, as R's survfit `conf.type` names them.
CI_METHODS = ("log-log", "log", "plain")
#: Denominators of the toxicity rates: per procedure or per patient.
BASES = ("procedures", "patients")
