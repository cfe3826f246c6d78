"""The japanese template filters: era dates, times and fiscal years, never an error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from mamori.core.templatetags import japanese


@pytest.fixture(autouse=True)
def japanese_language() -> Iterator[None]:
    with translation.override("ja"), timezone.override("Asia/Tokyo"):
        yield


def render(source: str, **context: Any) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2009, 8, 6), "平成21年8月6日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.datetime(2019, 4, 30, 15, 0, tzinfo=dt.UTC), "令和元年5月1日"),
        (dt.datetime(2019, 4, 30, 23, 0), "平成31年4月30日"),
        (dt.date(1870, 1, 1), "明治3年1月1日"),
        (dt.date(1867, 1, 1), "1867-01-01"),
        (None, ""),
        ("", ""),
        ("not a date", ""),
    ],
)
def test_the_wareki_filter_shows_a_date_in_its_era(value: object, expected: str) -> None:
    assert render("{{ value|wareki }}", value=value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2009, 8, 6), "平成21年8月6日(木)"),
        (dt.date(2019, 5, 1), "令和元年5月1日(水)"),
        (dt.date(1867, 1, 1), "1867-01-01(火)"),
        (None, ""),
    ],
)
def test_the_wareki_weekday_filter_adds_the_weekday(value: object, expected: str) -> None:
    assert render("{{ value|wareki_weekday }}", value=value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2009, 8, 6, 9, 55, tzinfo=dt.UTC), "平成21年8月6日 午後6時55分"),
        (dt.datetime(2009, 8, 6, 18, 55), "平成21年8月6日 午後6時55分"),
        (dt.datetime(2009, 8, 6, 0, 0), "平成21年8月6日 午前0時"),
        (dt.datetime(2009, 8, 6, 12, 0), "平成21年8月6日 午後0時"),
        (dt.datetime(1867, 1, 1, 19, 0), "1867-01-01 午後7時"),
        (dt.date(2009, 8, 6), "平成21年8月6日"),
        (None, ""),
        ("", ""),
    ],
)
def test_the_wareki_datetime_filter_shows_the_local_date_and_time(
    value: object, expected: str
) -> None:
    assert render("{{ value|wareki_datetime }}", value=value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.time(18, 55), "午後6時55分"),
        (dt.time(19, 0), "午後7時"),
        (dt.time(12, 0), "午後0時"),
        (dt.time(0, 0), "午前0時"),
        (dt.datetime(2009, 8, 6, 1, 30, tzinfo=dt.UTC), "午前10時30分"),
        (None, ""),
        ("", ""),
    ],
)
def test_the_japanese_time_filter_shows_the_half_of_the_day(value: object, expected: str) -> None:
    assert render("{{ value|japanese_time }}", value=value) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (dt.time(18, 55), dt.time(20, 30), "午後6時55分～8時30分"),
        (dt.time(11, 0), dt.time(13, 30), "午前11時～午後1時30分"),
        (dt.time(18, 55), None, "午後6時55分"),
        (None, None, ""),
    ],
)
def test_the_time_range_tag_shows_a_span_of_time(
    start: dt.time | None, end: dt.time | None, expected: str
) -> None:
    assert render("{% time_range start end %}", start=start, end=end) == expected


def test_the_time_range_tag_needs_no_end() -> None:
    assert render("{% time_range start %}", start=dt.time(14, 0)) == "午後2時"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2009, "平成21年度"),
        (2019, "令和元年度"),
        (1988, "昭和63年度"),
        ("2009", "平成21年度"),
        (1800, "1800年度"),
        (None, ""),
        ("", ""),
        ("garbage", ""),
    ],
)
def test_the_fiscal_year_filter_names_the_fiscal_year(value: object, expected: str) -> None:
    assert render("{{ value|fiscal_year }}", value=value) == expected


def test_a_mistyped_variable_shows_nothing_rather_than_an_error() -> None:
    source = "[{{ nothing|wareki }}|{{ nothing|wareki_datetime }}|{{ nothing|fiscal_year }}]"
    assert render(source) == "[||]"


def test_the_filters_are_available_in_every_template_without_loading() -> None:
    assert render("{{ day|wareki }}", day=dt.date(2009, 8, 6)) == "平成21年8月6日"


def test_the_filters_can_be_called_directly() -> None:
    assert japanese.wareki(dt.date(2009, 8, 6)) == "平成21年8月6日"
    assert japanese.fiscal_year(2009) == "平成21年度"
