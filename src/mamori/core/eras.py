"""Japanese era (和暦) dates and fiscal years (年度), in the official style.

Era start dates are the days the era began in the Gregorian calendar; 明治 is counted
from its proclamation (1868-10-23). The first year of an era is written 元年.

Dates in 明治 before 1873 are shown on the Gregorian calendar (Japan kept the lunisolar
calendar until 明治5年12月2日), so they are not the dates written at the time; they are
formatted without error all the same. Dates before 明治 cannot be shown in an era and raise
EraDateError.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Era:
    """One Japanese era: its name, romanised initial and first day."""

    name: str
    initial: str
    start: dt.date

    def year_of(self, western_year: int) -> int:
        """The era year that a Western year falls in."""
        return western_year - self.start.year + 1

    def western_year(self, era_year: int) -> int:
        """The Western year that an era year falls in."""
        return self.start.year + era_year - 1


ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("大正", "T", dt.date(1912, 7, 30)),
    Era("明治", "M", dt.date(1868, 10, 23)),
)
_BY_NAME = {era.name: era for era in ERAS} | {era.initial: era for era in ERAS}
WEEKDAYS = "月火水木金土日"


class EraDateError(ValueError):
    """A Japanese-era date that does not exist, or text that is not a date."""


def as_date(value: dt.date) -> dt.date:
    """A plain date: an aware datetime is taken in the current time zone first."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def era_of(day: dt.date) -> Era:
    """The era a Gregorian date falls in."""
    day = as_date(day)
    for era in ERAS:
        if day >= era.start:
            return era
    raise EraDateError(_("Dates before the Meiji era cannot be shown in the Japanese calendar."))


def era_end(era: Era) -> dt.date | None:
    """The last day of an era, or None for the current one."""
    index = ERAS.index(era)
    if index == 0:
        return None
    return ERAS[index - 1].start - dt.timedelta(days=1)


def year_label(era: Era, era_year: int) -> str:
    """An era year in official style: 元年 for the first year, else the number."""
    return "元" if era_year == 1 else str(era_year)


def _era_date_text(era: Era, era_year: int, month: int, day: int) -> str:
    return f"{era.name}{year_label(era, era_year)}年{month}月{day}日"


def format_date(day: dt.date, *, weekday: bool = False) -> str:
    """A date in official style: 平成21年8月6日, with (木) when weekday is set."""
    day = as_date(day)
    era = era_of(day)
    text = _era_date_text(era, era.year_of(day.year), day.month, day.day)
    if weekday:
        text += f"({WEEKDAYS[day.weekday()]})"
    return text


def format_time(moment: dt.time, *, with_period: bool = True) -> str:
    """A time of day in the style of minutes: 午後6時55分, 午前10時, 午後0時 for noon."""
    period = "午前" if moment.hour < 12 else "午後"
    hour = moment.hour % 12
    text = f"{hour}時" + (f"{moment.minute}分" if moment.minute else "")
    return f"{period}{text}" if with_period else text


def format_time_range(start: dt.time, end: dt.time | None) -> str:
    """A span of time as in minutes: 午後6時55分～8時30分 (the period once when shared)."""
    if end is None:
        return format_time(start)
    same_period = (start.hour < 12) == (end.hour < 12)
    return f"{format_time(start)}～{format_time(end, with_period=not same_period)}"


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year (April to March) a date belongs to, as the Western year it starts in."""
    day = as_date(day)
    return day.year if day.month >= 4 else day.year - 1


def _fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def format_fiscal_year(fiscal_year: int, *, on: dt.date | None = None) -> str:
    """A fiscal year in the era in force on the given day, or at the year's end.

    2019 is 令和元年度, or 平成31年度 on a day before 2019-05-01 (both name the same year).
    A day outside the fiscal year is moved to its nearest end, so no label names an era year
    that never was (平成32年度). A fiscal year that an era began in after New Year is named in
    the era before (1988 is 昭和63年度, not 平成0年度).
    """
    first, last = _fiscal_year_bounds(fiscal_year)
    reference = last if on is None else min(max(as_date(on), first), last)
    era = era_of(reference)
    if era.year_of(fiscal_year) < 1:
        era = era_of(first)
    return f"{era.name}{year_label(era, era.year_of(fiscal_year))}年度"


_ERA = r"(?P<era>明治|大正|昭和|平成|令和|[MTSHR])"
_WEEKDAY = r"(?:\s*\((?P<weekday>[月火水木金土日])(?:曜日?)?\))?"
_ERA_DATE = re.compile(
    rf"^{_ERA}\s*(?P<year>元|\d{{1,3}})\s*"
    r"(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|[./-]\s*(?P<m2>\d{1,2})\s*[./-]\s*(?P<d2>\d{1,2}))"
    rf"{_WEEKDAY}$",
    re.ASCII,
)
_WESTERN_DATE = re.compile(
    r"^(?P<year>\d{4})\s*(?:[./-]|年)\s*(?P<month>\d{1,2})\s*(?:[./-]|月)\s*(?P<day>\d{1,2})\s*日?"
    rf"{_WEEKDAY}$",
    re.ASCII,
)
_ERA_FISCAL_YEAR = re.compile(rf"^{_ERA}\s*(?P<year>元|\d{{1,3}})\s*(?:年\s*度?)?$", re.ASCII)
_WESTERN_FISCAL_YEAR = re.compile(r"^(?P<year>\d{4})\s*(?:年\s*度?)?$", re.ASCII)

# Dashes that NFKC leaves alone but people type between the parts of a date.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー〜~", "-"))


def normalise(text: str) -> str:
    """Fold full-width digits, letters and brackets to half-width (NFKC), dashes to '-', trim."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip().upper()


