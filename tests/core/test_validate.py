"""The format's cell rules (spec/workbook.md, General rules) as the validator applies them."""

from __future__ import annotations

import datetime as dt

import pytest

from y90gui.core.sheets import SHEET_BY_NAME
from y90gui.core.validate import FieldError, check_consistency, check_row, parse_value, validate_record

P = SHEET_BY_NAME["patients"].by_name
L = SHEET_BY_NAME["labs"].by_name
PRRT = SHEET_BY_NAME["prrt"].by_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(2017, 3, 9), dt.date(2017, 3, 9)),
        (dt.datetime(2017, 3, 9, 14, 30), dt.date(2017, 3, 9)),
        ("2017-03-09", dt.date(2017, 3, 9)),
        (" 2017-03-09 ", dt.date(2017, 3, 9)),
        ("2017-03-09T10:15:00", dt.date(2017, 3, 9)),
    ],
)
def test_dates_accepted(raw: object, expected: dt.date) -> None:
    assert parse_value(P["followup_date"], raw) == expected


@pytest.mark.parametrize("raw", ["09-03-2017", "March 2017", "2017/03/09", 42800.0, 42800, "2017-02-30", "1899-12-31"])
def test_dates_refused(raw: object) -> None:
    with pytest.raises(FieldError):
        parse_value(P["followup_date"], raw)


def test_date_after_today_refused() -> None:
    with pytest.raises(FieldError, match="out of range"):
        parse_value(P["followup_date"], dt.date.today() + dt.timedelta(days=1))


@pytest.mark.parametrize(("raw", "expected"), [(1.5, 1.5), ("1,5", 1.5), ("1.5", 1.5), (" 7 ", 7.0), (3, 3.0)])
def test_numbers_accepted(raw: object, expected: float) -> None:
    assert parse_value(L["value"], raw) == expected


@pytest.mark.parametrize("raw", ["1.234,5", "1,234.5", "12 mg", "abc", "1e", True])
def test_numbers_refused(raw: object) -> None:
    with pytest.raises(FieldError):
        parse_value(L["value"], raw)


def test_ranges_and_exclusive_minimum() -> None:
    with pytest.raises(FieldError, match="> 0"):
        parse_value(PRRT["activity_gbq"], 0)
    assert parse_value(PRRT["activity_gbq"], 15) == 15.0
    with pytest.raises(FieldError, match="≤ 15"):
        parse_value(PRRT["activity_gbq"], 15.01)
    with pytest.raises(FieldError, match="whole number"):
        parse_value(PRRT["cycle"], 1.5)
    assert parse_value(PRRT["cycle"], "2") == 2
    with pytest.raises(FieldError):
        parse_value(P["birth_year"], dt.date.today().year + 1)


@pytest.mark.parametrize(("raw", "expected"), [("yes", True), ("Y", True), ("TRUE", True), (1, True), ("0", False),
                                               ("n", False), (False, False)])
def test_yes_no(raw: object, expected: bool) -> None:
    assert parse_value(P["functional_syndrome"], raw) is expected


def test_codes_case_insensitive_and_error_lists_allowed() -> None:
    assert parse_value(P["primary_site"], "Small_Bowel") == "small_bowel"
    assert parse_value(L["unit"], "µmol/L") == "umol/L"
    with pytest.raises(FieldError, match="allowed: pancreas, small_bowel"):
        parse_value(P["primary_site"], "ileum")


def test_required_and_blank() -> None:
    with pytest.raises(FieldError, match="required"):
        parse_value(P["center"], "   ")
    assert parse_value(P["notes"], "  ") is None
    assert parse_value(P["patient_id"], " P1  ") == "P1"
    assert parse_value(P["patient_id"], 17.0) == "17"


def test_unit_must_belong_to_test() -> None:
    problems = check_row("labs", {"test": "alt", "unit": "g/L", "value": 3.0})
    assert problems[0][0] == "unit"
    assert "does not belong" in problems[0][1]


