"""analysis.frames.from_store reads a sheet in chunks: the frames are the same as in one piece."""

from __future__ import annotations

import pandas as pd
import pytest

from y90gui.analysis import frames
from y90gui.core.sheets import SHEETS
from y90gui.demo.synthetic import build_cohort
from y90gui.store.store import Store


def test_frames_read_in_chunks_equal_the_case_data_frames(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = build_cohort(40, 3)
    with Store.create(tmp_path / "c.y90") as store:
        store.replace_patients(data, "fixture")
        whole = frames.from_store(store)
        monkeypatch.setattr(frames, "CHUNK_ROWS", 7)  # every sheet in several chunks, the last one short
        chunked = frames.from_store(store)
    expected = frames.from_case_data(data)
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(chunked.sheet(sheet.name), whole.sheet(sheet.name))
        assert len(chunked.sheet(sheet.name)) == len(data[sheet.name])
    # same values as the frames built from the case data (rows in the file's order)
    got = chunked.labs.sort_values(["patient_id", "date", "test", "value"]).reset_index(drop=True)
    want = expected.labs.sort_values(["patient_id", "date", "test", "value"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got.drop(columns="_row"), want.drop(columns="_row"), check_dtype=False)


def test_to_dates_is_to_date_of_each_day() -> None:
    import numpy as np

    from y90gui.analysis.frames import to_date, to_dates

    days = [0.0, np.nan, 19000.0, -1.0, 19000.0, 19000.9, np.nan, None]
    assert to_dates(days) == [to_date(None if d is None else float(d)) for d in days]
    assert to_dates(np.array([[1.0], [2.0]]).ravel()) == [to_date(1.0), to_date(2.0)]
    assert to_dates([]) == []
