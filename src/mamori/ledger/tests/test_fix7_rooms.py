"""Rooms and entries after the issue-7 review: stays across a night or a weekend flagged, dates
without a time refused, door imports bounded and written in bulk with one audit event, rows
without a card kept apart by name and matched by name to authorizations without a card id
(「カードID未登録」, not 「権限なし」), card ids asked for, times typed with the IME accepted,
errors in line order, and no "None" on the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger import entries
from mamori.ledger.models import EntryRecord, Room, RoomAuthorization
from mamori.ledger.services import rooms as services

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 11, 17)
HEADER = "部屋コード,カードID,氏名,入室,退室\n"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def room(personas: Personas) -> Room:
    """The records room of 障害支援課; the staff member is authorized as a user, without a
    card id (as rooms set up before card ids were asked for are)."""
    personas.staff.display_name = "森本 隆"
    personas.staff.save(update_fields=["display_name"])
    room = services.create_room(
        actor=personas.staff, department=personas.shogai, name="記録保管室", code="R-101"
    )
    services.authorize(
        actor=personas.staff, room=room, user=personas.staff, valid_from=dt.date(2026, 4, 1)
    )
    return room


def csv_rows(*lines: str) -> bytes:
    return (HEADER + "".join(f"{line}\n" for line in lines)).encode()


# R5: stays across a night or a closed day ----------------------------------------------------


@pytest.mark.parametrize(
    ("entered_at", "left_at"),
    [
        (at(TUESDAY, 16), at(TUESDAY + dt.timedelta(days=1), 9)),  # overnight
        (at(dt.date(2026, 11, 20), 16), at(dt.date(2026, 11, 23), 9)),  # Friday to Monday
    ],
)
def test_a_stay_across_a_night_or_a_weekend_is_flagged(
    entered_at: dt.datetime, left_at: dt.datetime
) -> None:
    assert entries.entry_outside_hours(entered_at, left_at)


def test_a_stay_within_one_working_day_is_not_flagged() -> None:
    assert not entries.entry_outside_hours(at(TUESDAY, 9), at(TUESDAY, 17))


def test_leaving_after_a_quarter_past_five_is_flagged() -> None:
    assert entries.entry_outside_hours(at(TUESDAY, 16), at(TUESDAY, 17, 20))


def test_a_date_without_a_time_is_refused_not_read_as_midnight(
    personas: Personas, room: Room
) -> None:
    assert entries.parse_datetime("2026-11-17") is None
    report = services.import_entries(
        actor=personas.staff, data=csv_rows("R-101,0042,清掃 花子,2026-11-17,")
    )
    assert report.created == 0
    assert len(report.errors) == 1 and report.errors[0].startswith(
        gettext("Line %(line)s: %(message)s") % {"line": 2, "message": ""}
    )
    assert not EntryRecord.objects.exists()


def test_an_entry_in_the_future_is_refused(client: Client, personas: Personas, room: Room) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:entry_create", args=[room.pk]),
        {"user": personas.staff.pk, "entered_on": tomorrow.isoformat(), "entered_time": "9:00"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["entered_time"] == [
        gettext("The time of entry cannot be in the future.")
    ]
    assert not EntryRecord.objects.exists()


# R7: bounded, bulk, one audit event -----------------------------------------------------------


def test_a_file_over_the_row_limit_is_refused_in_japanese(
    personas: Personas, room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entries, "MAX_ROWS", 3)
    lines = [f"R-101,{n:04d},,2026/11/17 9:{n:02d}," for n in range(4)]

    report = services.import_entries(actor=personas.staff, data=csv_rows(*lines))

    message = gettext(
        "The file has more than %(max)s entries: split it into several files (for example "
        "by month) and import them one by one."
    ) % {"max": "3"}
    assert report.errors == [message]
    assert not EntryRecord.objects.exists()


def import_queries(personas: Personas, rows: int, minute_offset: int) -> int:
    lines = [
        f"R-101,{n:04d},,2026/11/17 {9 + n // 60}:{n % 60:02d},"
        for n in range(minute_offset, minute_offset + rows)
    ]
    with CaptureQueriesContext(connection) as queries:
        report = services.import_entries(actor=personas.staff, data=csv_rows(*lines))
    assert report.created == rows
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(personas: Personas, room: Room) -> None:
    few = import_queries(personas, 5, 0)
    many = import_queries(personas, 200, 100)
    assert many == few
    assert EntryRecord.objects.count() == 205


def test_an_import_is_one_audit_event_with_its_counts(personas: Personas, room: Room) -> None:
    data = csv_rows(
        "R-101,0042,,2026/11/17 9:00,2026/11/17 9:30",
        "R-101,0043,,2026/11/17 22:00,",
    )
    services.import_entries(actor=personas.staff, data=data)
    again = services.import_entries(actor=personas.staff, data=data)

    events = AuditEvent.objects.filter(use_case="ledger.import_entries")
    assert events.count() == 1  # the second import created nothing
    assert events.get().changes | {"rooms": None} == {
        "created": 2,
        "skipped_duplicates": 0,
        "flagged": 2,
        "matched_by_name": 0,
        "rooms": None,
    }
    assert (again.created, again.skipped_duplicates) == (0, 2)


# R14: card-less rows and matching by name ------------------------------------------------------


def test_two_people_without_cards_entering_in_the_same_minute_are_two_entries(
    personas: Personas, room: Room
) -> None:
    data = csv_rows(
        "R-101,,見本 一郎,2026/11/17 10:00,",
        "R-101,,見本 二郎,2026/11/17 10:00,",
        "R-101,,ミホン　イチロウ,2026/11/17 10:00,",
        "R-101,,見本 一郎,2026/11/17 10:00,",
    )
    report = services.import_entries(actor=personas.staff, data=data)
    assert (report.created, report.skipped_duplicates) == (3, 1)


def test_a_row_named_as_a_user_authorized_without_a_card_is_marked_card_id_not_registered(
    client: Client, personas: Personas, room: Room
) -> None:
    data = csv_rows(
        "R-101,C-0101,森本　隆,2026/11/17 8:50,2026/11/17 9:10",
        "R-101,C-0999,見本 清掃,2026/11/17 9:20,2026/11/17 9:30",
    )
    report = services.import_entries(actor=personas.staff, data=data)

    assert (report.created, report.flagged, report.matched_by_name) == (2, 1, 1)
    staff_row = EntryRecord.objects.get(card_id="C-0101")
    assert not staff_row.unauthorized
    assert EntryRecord.objects.get(card_id="C-0999").unauthorized
    client.force_login(personas.staff)
    page = client.get(reverse("ledger:room_detail", args=[room.pk]))
    label = pgettext("entry flag", "Card id not registered")
    assert page.content.decode().count(label) == 1
    rows = dict((e.card_id, no_card) for e, no_card in page.context["entry_rows"])
    assert rows == {"C-0101": True, "C-0999": False}


def test_a_name_does_not_match_an_authorization_that_has_a_card_id(
    personas: Personas, room: Room
) -> None:
    RoomAuthorization.objects.filter(room=room).update(card_id="C-0101")
    report = services.import_entries(
        actor=personas.staff, data=csv_rows("R-101,C-0555,森本 隆,2026/11/17 9:00,")
    )
    assert report.flagged == 1
    assert EntryRecord.objects.get().unauthorized


def test_a_row_with_the_authorized_card_id_matches_by_card(personas: Personas, room: Room) -> None:
    RoomAuthorization.objects.filter(room=room).update(card_id="C-0101")
    report = services.import_entries(
        actor=personas.staff, data=csv_rows("R-101,C-0101,,2026/11/17 9:00,2026/11/17 9:30")
    )
    assert (report.flagged, report.matched_by_name) == (0, 0)


# UX5: the card id asked for ------------------------------------------------------------------


def test_the_authorization_form_asks_for_the_card_id_of_a_user_too(
    client: Client, personas: Personas, room: Room
) -> None:
    testing.make_user("department_staff", department=personas.shogai, username="kato")
    client.force_login(personas.staff)
    url = reverse("ledger:authorization_add", args=[room.pk])
    user = personas.staff
    refused = client.post(url, {"user": user.pk, "valid_from": "2026-11-01"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["card_id"] == [
        gettext(
            "Enter the card id: the door system's entries are matched to the authorization by it."
        )
    ]
    saved = client.post(url, {"user": user.pk, "card_id": "C-0101", "valid_from": "2026-11-01"})
    assert saved.status_code == 302
    assert RoomAuthorization.objects.filter(user=user, card_id="C-0101").exists()


# UX15: times typed with the IME ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("９：００", dt.time(9, 0)), ("8時45分", dt.time(8, 45)), ("10時", dt.time(10, 0))],
)
def test_entry_times_accept_full_width_digits_and_japanese_hours(
    client: Client, personas: Personas, room: Room, typed: str, expected: dt.time
) -> None:
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:entry_create", args=[room.pk]),
        {"user": personas.staff.pk, "entered_on": TUESDAY.isoformat(), "entered_time": typed},
    )
    assert response.status_code == 302
    entered = timezone.localtime(EntryRecord.objects.get().entered_at)
    assert entered.time() == expected


def test_a_time_that_is_not_one_is_still_refused_with_a_message(
    client: Client, personas: Personas, room: Room
) -> None:
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:entry_create", args=[room.pk]),
        {"user": personas.staff.pk, "entered_on": TUESDAY.isoformat(), "entered_time": "25時"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["entered_time"] == [
        gettext("Enter the time as hours and minutes, for example 8:45.")
    ]


# UX16: errors in line order ---------------------------------------------------------------------


def test_import_errors_are_listed_in_line_order(personas: Personas, room: Room) -> None:
    data = csv_rows(
        "NOPE,0001,,2026/11/17 9:00,",  # line 2: no such room (found after reading)
        "R-101,0002,,昨日の朝,",  # line 3: not a date
        "R-101,,,2026/11/17 9:00,",  # line 4: nobody named
    )
    report = services.import_entries(actor=personas.staff, data=data)
    prefixes = [
        gettext("Line %(line)s: %(message)s") % {"line": n, "message": ""} for n in (2, 3, 4)
    ]
    assert [next(p for p in prefixes if e.startswith(p)) for e in report.errors] == prefixes


# UX4: no "None" ----------------------------------------------------------------------------------


def test_the_room_list_says_none_in_japanese_when_nothing_is_flagged(
    client: Client, personas: Personas, room: Room
) -> None:
    client.force_login(personas.staff)
    page = client.get(reverse("ledger:room_list")).content.decode()
    assert f"<td>{pgettext('flagged entries', 'None')}</td>" in page
    assert ">None<" not in page


def test_the_room_form_s_empty_choice_is_worded(client: Client, personas: Personas) -> None:
    client.force_login(personas.staff)
    page = client.get(reverse("ledger:room_create")).content.decode()
    assert pgettext("empty choice", "(none chosen)") in page
    assert ">None<" not in page
