"""`mamori export_minutes` writes a meeting's minutes as HTML, found by its natural key."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from mamori import testing
from mamori.conftest import Personas
from mamori.council.models import Minutes


def test_it_writes_the_minutes_of_the_meeting_named_by_year_and_number(personas: Personas) -> None:
    meeting = testing.make_meeting(personas.council, number=3, place="庁議室")
    Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
    out = StringIO()
    call_command(
        "export_minutes", "--year", "2009", "--number", "3", "--council", "kojin", stdout=out
    )
    html = out.getvalue()
    assert html.startswith("<!doctype html>")
    assert "平成21年度第3回個人情報保護運営審議会" in html
    assert "平成21年8月6日(木)午後6時55分～8時30分" in html
    assert "非公開情報を含むため" in html


def test_it_asks_which_council_when_there_are_several(personas: Personas) -> None:
    with pytest.raises(CommandError, match="--council"):
        call_command("export_minutes", "--year", "2009", "--number", "3")


def test_it_says_so_when_there_is_no_such_meeting(personas: Personas) -> None:
    with pytest.raises(CommandError, match="2009"):
        call_command("export_minutes", "--year", "2009", "--number", "9", "--council", "kojin")
