"""Business days of the city office: weekends, national holidays and the year-end closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mamori.core.business_days import (
    LAST_YEAR,
    add_business_days,
    business_days_between,
    is_business_day,
)
from mamori.vendors.services import erasure_due_on


class TestIsBusinessDay:
    def test_a_plain_weekday_is_a_business_day(self) -> None:
        assert is_business_day(dt.date(2026, 6, 10))  # a Wednesday

    def test_a_weekend_is_not(self) -> None:
        assert not is_business_day(dt.date(2026, 6, 13))  # Saturday
        assert not is_business_day(dt.date(2026, 6, 14))  # Sunday

    def test_a_national_holiday_on_a_weekday_is_not(self) -> None:
        assert not is_business_day(dt.date(2026, 5, 4))  # みどりの日, a Monday

    def test_a_substitute_holiday_is_not(self) -> None:
        # 憲法記念日 (5/3) falls on a Sunday in 2026: 振替休日 on Wednesday 5/6.
        assert not is_business_day(dt.date(2026, 5, 6))

    def test_a_citizens_holiday_between_two_holidays_is_not(self) -> None:
        # 国民の休日: 2026-09-22 lies between 敬老の日 and 秋分の日.
        assert not is_business_day(dt.date(2026, 9, 22))

    @pytest.mark.parametrize(
        "day", [dt.date(2026, 12, 29), dt.date(2026, 12, 31), dt.date(2027, 1, 3)]
    )
    def test_the_year_end_closure_is_not(self, day: dt.date) -> None:
        assert not is_business_day(day)

    def test_the_office_opens_again_on_the_fourth_of_january(self) -> None:
        assert is_business_day(dt.date(2027, 1, 4))  # a Monday
        assert is_business_day(dt.date(2026, 12, 28))  # the last day before the closure


class TestAddBusinessDays:
    def test_a_plain_week_skips_the_weekend_only(self) -> None:
        # Monday 2026-06-08 + 5 business days: Tue, Wed, Thu, Fri, then Monday 6/15.
        assert add_business_days(dt.date(2026, 6, 8), 5) == dt.date(2026, 6, 15)

    def test_zero_days_is_the_day_itself(self) -> None:
        assert add_business_days(dt.date(2026, 6, 13), 0) == dt.date(2026, 6, 13)

    def test_golden_week_is_skipped(self) -> None:
        # From Thursday 2026-04-30: 5/1 (1); 5/2–5/6 closed (weekend, 憲法記念日 on Sunday,
        # みどりの日, こどもの日, 振替休日 on 5/6); 5/7 (2), 5/8 (3), 5/11 (4) … 5/15 (8),
        # 5/18 (9), 5/19 (10).
        assert add_business_days(dt.date(2026, 4, 30), 10) == dt.date(2026, 5, 19)

    def test_the_new_year_closure_and_coming_of_age_day_are_skipped(self) -> None:
        # From Friday 2026-12-25: 12/26–27 weekend; 12/28 (1); 12/29–1/3 closed; 1/4 (2) …
        # 1/8 (6); 1/9–10 weekend; 1/11 成人の日 (second Monday of January 2027);
        # 1/12 (7), 1/13 (8), 1/14 (9), 1/15 (10).
        assert add_business_days(dt.date(2026, 12, 25), 10) == dt.date(2027, 1, 15)

    def test_a_negative_count_is_refused(self) -> None:
        with pytest.raises(ValueError):
            add_business_days(dt.date(2026, 6, 8), -1)

    def test_the_last_year_of_the_holiday_table_is_counted(self) -> None:
        assert LAST_YEAR == 2099
        # Friday 2099-12-25: the weekend, then Monday 12/28.
        assert add_business_days(dt.date(2099, 12, 25), 1) == dt.date(2099, 12, 28)

    def test_counting_into_a_year_the_holiday_table_does_not_cover_is_refused(self) -> None:
        # 12/28 (1); the closure runs into 2100, whose holidays the table does not know.
        with pytest.raises(ValueError):
            add_business_days(dt.date(2099, 12, 25), 2)

    @pytest.mark.parametrize("day", [dt.date.max, dt.date(9999, 12, 25)])
    def test_counting_past_the_last_date_is_a_value_error_not_an_overflow(
        self, day: dt.date
    ) -> None:
        with pytest.raises(ValueError):
            add_business_days(day, 10)

    def test_zero_days_from_the_last_date_is_that_date(self) -> None:
        assert add_business_days(dt.date.max, 0) == dt.date.max


class TestBusinessDaysBetween:
    def test_it_counts_the_business_days_after_the_start_up_to_the_end(self) -> None:
        assert business_days_between(dt.date(2026, 4, 30), dt.date(2026, 5, 19)) == 10

    def test_it_is_zero_when_the_end_is_not_later(self) -> None:
        assert business_days_between(dt.date(2026, 5, 19), dt.date(2026, 4, 30)) == 0


class TestErasureDueOn:
    def test_it_is_ten_business_days_by_default(self, settings: Any) -> None:
        settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS = 10
        assert erasure_due_on(dt.date(2026, 4, 30)) == dt.date(2026, 5, 19)

    def test_the_setting_changes_the_due_date(self, settings: Any) -> None:
        settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS = 3
        # 5/1 (1), then 5/7 (2), 5/8 (3).
        assert erasure_due_on(dt.date(2026, 4, 30)) == dt.date(2026, 5, 8)
