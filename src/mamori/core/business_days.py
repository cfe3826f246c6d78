"""Business days of the city office: weekdays that are neither a national holiday nor part
of the year-end closure.

National holidays (国民の祝日に関する法律, with 振替休日 and 国民の休日) come from the
`holidays` library; the office is also closed from 29 December to 3 January
(行政機関の休日に関する法律 第1条第1項第3号, which cities follow by ordinance).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays

SATURDAY = 5


@cache
def _holidays_of(year: int) -> frozenset[dt.date]:
    """The national holidays of one year, computed once per year."""
    return frozenset(holidays.country_holidays("JP", years=year))


def is_year_end_closure(day: dt.date) -> bool:
    """Whether the day falls in the office's closure from 29 December to 3 January."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: dt.date) -> bool:
    """Whether the city office is open on that day."""
    return (
        day.weekday() < SATURDAY
        and not is_year_end_closure(day)
        and day not in _holidays_of(day.year)
    )


def add_business_days(day: dt.date, n: int) -> dt.date:
    """The n-th business day after the day (the day itself when n is 0)."""
    if n < 0:
        raise ValueError("n must not be negative")
    current, counted = day, 0
    while counted < n:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            counted += 1
    return current


def business_days_between(start: dt.date, end: dt.date) -> int:
    """How many business days fall after start and up to end (0 when end is not later)."""
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            count += 1
    return count
