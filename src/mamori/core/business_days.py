"""Business days of the city office: weekdays that are neither a national holiday nor part
of the year-end closure.

National holidays (国民の祝日に関する法律, with 振替休日 and 国民の休日) come from the
`holidays` library; the office is also closed from 29 December to 3 January
(行政機関の休日に関する法律 第1条第1項第3号, which cities follow by ordinance).

The holiday table covers the years FIRST_YEAR to LAST_YEAR (1949–2099 with the `holidays`
release in use): outside them it knows no holiday at all, so `add_business_days` refuses
(ValueError) to count into a year it cannot cover, or past `datetime.date.max`, rather than
return a wrong date or overflow.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
from holidays.countries.japan import Japan

SATURDAY = 5
# The years whose national holidays the table knows (holidays.countries.japan: 1949–2099).
FIRST_YEAR: int = Japan.start_year
LAST_YEAR: int = Japan.end_year


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
    """The n-th business day after the day (the day itself when n is 0).

    ValueError when n is negative, or when counting would pass `datetime.date.max` or reach a
    year outside FIRST_YEAR–LAST_YEAR, whose holidays the table does not know."""
    if n < 0:
        raise ValueError("n must not be negative")
    current, counted = day, 0
    while counted < n:
        if current == dt.date.max:
            raise ValueError("the date would pass the last date there is")
        current += dt.timedelta(days=1)
        if not FIRST_YEAR <= current.year <= LAST_YEAR:
            raise ValueError(
                f"the holiday table covers {FIRST_YEAR} to {LAST_YEAR} only, not {current.year}"
            )
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
