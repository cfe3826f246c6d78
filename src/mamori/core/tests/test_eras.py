"""Japanese era dates, times and fiscal years: formatting, parsing, messages for bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone, translation

from mamori.core import eras
from mamori.core.eras import EraDateError


@pytest.fixture(autouse=True)
def japanese() -> Iterator[None]:
    with translation.override("ja"):
        yield


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# --- Formatting dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Each era's first day and the day before it.
        (dt.date(1868, 10, 23), "明治元年10月23日"),
        (dt.date(1912, 7, 29), "明治45年7月29日"),
        (dt.date(1912, 7, 30), "大正元年7月30日"),
        (dt.date(1926, 12, 24), "大正15年12月24日"),
        (dt.date(1926, 12, 25), "昭和元年12月25日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        # Ordinary days, and the turn of the Western year inside an era.
        (dt.date(1988, 12, 31), "昭和63年12月31日"),
        (dt.date(1989, 12, 31), "平成元年12月31日"),
        (dt.date(1990, 1, 1), "平成2年1月1日"),
        (dt.date(2009, 8, 6), "平成21年8月6日"),
        (dt.date(2019, 12, 31), "令和元年12月31日"),
        (dt.date(2020, 1, 1), "令和2年1月1日"),
        (dt.date(2026, 4, 1), "令和8年4月1日"),
    ],
)
def test_a_date_is_written_in_the_era_it_falls_in(day: dt.date, expected: str) -> None:
    assert eras.format_date(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2009, 8, 6), "平成21年8月6日(木)"),
        (dt.date(1989, 1, 7), "昭和64年1月7日(土)"),
        (dt.date(1989, 1, 8), "平成元年1月8日(日)"),
        (dt.date(2019, 4, 30), "平成31年4月30日(火)"),
        (dt.date(2019, 5, 1), "令和元年5月1日(水)"),
        (dt.date(2026, 4, 6), "令和8年4月6日(月)"),
    ],
)
def test_a_date_can_carry_its_weekday(day: dt.date, expected: str) -> None:
    assert eras.format_date(day, weekday=True) == expected


def test_a_datetime_is_written_as_its_date() -> None:
    assert eras.format_date(dt.datetime(2009, 8, 6, 18, 55)) == "平成21年8月6日"


def test_an_aware_datetime_is_written_as_its_date_in_the_local_time_zone() -> None:
    # 2019-04-30 15:00 UTC is already 2019-05-01 in Japan.
    moment = dt.datetime(2019, 4, 30, 15, 0, tzinfo=dt.UTC)
    with timezone.override("Asia/Tokyo"):
        assert eras.format_date(moment) == "令和元年5月1日"


@pytest.mark.parametrize(
    "day", [dt.date(1868, 10, 23), dt.date(1870, 1, 1), dt.date(1872, 12, 31), dt.date(1873, 1, 1)]
)
def test_a_meiji_date_before_the_gregorian_calendar_is_formatted_without_error(
    day: dt.date,
) -> None:
    assert eras.format_date(day, weekday=True).startswith("明治")


def test_meiji_6_is_1873() -> None:
    assert eras.format_date(dt.date(1873, 1, 1)) == "明治6年1月1日"


@pytest.mark.parametrize("day", [dt.date(1868, 10, 22), dt.date(1800, 1, 1), dt.date(1, 1, 1)])
def test_a_date_before_meiji_cannot_be_formatted(day: dt.date) -> None:
    with pytest.raises(EraDateError) as raised:
        eras.format_date(day)
    assert str(raised.value) == "明治より前の日付は和暦で表せません。"


# --- Formatting times ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.time(0, 0), "午前0時"),
        (dt.time(0, 5), "午前0時5分"),
        (dt.time(9, 30), "午前9時30分"),
        (dt.time(10, 0), "午前10時"),
        (dt.time(11, 59), "午前11時59分"),
        (dt.time(12, 0), "午後0時"),
        (dt.time(12, 30), "午後0時30分"),
        (dt.time(13, 0), "午後1時"),
        (dt.time(18, 55), "午後6時55分"),
        (dt.time(19, 0), "午後7時"),
        (dt.time(23, 59), "午後11時59分"),
        (dt.time(18, 55, 42), "午後6時55分"),
    ],
)
def test_a_time_is_written_with_its_half_of_the_day(moment: dt.time, expected: str) -> None:
    assert eras.format_time(moment) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.time(18, 55), dt.time(20, 30), "午後6時55分～8時30分"),
        (dt.time(10, 0), dt.time(11, 30), "午前10時～11時30分"),
        (dt.time(14, 0), dt.time(16, 0), "午後2時～4時"),
        (dt.time(11, 0), dt.time(13, 30), "午前11時～午後1時30分"),
        (dt.time(9, 30), dt.time(12, 0), "午前9時30分～午後0時"),
        (dt.time(12, 0), dt.time(13, 0), "午後0時～1時"),
        (dt.time(18, 55), None, "午後6時55分"),
    ],
)
def test_a_time_range_names_the_half_of_the_day_once_unless_it_crosses_noon(
    start: dt.time, end: dt.time | None, expected: str
) -> None:
    assert eras.format_time_range(start, end) == expected


# --- Fiscal years --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2009, 4, 1), 2009),
        (dt.date(2009, 8, 6), 2009),
        (dt.date(2009, 12, 31), 2009),
        (dt.date(2010, 1, 1), 2009),
        (dt.date(2010, 3, 31), 2009),
        (dt.date(2010, 4, 1), 2010),
        (dt.date(1989, 1, 7), 1988),
        (dt.date(1989, 1, 8), 1988),
        (dt.date(2019, 4, 30), 2019),
        (dt.date(2019, 5, 1), 2019),
        (dt.datetime(2010, 3, 31, 23, 59), 2009),
    ],
)
def test_january_to_march_belong_to_the_fiscal_year_begun_the_april_before(
    day: dt.date, expected: int
) -> None:
    assert eras.fiscal_year_of(day) == expected


@pytest.mark.parametrize(
    ("fiscal_year", "on", "expected"),
    [
        (2009, None, "平成21年度"),
        (1989, None, "平成元年度"),
        (1988, None, "昭和63年度"),
        (1988, dt.date(1989, 2, 1), "昭和63年度"),
        (2018, None, "平成30年度"),
        (2019, None, "令和元年度"),
        (2019, dt.date(2019, 4, 23), "平成31年度"),
        (2019, dt.date(2019, 4, 30), "平成31年度"),
        (2019, dt.date(2019, 5, 1), "令和元年度"),
        (2019, dt.date(2020, 3, 31), "令和元年度"),
        (2019, dt.datetime(2019, 4, 23, 19, 0), "平成31年度"),
        (2020, None, "令和2年度"),
        (2026, None, "令和8年度"),
        (1926, None, "昭和元年度"),
        (1926, dt.date(1926, 6, 1), "大正15年度"),
        (1912, None, "大正元年度"),
        (1912, dt.date(1912, 5, 1), "明治45年度"),
    ],
)
def test_a_fiscal_year_is_named_in_the_era_of_the_day_given_or_of_its_last_day(
    fiscal_year: int, on: dt.date | None, expected: str
) -> None:
    assert eras.format_fiscal_year(fiscal_year, on=on) == expected


@pytest.mark.parametrize(
    ("fiscal_year", "on", "expected"),
    [
        # A day from a year the era had already ended in never yields 平成32年度.
        (2020, dt.date(2019, 4, 23), "令和2年度"),
        (2020, dt.date(2018, 5, 1), "令和2年度"),
        # A day after the fiscal year never yields 令和0年度.
        (2018, dt.date(2020, 1, 1), "平成30年度"),
    ],
)
def test_a_day_outside_the_fiscal_year_never_names_an_era_year_that_never_was(
    fiscal_year: int, on: dt.date, expected: str
) -> None:
    assert eras.format_fiscal_year(fiscal_year, on=on) == expected


@pytest.mark.parametrize(
    ("council_name", "fiscal_year", "number", "day", "expected"),
    [
        (
            "個人情報保護運営審議会",
            2009,
            3,
            dt.date(2009, 8, 6),
            "平成21年度第3回個人情報保護運営審議会",
        ),
        (
            "個人情報保護運営審議会",
            2019,
            1,
            dt.date(2019, 4, 23),
            "平成31年度第1回個人情報保護運営審議会",
        ),
        (
            "個人情報保護運営審議会",
            2019,
            2,
            dt.date(2019, 7, 10),
            "令和元年度第2回個人情報保護運営審議会",
        ),
        ("情報公開運営審議会", 1988, 5, dt.date(1989, 2, 1), "昭和63年度第5回情報公開運営審議会"),
    ],
)
def test_a_meeting_title_is_built_from_its_fiscal_year_and_number(
    council_name: str, fiscal_year: int, number: int, day: dt.date, expected: str
) -> None:
    from mamori.council.models import Council, Meeting

    meeting = Meeting(
        council=Council(name=council_name), fiscal_year=fiscal_year, number=number, date=day
    )
    assert meeting.title == expected


# --- Parsing dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "平成21年8月6日",
        "平成２１年８月６日",
        "平成21年8月6",
        "平成 21 年 8 月 6 日",
        "  平成21年8月6日  ",
        "H21.8.6",
        "h21.8.6",
        "Ｈ２１．８．６",
        "H21/8/6",
        "H21-8-6",
        "H21.08.06",
        "H21年8月6日",
        "平成21.8.6",
        "㍻21年8月6日",
        "2009-08-06",
        "2009/8/6",
        "2009.8.6",
        "2009年8月6日",
        "２００９年８月６日",
        "２００９－０８－０６",
        "2009ー08ー06",
        "平成21年8月6日(木)",
        "平成21年8月6日（木）",
        "平成21年8月6日(木曜日)",
        "2009年8月6日(木)",
    ],
)
def test_a_date_is_read_in_any_usual_way_of_writing_it(text: str) -> None:
    assert eras.parse_date(text) == dt.date(2009, 8, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("令和1年5月1日", dt.date(2019, 5, 1)),
        ("R1/5/1", dt.date(2019, 5, 1)),
        ("R元.5.1", dt.date(2019, 5, 1)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        ("S64.1.7", dt.date(1989, 1, 7)),
        ("大正元年7月30日", dt.date(1912, 7, 30)),
        ("T15.12.24", dt.date(1926, 12, 24)),
        ("明治45年7月29日", dt.date(1912, 7, 29)),
        ("M1.10.23", dt.date(1868, 10, 23)),
        ("令和8年4月1日", dt.date(2026, 4, 1)),
        ("R8.4.1", dt.date(2026, 4, 1)),
        ("令和2年2月29日", dt.date(2020, 2, 29)),
    ],
)
def test_an_era_date_is_read_as_the_day_it_names(text: str, expected: dt.date) -> None:
    assert eras.parse_date(text) == expected


@pytest.mark.parametrize(
    "day",
    days(dt.date(1989, 1, 1), dt.date(1989, 1, 31))
    + days(dt.date(2019, 4, 15), dt.date(2019, 5, 15)),
    ids=str,
)
def test_a_formatted_date_reads_back_as_the_same_day_across_an_era_switch(day: dt.date) -> None:
    assert eras.parse_date(eras.format_date(day)) == day
    assert eras.parse_date(eras.format_date(day, weekday=True)) == day


# --- Parsing errors, with the exact message -------------------------------------------------

ENTER_A_DATE = "日付は 令和8年4月1日、R8.4.1、2026-04-01 のように入力してください。"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成32年1月1日", "平成32年は存在しません。平成は31年（平成31年4月30日）までです。"),
        ("H32.1.1", "平成32年は存在しません。平成は31年（平成31年4月30日）までです。"),
        ("昭和65年1月1日", "昭和65年は存在しません。昭和は64年（昭和64年1月7日）までです。"),
        ("大正16年1月1日", "大正16年は存在しません。大正は15年（大正15年12月24日）までです。"),
        ("明治46年1月1日", "明治46年は存在しません。明治は45年（明治45年7月29日）までです。"),
        ("令和0年5月1日", "令和0年という年はありません。元年（1年）から入力してください。"),
        ("R0.5.1", "令和0年という年はありません。元年（1年）から入力してください。"),
        ("平成0年1月8日", "平成0年という年はありません。元年（1年）から入力してください。"),
        (
            "平成31年5月1日",
            "平成31年5月1日という日はありません。"
            "平成は平成31年4月30日までで、翌日は令和元年5月1日です。",
        ),
        (
            "昭和64年1月8日",
            "昭和64年1月8日という日はありません。"
            "昭和は昭和64年1月7日までで、翌日は平成元年1月8日です。",
        ),
        ("令和元年4月30日", "令和元年4月30日という日はありません。令和は令和元年5月1日からです。"),
        ("平成元年1月7日", "平成元年1月7日という日はありません。平成は平成元年1月8日からです。"),
        ("明治元年1月1日", "明治元年1月1日という日はありません。明治は明治元年10月23日からです。"),
        ("平成21年2月30日", "平成21年2月30日という日はありません。"),
        ("H21.2.29", "平成21年2月29日という日はありません。"),
        ("平成21年13月1日", "平成21年13月1日という日はありません。"),
        ("平成21年4月31日", "平成21年4月31日という日はありません。"),
        ("平成21年8月0日", "平成21年8月0日という日はありません。"),
        ("2009-02-30", "2009年2月30日という日はありません。"),
        ("2009年13月1日", "2009年13月1日という日はありません。"),
        (
            "平成21年8月6日(金)",
            "平成21年8月6日は木曜日です（金曜日ではありません）。",
        ),
        ("2009-08-06(月)", "2009年8月6日は木曜日です（月曜日ではありません）。"),
        ("", ENTER_A_DATE),
        ("garbage", ENTER_A_DATE),
        ("平成", ENTER_A_DATE),
        ("平成21年", ENTER_A_DATE),
        ("天平21年8月6日", ENTER_A_DATE),
        ("X21.8.6", ENTER_A_DATE),
        ("2009", ENTER_A_DATE),
        ("20090806", ENTER_A_DATE),
        ("8/6/2009", ENTER_A_DATE),
        ("平成21年8月6日 午後", ENTER_A_DATE),
        ("H21.8.6.1", ENTER_A_DATE),
        ("平成21年8月6日(木", ENTER_A_DATE),
        ("'; DROP TABLE meetings; --", ENTER_A_DATE),
        ("平成٢١年8月6日", ENTER_A_DATE),
    ],
)
def test_a_date_that_does_not_exist_is_refused_with_a_message_saying_why(
    text: str, message: str
) -> None:
    with pytest.raises(EraDateError) as raised:
        eras.parse_date(text)
    assert str(raised.value) == message


def test_a_date_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="平成32年は存在しません"):
        eras.parse_date("平成32年1月1日")


# --- Parsing fiscal years ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成21年度", 2009),
        ("平成２１年度", 2009),
        ("H21", 2009),
        ("H21年度", 2009),
        ("平成21年", 2009),
        ("2009", 2009),
        ("２００９", 2009),
        ("2009年度", 2009),
        ("平成31年度", 2019),
        ("令和元年度", 2019),
        ("令和1年度", 2019),
        ("R1", 2019),
        ("昭和63年度", 1988),
        ("平成元年度", 1989),
        ("大正15年度", 1926),
        ("昭和元年度", 1926),
        ("令和8年度", 2026),
    ],
)
def test_a_fiscal_year_is_read_in_any_usual_way_of_writing_it(text: str, expected: int) -> None:
    assert eras.parse_fiscal_year(text) == expected


@pytest.mark.parametrize("fiscal_year", range(1989, 2031))
def test_a_fiscal_year_label_reads_back_as_the_same_year(fiscal_year: int) -> None:
    assert eras.parse_fiscal_year(eras.format_fiscal_year(fiscal_year)) == fiscal_year


ENTER_A_FISCAL_YEAR = "年度は 令和8年度、2026 のように入力してください。"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成32年度", "平成32年は存在しません。平成は31年（平成31年4月30日）までです。"),
        ("令和0年度", "令和0年という年はありません。元年（1年）から入力してください。"),
        (
            "昭和64年度",
            "昭和64年度という年度はありません。"
            "昭和は昭和64年1月7日までで、その年度は平成元年度です。",
        ),
        ("", ENTER_A_FISCAL_YEAR),
        ("garbage", ENTER_A_FISCAL_YEAR),
        ("平成21年8月6日", ENTER_A_FISCAL_YEAR),
        ("200", ENTER_A_FISCAL_YEAR),
    ],
)
def test_a_fiscal_year_that_does_not_exist_is_refused_with_a_message_saying_why(
    text: str, message: str
) -> None:
    with pytest.raises(EraDateError) as raised:
        eras.parse_fiscal_year(text)
    assert str(raised.value) == message