def _checked_era_year(era: Era, year_text: str) -> int:
    era_year = 1 if year_text == "元" else int(year_text)
    if era_year < 1:
        raise EraDateError(
            _("There is no year %(year)s of %(era)s: enter year 1 (元年) or later.")
            % {"era": era.name, "year": era_year}
        )
    end = era_end(era)
    if end is not None and era.year_of(end.year) < era_year:
        raise EraDateError(
            _("%(era)s %(year)s does not exist: %(era)s ended in year %(last)s (%(end)s).")
            % {
                "era": era.name,
                "year": era_year,
                "last": era.year_of(end.year),
                "end": format_date(end),
            }
        )
    return era_year


def _make_date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise EraDateError(_("There is no such day as %(date)s.") % {"date": text}) from error


def _check_weekday(day: dt.date, given: str | None, text: str) -> None:
    actual = WEEKDAYS[day.weekday()]
    if given is not None and given != actual:
        raise EraDateError(
            _("%(date)s is a %(weekday)s, not a %(given)s.")
            % {"date": text, "weekday": actual, "given": given}
        )


def parse_date(text: str) -> dt.date:
    """Read a date written in the Japanese era (平成21年8月6日, H21.8.6) or as 2009-08-06.

    Full-width digits are accepted, as is a weekday after the date (平成21年8月6日(木)) as
    long as it is the right one. Raises EraDateError, with a message for the person who
    typed the text, for text that is not a date or names a day that does not exist.
    """
    value = normalise(text)
    if match := _WESTERN_DATE.match(value):
        year, month, day_number = int(match["year"]), int(match["month"]), int(match["day"])
        written = f"{year}年{month}月{day_number}日"
        day = _make_date(year, month, day_number, written)
        _check_weekday(day, match["weekday"], written)
        return day
    match = _ERA_DATE.match(value)
    if not match:
        raise EraDateError(_("Enter a date such as 令和8年4月1日, R8.4.1 or 2026-04-01."))
    era = _BY_NAME[match["era"]]
    era_year = _checked_era_year(era, match["year"])
    month = int(match["m1"] or match["m2"])
    day_number = int(match["d1"] or match["d2"])
    written = _era_date_text(era, era_year, month, day_number)
    day = _make_date(era.western_year(era_year), month, day_number, written)
    if day < era.start:
        raise EraDateError(
            _("%(date)s does not exist: %(era)s began on %(start)s.")
            % {"date": written, "era": era.name, "start": format_date(era.start)}
        )
    end = era_end(era)
    if end is not None and day > end:
        raise EraDateError(
            _("%(date)s does not exist: %(era)s ended on %(end)s, and the next day was %(next)s.")
            % {
                "date": written,
                "era": era.name,
                "end": format_date(end),
                "next": format_date(end + dt.timedelta(days=1)),
            }
        )
    _check_weekday(day, match["weekday"], written)
    return day


def parse_fiscal_year(text: str) -> int:
    """Read a fiscal year: 平成21年度, 令和元年度, H21, 2009 or 2009年度.

    平成31年度 and 令和元年度 both read as 2019. A fiscal year that began after its era had
    ended (昭和64年度: 昭和 ended in January 1989) does not exist.
    """
    value = normalise(text)
    if match := _WESTERN_FISCAL_YEAR.match(value):
        return int(match["year"])
    match = _ERA_FISCAL_YEAR.match(value)
    if not match:
        raise EraDateError(_("Enter a fiscal year such as 令和8年度 or 2026."))
    era = _BY_NAME[match["era"]]
    era_year = _checked_era_year(era, match["year"])
    fiscal_year = era.western_year(era_year)
    end = era_end(era)
    if end is not None and end < _fiscal_year_bounds(fiscal_year)[0]:
        raise EraDateError(
            _(
                "There is no fiscal year %(era)s %(year)s: %(era)s ended on %(end)s, "
                "before that fiscal year began; it is %(label)s."
            )
            % {
                "era": era.name,
                "year": era_year,
                "end": format_date(end),
                "label": format_fiscal_year(fiscal_year),
            }
        )
    return fiscal_year
