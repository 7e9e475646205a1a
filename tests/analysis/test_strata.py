"""Survival strata: patient fields and fields of the first procedure."""

from __future__ import annotations

import pytest

from y90gui.analysis.frames import from_case_data
from y90gui.analysis.strata import STRATA_FIELDS, os_by_stratum


def test_patient_and_first_procedure_fields(small_case):
    fr = from_case_data(small_case)
    by_centre = os_by_stratum(fr, "center")
    assert sorted(by_centre) == ["A", "B"]
    assert list(by_centre["A"][0]) == [400, 800] and list(by_centre["A"][1]) == [True, False]
    by_extent = os_by_stratum(fr, "extent")  # P1's first procedure is whole liver, its second right lobe
    assert sorted(by_extent) == ["segmental", "whole_liver"]
    assert len(by_extent["whole_liver"][0]) == 2
    by_syndrome = os_by_stratum(fr, "functional_syndrome")
    assert sorted(by_syndrome) == ["no", "yes"] and len(by_syndrome["yes"][0]) == 2
    assert os_by_stratum(fr, "who_grade") == {}  # all missing: no stratum


def test_fields_offered():
    assert {"center", "who_grade", "extrahepatic_disease", "extent", "microspheres"} <= set(STRATA_FIELDS)
    assert "vital_status" not in STRATA_FIELDS
    with pytest.raises(ValueError, match="stratify"):
        os_by_stratum(None, "notes")  # type: ignore[arg-type]
