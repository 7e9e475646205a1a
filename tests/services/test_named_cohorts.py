"""services.named_cohorts: a view saved under a name is recognised again and named in results."""

from __future__ import annotations

from pathlib import Path

from y90gui.services import named_cohorts
from y90gui.services.cohort_view import CohortView
from y90gui.store.store import Store


def test_a_saved_view_is_recognised_and_labelled(tmp_path: Path) -> None:
    view = CohortView(("A", "B"), "search “007”, centre = Bonn", 44, "007", (("center", "Bonn"),))
    with Store.create(tmp_path / "c.y90") as s:
        assert named_cohorts.label_for(view, named_cohorts.saved(s)) == \
            "Filtered cohort: 2 of 44 patients (search “007”, centre = Bonn)"
        named_cohorts.save_view(s, "Bonn 007", view)
        cohorts = named_cohorts.saved(s)
    same = CohortView(("A", "B"), "x", 44, " 007 ", (("center", "Bonn"),))
    assert named_cohorts.matching(same, cohorts) is not None
    assert named_cohorts.cohort_info(view, cohorts) == {"name": "Bonn 007", "filter": view.description,
                                                        "n": 2, "total": 44}
    assert named_cohorts.label_for(view, cohorts) == "Cohort “Bonn 007”: 2 of 44 patients (search “007”, centre = Bonn)"
    other = CohortView(("A",), "centre = Köln", 44, "", (("center", "Köln"),))
    assert named_cohorts.matching(other, cohorts) is None
    assert named_cohorts.label_for(CohortView(None, "all patients", 44), cohorts) == "All 44 patients"
