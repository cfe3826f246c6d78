"""Legal grounds and timing (R25, R26, R33): each triggered, and not."""

from __future__ import annotations

import datetime as dt

from mamori.review.tests.fixtures import changed, context, paths


class TestStartsBeforeConsultation:
    def test_it_flags_work_starting_before_the_meeting(self) -> None:
        data = changed(**{"purpose.processing_starts_on": "2025-08-01"})
        assert paths("R25", context(data)) == ["purpose.processing_starts_on"]

    def test_it_compares_with_the_submission_before_a_meeting_is_set(self) -> None:
        data = changed(**{"purpose.processing_starts_on": "2025-07-01"})
        assert paths("R25", context(data, meeting_date=None)) == ["purpose.processing_starts_on"]

    def test_it_accepts_work_starting_after_the_meeting(self) -> None:
        assert paths("R25", context()) == []


class TestSpecialCareBasis:
    def test_it_asks_why_special_care_data_is_needed(self) -> None:
        data = changed(**{"purpose.special_care_reason": {}})
        assert paths("R26", context(data)) == ["purpose.special_care_reason"]

    def test_it_asks_why_my_number_is_needed(self) -> None:
        data = changed(
            **{
                "purpose.special_care_reason": {},
                "items": [{"row_id": "mynumber", "name": "個人番号", "my_number": True}],
            }
        )
        assert paths("R26", context(data)) == ["purpose.special_care_reason"]

    def test_it_does_not_ask_without_such_data(self) -> None:
        data = changed(
            **{"purpose.special_care_reason": {}, "items": [{"row_id": "n", "name": "氏名"}]}
        )
        assert paths("R26", context(data)) == []

    def test_it_accepts_a_stated_reason(self) -> None:
        assert paths("R26", context()) == []


class TestFileRegister:
    def test_it_notes_a_file_of_more_than_a_thousand_people_under_the_act(self) -> None:
        data = changed(**{"subjects.expected_number": {"value": 1001}})
        assert paths("R33", context(data)) == ["subjects.expected_number"]

    def test_it_says_nothing_of_files_before_the_act_applied(self) -> None:
        data = changed(**{"subjects.expected_number": {"value": 5000}})
        old = context(data, meeting_date=dt.date(2009, 8, 6), submitted_on=None)
        assert paths("R33", old) == []

    def test_it_says_nothing_of_a_thousand_people_or_fewer(self) -> None:
        data = changed(**{"subjects.expected_number": {"value": 1000}})
        assert paths("R33", context(data)) == []
