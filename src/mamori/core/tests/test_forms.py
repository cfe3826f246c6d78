"""WarekiDateField: dates typed in the Japanese era, and a Japanese message for bad ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django import forms
from django.utils import translation

from mamori.core.forms import WarekiDateField, WarekiDateInput

ENTER_A_DATE = "日付は 令和8年4月1日、R8.4.1、2026-04-01 のように入力してください。"


@pytest.fixture(autouse=True)
def japanese() -> Iterator[None]:
    with translation.override("ja"):
        yield


class MeetingForm(forms.Form):
    date = WarekiDateField(label="開催日")
    decided_on = WarekiDateField(label="決定日", required=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成21年8月6日", dt.date(2009, 8, 6)),
        ("平成２１年８月６日", dt.date(2009, 8, 6)),
        ("H21.8.6", dt.date(2009, 8, 6)),
        ("2009-08-06", dt.date(2009, 8, 6)),
        ("2009/8/6", dt.date(2009, 8, 6)),
        ("2009年8月6日", dt.date(2009, 8, 6)),
        ("平成21年8月6日(木)", dt.date(2009, 8, 6)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("R1/5/1", dt.date(2019, 5, 1)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
    ],
)
def test_a_form_with_a_wareki_date_accepts_a_date_and_cleans_it_to_a_date(
    text: str, expected: dt.date
) -> None:
    form = MeetingForm(data={"date": text})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date"] == expected
    assert form.cleaned_data["decided_on"] is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成32年1月1日", "平成32年は存在しません。平成は31年（平成31年4月30日）までです。"),
        ("令和0年5月1日", "令和0年という年はありません。元年（1年）から入力してください。"),
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
        ("平成21年2月30日", "平成21年2月30日という日はありません。"),
        ("2009-02-30", "2009年2月30日という日はありません。"),
        ("平成21年8月6日(金)", "平成21年8月6日は木曜日です（金曜日ではありません）。"),
        ("garbage", ENTER_A_DATE),
        ("平成", ENTER_A_DATE),
        ("<script>alert(1)</script>", ENTER_A_DATE),
        ("9" * 5000, ENTER_A_DATE),
        ("\x00", ENTER_A_DATE),
    ],
)
def test_a_form_with_a_date_that_does_not_exist_is_invalid_with_a_japanese_message(
    text: str, message: str
) -> None:
    form = MeetingForm(data={"date": text})
    assert form.is_valid() is False
    assert form.errors == {"date": [message]}
    assert form.errors.as_data()["date"][0].code == "invalid"


def test_a_form_with_a_bad_optional_date_is_invalid_too() -> None:
    form = MeetingForm(data={"date": "R8.4.1", "decided_on": "令和0年5月1日"})
    assert form.is_valid() is False
    assert form.errors == {
        "decided_on": ["令和0年という年はありません。元年（1年）から入力してください。"]
    }


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_a_form_without_a_required_date_asks_for_it_in_japanese(text: str) -> None:
    form = MeetingForm(data={"date": text})
    assert form.is_valid() is False
    assert form.errors == {"date": ["このフィールドは必須です。"]}


def test_a_form_with_a_bad_date_still_renders_showing_what_was_typed() -> None:
    form = MeetingForm(data={"date": "平成32年1月1日"})
    html = form.as_div()
    assert 'value="平成32年1月1日"' in html
    assert "平成32年は存在しません。" in html


def test_a_wareki_date_field_accepts_a_date_object_as_it_is() -> None:
    assert WarekiDateField().clean(dt.date(2009, 8, 6)) == dt.date(2009, 8, 6)
    assert WarekiDateField().clean(dt.datetime(2009, 8, 6, 18, 55)) == dt.date(2009, 8, 6)


def test_an_unbound_form_shows_its_initial_date_in_the_japanese_era() -> None:
    form = MeetingForm(initial={"date": dt.date(2019, 5, 1)})
    html = str(form["date"])
    assert 'value="令和元年5月1日"' in html
    assert 'placeholder="令和8年4月1日"' in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2009, 8, 6), "平成21年8月6日"),
        (dt.date(1867, 1, 1), "1867-01-01"),
        ("平成32年1月1日", "平成32年1月1日"),
        (None, None),
        ("", None),
    ],
)
def test_the_wareki_date_input_shows_a_date_in_the_era_or_iso_before_meiji(
    value: object, expected: str | None
) -> None:
    assert WarekiDateInput().format_value(value) == expected


def test_an_unbound_form_with_a_date_before_meiji_renders_without_error() -> None:
    form = MeetingForm(initial={"date": dt.date(1867, 1, 1)})
    assert 'value="1867-01-01"' in str(form["date"])


def test_a_form_sees_no_change_when_the_same_day_is_typed_another_way() -> None:
    form = MeetingForm(initial={"date": dt.date(2009, 8, 6)}, data={"date": "H21.8.6"})
    assert form.is_valid()
    assert form.has_changed() is False
