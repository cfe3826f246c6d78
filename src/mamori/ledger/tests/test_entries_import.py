"""Importing a door system's CSV export of room entries: UTF-8 or Shift_JIS, Japanese or
English headers, every line checked first, nothing saved when any line fails."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.models import EntryRecord, Room
from mamori.ledger.services import rooms as services

JAPANESE = (
    "部屋コード,カードID,氏名,入室,退室\n"
    "R-101,0042,清掃 花子,2026/11/19 8:45,2026/11/19 9:30\n"
    "R-101,0099,不明 太郎,2026/11/19 22:10,2026/11/19 22:40\n"
)
ENGLISH = (
    "room_code,card_id,name,entered_at,left_at\n"
    "R-101,0042,Hanako,2026-11-19T10:00:00,2026-11-19T10:15:00\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def room(personas: Personas) -> Room:
    """The records room of 障害支援課; 清掃 花子 (card 0042) may enter it."""
    room = services.create_room(
        actor=personas.staff, department=personas.shogai, name="記録保管室", code="R-101"
    )
    services.authorize(
        actor=personas.staff,
        room=room,
        person_name="清掃 花子",
        card_id="0042",
        valid_from=dt.date(2026, 4, 1),
    )
    return room


@pytest.fixture
def other_room(personas: Personas) -> Room:
    return services.create_room(
        actor=personas.other_staff, department=personas.kodomo, name="事務室", code="K-201"
    )


def upload(client: Client, data: bytes, name: str = "entries.csv") -> Any:
    return client.post(
        reverse("ledger:entries_import"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_a_utf8_export_with_a_bom_and_japanese_headers_is_imported_and_flagged(
    personas: Personas, room: Room
) -> None:
    report = services.import_entries(actor=personas.staff, data=JAPANESE.encode("utf-8-sig"))
    assert report.errors == []
    assert (report.created, report.skipped_duplicates, report.flagged) == (2, 0, 1)
    cleaner = EntryRecord.objects.get(card_id="0042")
    assert cleaner.source == EntryRecord.Source.IMPORT
    assert cleaner.person_name == "清掃 花子"
    assert cleaner.entered_at == at(dt.date(2026, 11, 19), 8, 45)
    assert not cleaner.flagged
    stranger = EntryRecord.objects.get(card_id="0099")
    assert stranger.outside_hours and stranger.unauthorized
    # One audit event for the whole import, with its counts (no names, no card ids).
    event = AuditEvent.objects.get(use_case="ledger.import_entries")
    assert event.changes["created"] == 2 and event.changes["flagged"] == 1
    assert "清掃" not in str(event.changes) and "0042" not in str(event.changes)


def test_a_shift_jis_export_is_read(client: Client, personas: Personas, room: Room) -> None:
    client.force_login(personas.staff)
    response = upload(client, JAPANESE.encode("cp932"))
    assert response.status_code == 200
    assert response.context["report"].created == 2
    assert EntryRecord.objects.filter(person_name="不明 太郎").exists()


def test_english_headers_and_iso_times_are_read(personas: Personas, room: Room) -> None:
    report = services.import_entries(actor=personas.staff, data=ENGLISH.encode())
    assert report.created == 1
    assert EntryRecord.objects.get().left_at == at(dt.date(2026, 11, 19), 10, 15)


def test_entries_already_imported_are_skipped_and_counted(personas: Personas, room: Room) -> None:
    services.import_entries(actor=personas.staff, data=JAPANESE.encode())
    report = services.import_entries(actor=personas.staff, data=JAPANESE.encode())
    assert (report.created, report.skipped_duplicates) == (0, 2)
    assert EntryRecord.objects.count() == 2


def test_a_binary_upload_is_refused_and_nothing_is_saved(
    client: Client, personas: Personas, room: Room
) -> None:
    client.force_login(personas.staff)
    response = upload(client, PNG, name="entries.csv")
    assert response.status_code == 200
    message = gettext("This file is not a CSV text file: upload the door system's CSV export.")
    assert escape(message) in response.content.decode()
    assert not EntryRecord.objects.exists()


def test_bytes_that_are_neither_utf8_nor_shift_jis_are_refused(
    personas: Personas, room: Room
) -> None:
    with pytest.raises(ValidationError):
        services.import_entries(actor=personas.staff, data=b"room_code,entered_at\n\x82\xff")


def test_a_file_over_the_size_limit_is_refused(
    settings: Any, client: Client, personas: Personas, room: Room
) -> None:
    settings.MAMORI_MAX_UPLOAD_BYTES = 50
    client.force_login(personas.staff)
    response = upload(client, JAPANESE.encode())
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not EntryRecord.objects.exists()


def test_a_row_for_another_departments_room_is_refused_by_line_and_nothing_is_saved(
    client: Client, personas: Personas, room: Room, other_room: Room
) -> None:
    data = JAPANESE + "K-201,0042,清掃 花子,2026/11/19 11:00,\n"
    client.force_login(personas.staff)
    response = upload(client, data.encode())
    report = response.context["report"]
    line = gettext("Line %(line)s: %(message)s") % {
        "line": 4,
        "message": gettext("the room %(code)s is not one of your department's rooms.")
        % {"code": "K-201"},
    }
    assert report.errors == [line]
    assert escape(line) in response.content.decode()
    assert not EntryRecord.objects.exists()


def test_every_bad_line_is_reported_with_its_number(personas: Personas, room: Room) -> None:
    data = (
        "部屋コード,カードID,氏名,入室,退室\n"
        "R-101,0042,,2026/11/19 8:45,2026/11/19 8:00\n"
        "R-999,0042,,2026/11/19 8:45,\n"
        "R-101,0042,,昨日の朝,\n"
        ",,,,\n"
        "R-101,0042,,2026/11/20 9:00,\n"
    )
    report = services.import_entries(actor=personas.staff, data=data.encode())
    prefixes = [
        gettext("Line %(line)s: %(message)s") % {"line": n, "message": ""} for n in (2, 3, 4)
    ]
    assert len(report.errors) == 3
    for prefix in prefixes:
        assert sum(error.startswith(prefix) for error in report.errors) == 1
    assert any(e.startswith(prefixes[2]) and "昨日の朝" in e for e in report.errors)
    assert report.created == 0
    assert not EntryRecord.objects.exists()


def test_a_file_without_the_required_columns_is_refused(personas: Personas, room: Room) -> None:
    report = services.import_entries(actor=personas.staff, data="氏名,カードID\n花子,1\n".encode())
    assert len(report.errors) == 1
    assert not EntryRecord.objects.exists()


def test_an_empty_upload_is_refused(client: Client, personas: Personas, room: Room) -> None:
    client.force_login(personas.staff)
    response = client.post(reverse("ledger:entries_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_only_department_staff_import(personas: Personas, room: Room) -> None:
    with pytest.raises(PermissionDenied):
        services.import_entries(actor=personas.secretariat, data=JAPANESE.encode())
