"""Rooms and cabinets holding personal data: set up by their department, who may enter them,
and entries flagged when outside working hours or by someone without an authorization."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.models import EntryRecord, Room, RoomAuthorization
from mamori.ledger.services import rooms as services

# Thursday 19 November 2026, an ordinary working day.
WORKDAY = dt.date(2026, 11, 19)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass
class World:
    file: Any
    room: Room
    contract: Any


@pytest.fixture
def world(personas: Personas) -> World:
    """A records room of 障害支援課 keeping its file, under a contract in force with the
    contractor; the staff member is authorized from 1 April 2026."""
    today = timezone.localdate()
    vendor = testing.make_vendor(legal_name="社会福祉法人みどり学園")
    testing.link_vendor_user(personas.contractor, vendor)
    contract = testing.make_contract(
        personas.shogai,
        vendor,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
    )
    file = testing.make_ledger_file(personas.shogai, contracts=[contract])
    room = services.create_room(
        actor=personas.staff,
        department=personas.shogai,
        name="記録保管室",
        code="R-101",
        files=[file],
    )
    services.authorize(
        actor=personas.staff, room=room, user=personas.staff, valid_from=dt.date(2026, 4, 1)
    )
    return World(file=file, room=room, contract=contract)


def entry(personas: Personas, world: World, **fields: Any) -> EntryRecord:
    values: dict[str, Any] = {"entered_at": at(WORKDAY, 9), "left_at": at(WORKDAY, 10)}
    if "entered_at" in fields:
        values["left_at"] = None
    values.update(fields)
    return services.record_entry(actor=personas.staff, room=world.room, **values)


# Rooms ----------------------------------------------------------------------------------------


def test_staff_add_a_room_through_the_page(client: Client, personas: Personas) -> None:
    file = testing.make_ledger_file(personas.shogai)
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:room_create"),
        {
            "department": personas.shogai.pk,
            "name": "相談室キャビネット",
            "kind": "cabinet",
            "code": "C-7",
            "kept_files": [file.pk],
        },
    )
    room = Room.objects.get(code="C-7")
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:room_detail", args=[room.pk])
    assert list(room.files.all()) == [file]
    assert AuditEvent.objects.filter(use_case="ledger.create_room", object_id=str(room.pk))


def test_a_code_already_used_is_refused_with_a_message_and_nothing_is_saved(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:room_create"),
        {"department": personas.shogai.pk, "name": "別室", "kind": "room", "code": "R-101"},
    )
    assert response.status_code == 200
    message = gettext("Another room already has the door system code %(code)s.") % {"code": "R-101"}
    assert message in response.content.decode()
    assert Room.objects.count() == 1


def test_an_empty_room_form_is_answered_with_messages_not_an_error(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.staff)
    response = client.post(reverse("ledger:room_create"), {})
    assert response.status_code == 200
    assert gettext("Enter the name of the room or cabinet.") in response.content.decode()
    assert not Room.objects.exists()


def test_a_room_cannot_stand_in_a_room_of_another_department(
    personas: Personas, world: World
) -> None:
    other = services.create_room(
        actor=personas.other_staff, department=personas.kodomo, name="事務室", code="K-1"
    )
    with pytest.raises(ValidationError):
        services.create_room(
            actor=personas.staff,
            department=personas.shogai,
            name="棚",
            code="C-1",
            parent=other,
        )


def test_a_room_cannot_keep_another_departments_file(personas: Personas) -> None:
    file = testing.make_ledger_file(personas.kodomo)
    with pytest.raises(ValidationError):
        services.create_room(
            actor=personas.staff, department=personas.shogai, name="室", code="X", files=[file]
        )


def test_staff_cannot_add_a_room_for_another_department(personas: Personas) -> None:
    with pytest.raises(ValidationError):
        services.create_room(actor=personas.staff, department=personas.kodomo, name="室", code="X")


def test_the_secretariat_reads_rooms_but_does_not_add_them(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        services.create_room(
            actor=personas.secretariat, department=personas.shogai, name="室", code="X"
        )


def test_another_department_cannot_open_the_room(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.other_staff)
    response = client.get(reverse("ledger:room_detail", args=[world.room.pk]))
    assert response.status_code == 403


def test_the_room_list_counts_the_flagged_entries_of_the_last_thirty_days(
    client: Client, personas: Personas, world: World
) -> None:
    now = timezone.now()
    services.record_entry(
        actor=personas.staff, room=world.room, entered_at=now, person_name="不明者"
    )
    client.force_login(personas.staff)
    response = client.get(reverse("ledger:room_list"))
    rooms = list(response.context["rooms"])
    assert rooms == [world.room]
    assert rooms[0].flagged_count == 1


# Authorizations -------------------------------------------------------------------------------


def test_a_contractor_user_of_a_file_kept_in_the_room_can_be_authorized(
    personas: Personas, world: World
) -> None:
    authorization = services.authorize(
        actor=personas.staff, room=world.room, user=personas.contractor, valid_from=WORKDAY
    )
    assert authorization.user == personas.contractor


def test_a_user_without_a_role_in_the_room_cannot_be_authorized(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:authorization_add", args=[world.room.pk]),
        {"user": personas.other_staff.pk, "valid_from": "2026-11-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not RoomAuthorization.objects.filter(user=personas.other_staff).exists()


def test_a_person_who_is_not_a_user_is_authorized_by_name_and_card_id(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.staff)
    url = reverse("ledger:authorization_add", args=[world.room.pk])
    refused = client.post(url, {"person_name": "清掃 花子", "valid_from": "令和8年11月1日"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["card_id"] == [
        gettext(
            "Enter the card id: the door system's entries are matched to the authorization by it."
        )
    ]
    response = client.post(
        url, {"person_name": "清掃 花子", "card_id": "0042", "valid_from": "令和8年11月1日"}
    )
    assert response.status_code == 302
    authorization = RoomAuthorization.objects.get(card_id="0042")
    assert authorization.valid_from == dt.date(2026, 11, 1)


def test_ending_an_authorization_sets_its_last_day(
    client: Client, personas: Personas, world: World
) -> None:
    authorization = RoomAuthorization.objects.get(room=world.room, user=personas.staff)
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:authorization_end", args=[authorization.pk]), {"on": "2026-11-30"}
    )
    assert response.status_code == 302
    authorization.refresh_from_db()
    assert authorization.valid_until == dt.date(2026, 11, 30)
    assert AuditEvent.objects.filter(use_case="ledger.end_authorization").exists()


def test_an_authorization_cannot_end_before_it_began(
    client: Client, personas: Personas, world: World
) -> None:
    authorization = RoomAuthorization.objects.get(room=world.room, user=personas.staff)
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:authorization_end", args=[authorization.pk]),
        {"on": "2026-01-01"},
        follow=True,
    )
    assert gettext("The last day cannot be before the first day.") in response.content.decode()
    authorization.refresh_from_db()
    assert authorization.valid_until is None


# Entries and their flags -----------------------------------------------------------------------


def test_an_authorized_entry_in_working_hours_is_not_flagged(
    personas: Personas, world: World
) -> None:
    recorded = entry(personas, world, user=personas.staff)
    assert not recorded.outside_hours
    assert not recorded.unauthorized
    assert recorded.recorded_by == personas.staff
    assert AuditEvent.objects.filter(use_case="ledger.record_entry").exists()


@pytest.mark.parametrize(
    ("entered_at", "left_at"),
    [
        (at(WORKDAY, 7, 30), at(WORKDAY, 9)),  # before 8:30
        (at(WORKDAY, 16), at(WORKDAY, 18)),  # staying past 17:15
        (at(dt.date(2026, 11, 21), 10), None),  # a Saturday
        (at(dt.date(2026, 11, 3), 10), None),  # 文化の日
        (at(dt.date(2025, 12, 30), 10), None),  # the year-end closure (a Tuesday)
    ],
)
def test_an_entry_outside_working_hours_or_on_a_closed_day_is_flagged(
    personas: Personas, world: World, entered_at: dt.datetime, left_at: dt.datetime | None
) -> None:
    recorded = entry(personas, world, user=personas.staff, entered_at=entered_at, left_at=left_at)
    assert recorded.outside_hours


def test_the_edges_of_working_hours_are_inside_them(personas: Personas, world: World) -> None:
    recorded = entry(
        personas,
        world,
        user=personas.staff,
        entered_at=at(WORKDAY, 8, 30),
        left_at=at(WORKDAY, 17, 15),
    )
    assert not recorded.outside_hours


def test_working_hours_follow_the_setting(settings: Any, personas: Personas, world: World) -> None:
    settings.MAMORI_WORKING_HOURS = "07:00-16:00"
    recorded = entry(
        personas, world, user=personas.staff, entered_at=at(WORKDAY, 7, 30), left_at=None
    )
    assert not recorded.outside_hours


def test_an_entry_by_someone_not_authorized_is_flagged(personas: Personas, world: World) -> None:
    assert entry(personas, world, person_name="不明者").unauthorized
    assert entry(personas, world, user=personas.contractor).unauthorized


def test_an_entry_before_the_authorization_began_or_after_it_ended_is_flagged(
    personas: Personas, world: World
) -> None:
    authorization = RoomAuthorization.objects.get(room=world.room, user=personas.staff)
    services.end_authorization(actor=personas.staff, authorization=authorization, on=WORKDAY)
    assert not entry(personas, world, user=personas.staff).unauthorized
    day_after = WORKDAY + dt.timedelta(days=1)
    late = entry(personas, world, user=personas.staff, entered_at=at(day_after, 9), left_at=None)
    assert late.unauthorized
    early = entry(
        personas, world, user=personas.staff, entered_at=at(dt.date(2026, 3, 2), 9), left_at=None
    )
    assert early.unauthorized


def test_a_card_id_authorized_for_the_room_matches_the_entry(
    personas: Personas, world: World
) -> None:
    services.authorize(
        actor=personas.staff,
        room=world.room,
        person_name="清掃 花子",
        card_id="0042",
        valid_from=dt.date(2026, 4, 1),
    )
    assert not entry(personas, world, card_id="0042").unauthorized
    assert entry(personas, world, card_id="0043").unauthorized


def test_an_authorization_for_the_room_a_cabinet_stands_in_lets_people_open_it(
    personas: Personas, world: World
) -> None:
    cabinet = services.create_room(
        actor=personas.staff,
        department=personas.shogai,
        name="台帳保管庫",
        code="C-101",
        kind=Room.Kind.CABINET,
        parent=world.room,
    )
    recorded = services.record_entry(
        actor=personas.staff,
        room=cabinet,
        entered_at=at(WORKDAY, 9),
        user=personas.staff,
    )
    assert not recorded.unauthorized


def test_a_contractor_records_an_entry_through_the_page(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.contractor)
    response = client.post(
        reverse("ledger:entry_create", args=[world.room.pk]),
        {
            "user": personas.contractor.pk,
            "entered_on": "令和8年11月19日",
            "entered_time": "9:00",
            "left_time": "9:30",
        },
    )
    assert response.status_code == 302
    recorded = EntryRecord.objects.get(room=world.room)
    assert recorded.user == personas.contractor
    assert recorded.recorded_by == personas.contractor
    assert recorded.entered_at == at(WORKDAY, 9)
    assert recorded.unauthorized


def test_leaving_before_entering_is_refused_and_nothing_is_saved(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:entry_create", args=[world.room.pk]),
        {
            "user": personas.staff.pk,
            "entered_on": "2026-11-19",
            "entered_time": "10:00",
            "left_time": "9:00",
        },
    )
    assert response.status_code == 200
    message = gettext("The time of leaving must be after the time of entry.")
    assert message in response.content.decode()
    assert not EntryRecord.objects.exists()


def test_an_entry_form_with_nonsense_is_answered_with_messages(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:entry_create", args=[world.room.pk]),
        {"entered_on": "平成32年1月1日", "entered_time": "25:99"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"entered_on", "entered_time", "person_name"}
    assert not EntryRecord.objects.exists()


def test_flagged_entries_are_marked_with_words_and_can_be_shown_alone(
    client: Client, personas: Personas, world: World
) -> None:
    entry(personas, world, user=personas.staff)
    flagged = entry(personas, world, person_name="不明者", entered_at=at(WORKDAY, 22))
    client.force_login(personas.staff)
    url = reverse("ledger:room_detail", args=[world.room.pk])
    page = client.get(url).content.decode()
    assert pgettext("entry flag", "Outside hours") in page
    assert pgettext("entry flag", "Not authorized") in page
    response = client.get(url, {"flagged": "on"})
    assert list(response.context["entries"]) == [flagged]


def test_entries_can_be_shown_for_a_period(
    client: Client, personas: Personas, world: World
) -> None:
    entry(personas, world, user=personas.staff)
    later = entry(
        personas, world, user=personas.staff, entered_at=at(WORKDAY + dt.timedelta(days=7), 9)
    )
    client.force_login(personas.staff)
    response = client.get(
        reverse("ledger:room_detail", args=[world.room.pk]), {"since": "令和8年11月20日"}
    )
    assert list(response.context["entries"]) == [later]
