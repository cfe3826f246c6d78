"""Japanese era (和暦) dates and fiscal years (年度), in the official style.

Era start dates are the days the era began in the Gregorian calendar; 明治 is counted
from its proclamation (1868-10-23). The first year of an era is written 元年.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

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


def era_of(day: dt.date) -> Era:
    """The era a Gregorian date falls in."""
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


def format_date(day: dt.date, *, weekday: bool = False) -> str:
    """A date in official style: 平成21年8月6日, with (木) when weekday is set."""
    if isinstance(day, dt.datetime):
        day = day.date()
    era = era_of(day)
    text = f"{era.name}{year_label(era, era.year_of(day.year))}年{day.month}月{day.day}日"
    if weekday:
        text += f"({WEEKDAYS[day.weekday()]})"
    return text


def format_time(moment: dt.time, *, with_period: bool = True) -> str:
    """A time of day in the style of minutes: 午後6時55分, 午前10時."""
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
    return day.year if day.month >= 4 else day.year - 1


def format_fiscal_year(fiscal_year: int, *, on: dt.date | None = None) -> str:
    """A fiscal year in the era of the given date, or of the year's end: 平成21年度, 令和元年度."""
    reference = on or dt.date(fiscal_year + 1, 3, 31)
    era = era_of(reference)
    era_year = era.year_of(fiscal_year)
    if era_year < 1:
        era = era_of(dt.date(fiscal_year, 4, 1))
        era_year = era.year_of(fiscal_year)
    return f"{era.name}{year_label(era, era_year)}年度"


_ERA_DATE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<year>元|\d{1,2})\s*"
    r"(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|[./-](?P<m2>\d{1,2})[./-](?P<d2>\d{1,2}))$"
)
_WESTERN_DATE = re.compile(
    r"^(?P<year>\d{4})\s*(?:[./-]|年)\s*(?P<month>\d{1,2})\s*(?:[./-]|月)\s*(?P<day>\d{1,2})\s*日?$"
)
_ERA_FISCAL_YEAR = re.compile(r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<year>元|\d{1,2})\s*年度?$")


def normalise(text: str) -> str:
    """Fold full-width digits and letters to half-width and trim (NFKC)."""
    return unicodedata.normalize("NFKC", text).strip().upper().replace("〜", "-")


def _checked_era_year(era: Era, year_text: str) -> int:
    era_year = 1 if year_text == "元" else int(year_text)
    if era_year < 1:
        raise EraDateError(
            _("There is no year %(year)s of %(era)s: an era starts at year 1 (元年).")
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


def parse_date(text: str) -> dt.date:
    """Read a date written in the Japanese era (平成21年8月6日, H21.8.6) or as 2009-08-06."""
    value = normalise(text)
    if match := _WESTERN_DATE.match(value):
        return _make_date(int(match["year"]), int(match["month"]), int(match["day"]))
    match = _ERA_DATE.match(value)
    if not match:
        raise EraDateError(
            _("Enter a date such as 令和8年4月1日, R8.4.1 or 2026-04-01.")
        )
    era = _BY_NAME[match["era"]]
    era_year = _checked_era_year(era, match["year"])
    month = int(match["m1"] or match["m2"])
    day_number = int(match["d1"] or match["d2"])
    day = _make_date(era.start.year + era_year - 1, month, day_number)
    end = era_end(era)
    if day < era.start or (end is not None and day > end):
        raise EraDateError(
            _("%(date)s is not a day of the %(era)s era.")
            % {"date": f"{era.name}{year_label(era, era_year)}年{month}月{day_number}日", "era": era.name}
        )
    return day


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise EraDateError(
            _("%(month)s/%(day)s is not a day of the calendar.") % {"month": month, "day": day}
        ) from error


def parse_fiscal_year(text: str) -> int:
    """Read a fiscal year: 平成21年度, 令和元年度, H21, or 2009."""
    value = normalise(text)
    if value.isdigit() and len(value) == 4:
        return int(value)
    match = _ERA_FISCAL_YEAR.match(value)
    if not match:
        raise EraDateError(_("Enter a fiscal year such as 令和8年度 or 2026."))
    era = _BY_NAME[match["era"]]
    era_year = _checked_era_year(era, match["year"])
    return era.start.year + era_year - 1
