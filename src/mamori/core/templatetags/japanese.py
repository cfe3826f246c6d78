"""Template filters that show dates in the Japanese era."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from mamori.core import eras

register = template.Library()


def _local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def wareki(value: dt.date | dt.datetime | None) -> str:
    """平成21年8月6日."""
    return "" if value is None else eras.format_date(_local_date(value))


@register.filter
def wareki_weekday(value: dt.date | dt.datetime | None) -> str:
    """平成21年8月6日(木)."""
    return "" if value is None else eras.format_date(_local_date(value), weekday=True)


@register.filter
def wareki_datetime(value: dt.datetime | None) -> str:
    """平成21年8月6日 午後6時55分."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{eras.format_date(local.date())} {eras.format_time(local.time())}"


@register.filter
def japanese_time(value: dt.time | None) -> str:
    """午後6時55分."""
    return "" if value is None else eras.format_time(value)


@register.simple_tag
def time_range(start: dt.time, end: dt.time | None) -> str:
    """午後6時55分～8時30分."""
    return eras.format_time_range(start, end)


@register.filter
def fiscal_year(value: int) -> str:
    """平成21年度."""
    return eras.format_fiscal_year(value)