def test_validate_record_names_the_column() -> None:
    with pytest.raises(FieldError, match="^sex: unknown code"):
        validate_record("patients", {"patient_id": "P1", "center": "A", "sex": "X", "vital_status": "alive",
                                     "followup_date": "2020-01-01"})


def _patient(pid: str | None, **kw: object) -> dict[str, object]:
    row = {"patient_id": pid, "center": "A", "vital_status": "alive", "followup_date": dt.date(2020, 1, 1)}
    row.update(kw)
    return row


def test_consistency_rules() -> None:
    data = {
        "patients": [_patient("P1", _row=2), _patient("P1", _row=3),
                     _patient("P2", _row=4, vital_status="dead", followup_date=dt.date(2018, 1, 1))],
        "radioembolization": [
            {"patient_id": "P1", "procedure": 1, "date": dt.date(2021, 1, 1), "extent": "segmental", "_row": 2},
            {"patient_id": "P2", "procedure": 1, "date": dt.date(2017, 1, 1), "extent": "segmental", "_row": 3},
            {"patient_id": "P2", "procedure": 1, "date": dt.date(2019, 1, 1), "extent": "segmental", "_row": 4},
        ],
        "labs": [{"patient_id": "P9", "date": dt.date(2017, 1, 1), "test": "alt", "value": 1.0, "unit": "U/L",
                  "_row": 2}],
        "adverse_events": [{"patient_id": "P1", "procedure": 3, "onset_date": dt.date(2021, 2, 1), "term": "x",
                            "category": "clinical", "grade": 1, "_row": 2}],
    }
    issues = check_consistency(data)
    messages = {(i.sheet, i.row, i.column): i.message for i in issues}
    assert "duplicate patient_id" in messages[("patients", 3, "patient_id")]
    assert "before the first radioembolization" in messages[("patients", 2, "followup_date")]
    assert "after death" in messages[("radioembolization", 4, "date")]
    assert "duplicate procedure 1" in messages[("radioembolization", 4, "procedure")]
    assert "not on the patients sheet" in messages[("labs", 2, "patient_id")]
    assert "no procedure 3" in messages[("adverse_events", 2, "procedure")]
    # a patient already in the database makes child rows valid
    assert not [i for i in check_consistency({"labs": data["labs"]}, known_patient_ids={"P9"})]


def test_rows_without_a_patient_id_are_not_duplicates_of_each_other() -> None:
    """A missing ID is one error per row ("required", from the field check), not also a duplicate."""
    rows = [_patient(None, _row=2), _patient(None, _row=3), _patient("P1", _row=4)]
    assert not [i for i in check_consistency({"patients": rows}) if "duplicate" in i.message]
    for row in rows[:2]:
        with pytest.raises(FieldError, match="required"):
            parse_value(P["patient_id"], row["patient_id"])


def test_text_longer_than_an_excel_cell_is_refused_where_it_is_typed() -> None:
    """It used to be accepted, and then blocked every export of the case series."""
    record = {"patient_id": "P1", "center": "A", "sex": "F", "vital_status": "alive",
              "followup_date": "2020-01-01", "notes": "n" * 32_767}
    assert validate_record("patients", record)["notes"] == "n" * 32_767  # exactly the limit is fine
    with pytest.raises(FieldError, match=r"^notes: text of 40,000 characters, longer than an Excel cell holds "
                                         r"\(32,767\)"):
        validate_record("patients", {**record, "notes": "n" * 40_000})
    assert validate_record("patients", {**record, "notes": "  " + "n" * 32_767 + "  "})["notes"] == "n" * 32_767


def test_id_lookalikes_differ_only_by_case_or_a_leading_apostrophe() -> None:
    from y90gui.core.validate import id_lookalikes

    assert id_lookalikes(["p001", "'P002", "P003", "P004"], ["P001", "P002", "P004"]) == {"p001": "P001",
                                                                                      "'P002": "P002"}
