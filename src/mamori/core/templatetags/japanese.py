"""Template filters that show dates, times and fiscal years in the Japanese style.

Like Django's own date filter, they show nothing for a missing value (None, or the empty
string a mistyped variable becomes) and never raise: a date before 明治, which has no era,
is shown as an ISO date (1867-01-01) instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from mamori.core import eras

register = template.Library()


def _wareki(day: dt.date, *, weekday: bool = False) -> str:
    try:
        return eras.format_date(day, weekday=weekday)
    except eras.EraDateError:
        text = day.isoformat()
        return f"{text}({eras.WEEKDAYS[day.weekday()]})" if weekday else text


def _local_time(value: Any) -> dt.time | None:
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).time()
    if isinstance(value, dt.time):
        return value
    return None


@register.filter
def wareki(value: Any) -> str:
    """平成21年8月6日."""
    if not isinstance(value, dt.date):
        return ""
    return _wareki(eras.as_date(value))


@register.filter
def wareki_weekday(value: Any) -> str:
    """平成21年8月6日(木)."""
    if not isinstance(value, dt.date):
        return ""
    return _wareki(eras.as_date(value), weekday=True)


@register.filter
def wareki_datetime(value: Any) -> str:
    """平成21年8月6日 午後6時55分 (just the date for a date)."""
    if not isinstance(value, dt.date):
        return ""
    moment = _local_time(value)
    day = _wareki(eras.as_date(value))
    return day if moment is None else f"{day} {eras.format_time(moment)}"


@register.filter
def japanese_time(value: Any) -> str:
    """午後6時55分."""
    moment = _local_time(value)
    return "" if moment is None else eras.format_time(moment)


@register.simple_tag
def time_range(start: Any, end: Any = None) -> str:
    """午後6時55分～8時30分, or just 午後6時55分 when there is no end."""
    start_time = _local_time(start)
    if start_time is None:
        return ""
    return eras.format_time_range(start_time, _local_time(end))


@register.filter
def fiscal_year(value: Any) -> str:
    """平成21年度 (2009年度 for a year before 明治)."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return ""
    try:
        return eras.format_fiscal_year(year)
    except (eras.EraDateError, ValueError, OverflowError):
        return f"{year}年度"
