"""The home page's ledger blocks — overdue carry-outs, incidents with a report to make,
flagged room entries, provisions under a legal exception — each shown to whom it concerns,
and the ledger's links in the navigation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.accounts.models import User
from mamori.conftest import Personas
from mamori.ledger.models import (
    CarryOut,
    EntryRecord,
    Incident,
    IncidentKind,
    Medium,
    OverrideGround,
    Provision,
    Room,
)

HOME = reverse("core:home")


@dataclass
class World:
    file: Any
    registrant: Any
    room: Room


@pytest.fixture
def world(personas: Personas) -> World:
    """A file of 障害支援課 kept by the contractor under a contract in force, in a room."""
    today = timezone.localdate()
    vendor = testing.make_vendor()
    testing.link_vendor_user(personas.contractor, vendor)
    testing.link_vendor_user(personas.other_contractor, testing.make_vendor())
    contract = testing.make_contract(
        personas.shogai,
        vendor,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
    )
    file = testing.make_ledger_file(personas.shogai, contracts=[contract])
    room = Room.objects.create(department=personas.shogai, name="記録保管室", code="R-101")
    room.files.set([file])
    return World(file=file, registrant=testing.make_registrant(file, name="秘密 花子"), room=room)


def carry_out(personas: Personas, file: Any, *, hours_late: int = 2, **fields: Any) -> CarryOut:
    now = timezone.now()
    values: dict[str, Any] = {
        "file": file,
        "medium": Medium.PAPER,
        "description": f"台帳の写し{hours_late}",
        "record_count": 3,
        "purpose": "家庭訪問",
        "destination": "訪問先",
        "carried_by": personas.staff,
        "leaves_at": now - dt.timedelta(hours=hours_late + 4),
        "due_back_at": now - dt.timedelta(hours=hours_late),
        "status": CarryOut.Status.OUT,
        "recorded_by": personas.staff,
        "recorded_at": now,
    }
    values.update(fields)
    return CarryOut.objects.create(**values)


def incident(personas: Personas, **fields: Any) -> Incident:
    values: dict[str, Any] = {
        "department": personas.shogai,
        "title": "台帳の誤送付",
        "kind": IncidentKind.LEAK,
        "what_happened": "誤送付",
        "discovered_on": timezone.localdate() - dt.timedelta(days=1),
        "people_count": 1,
        "special_care": True,
        "recorded_by": personas.staff,
        "recorded_at": timezone.now(),
    }
    values.update(fields)
    return Incident.objects.create(**values)


def flagged_entry(personas: Personas, room: Room, days_ago: int = 1) -> EntryRecord:
    return EntryRecord.objects.create(
        room=room,
        person_name="不明者",
        entered_at=timezone.now() - dt.timedelta(days=days_ago),
        source=EntryRecord.Source.MANUAL,
        unauthorized=True,
        recorded_by=personas.staff,
        recorded_at=timezone.now(),
    )


def home_of(client: Client, user: User) -> Any:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response


# Carry-outs overdue ---------------------------------------------------------------------------


def test_an_overdue_carry_out_shows_for_its_department_the_secretariat_and_the_contractor(
    client: Client, personas: Personas, world: World
) -> None:
    late = carry_out(personas, world.file)
    carry_out(personas, world.file, hours_late=-3)  # due back later today: not overdue
    for user in (personas.staff, personas.secretariat, personas.contractor):
        response = home_of(client, user)
        assert response.context["carry_outs_overdue"] == [late]
        assert response.context["carry_outs_overdue_count"] == 1
        assert reverse("ledger:carry_out_detail", args=[late.pk]) in response.content.decode()


def test_an_overdue_carry_out_is_not_shown_to_others(
    client: Client, personas: Personas, world: World
) -> None:
    carry_out(personas, world.file)
    for user in (personas.other_staff, personas.other_contractor):
        assert home_of(client, user).context["carry_outs_overdue"] == []
    for user in (personas.member, personas.auditor):
        assert "carry_outs_overdue" not in home_of(client, user).context


def test_the_home_page_reads_as_many_rows_for_ten_overdue_carry_outs_as_for_two(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        return len(captured)

    for hours in (1, 2):
        carry_out(personas, world.file, hours_late=hours)
    with_two = queries()
    for hours in range(3, 11):
        carry_out(personas, world.file, hours_late=hours)
    assert queries() == with_two


# Incidents ------------------------------------------------------------------------------------


def test_an_incident_with_a_report_to_make_shows_for_its_department_and_the_secretariat(
    client: Client, personas: Personas, world: World
) -> None:
    overdue = incident(
        personas, title="古い", discovered_on=timezone.localdate() - dt.timedelta(days=20)
    )
    due = incident(personas, title="新しい")
    incident(personas, title="報告不要", special_care=False)
    reported = timezone.localdate()
    incident(personas, title="報告済み", prompt_reported_on=reported, final_reported_on=reported)
    for user in (personas.staff, personas.secretariat):
        rows = home_of(client, user).context["incidents_due"]
        assert [row[0] for row in rows] == [overdue, due]
        assert rows[0][1].overdue
    assert home_of(client, personas.other_staff).context["incidents_due"] == []
    assert "incidents_due" not in home_of(client, personas.contractor).context


# Flagged entries ------------------------------------------------------------------------------


def test_entries_flagged_in_the_last_week_show_for_those_who_see_the_room(
    client: Client, personas: Personas, world: World
) -> None:
    recent = flagged_entry(personas, world.room)
    flagged_entry(personas, world.room, days_ago=10)
    for user in (personas.staff, personas.secretariat):
        response = home_of(client, user)
        assert response.context["entries_flagged"] == [recent]
    assert home_of(client, personas.other_staff).context["entries_flagged"] == []


# Provisions under a legal exception -------------------------------------------------------------


def test_the_secretariat_sees_recent_exceptions_by_registration_number_never_by_name(
    client: Client, personas: Personas, world: World
) -> None:
    today = timezone.localdate()
    recent = Provision.objects.create(
        registrant=world.registrant,
        recipient=world.file.recipients.first(),
        purpose=world.file.purposes.first(),
        provided_on=today,
        outcome=Provision.Outcome.OVERRIDDEN,
        override_ground=OverrideGround.LIFE,
        override_explanation="救急搬送",
        recorded_by=personas.staff,
        recorded_at=timezone.now(),
    )
    Provision.objects.create(
        registrant=world.registrant,
        recipient=world.file.recipients.first(),
        purpose=world.file.purposes.first(),
        provided_on=today - dt.timedelta(days=120),
        outcome=Provision.Outcome.OVERRIDDEN,
        override_ground=OverrideGround.LAW,
        recorded_by=personas.staff,
        recorded_at=timezone.now(),
    )
    response = home_of(client, personas.secretariat)
    assert response.context["overrides_recent"] == [recent]
    page = response.content.decode()
    assert world.registrant.registration_number in page
    assert "秘密 花子" not in page
    assert "救急搬送" not in page
    for user in (personas.staff, personas.auditor, personas.contractor):
        assert "overrides_recent" not in home_of(client, user).context


# Navigation -----------------------------------------------------------------------------------


def test_the_navigation_links_the_ledger_by_role(
    client: Client, personas: Personas, world: World
) -> None:
    files = reverse("ledger:file_list")
    rooms = reverse("ledger:room_list")
    incidents = reverse("ledger:incident_list")
    overrides = reverse("ledger:override_list")
    staff = home_of(client, personas.staff).content.decode()
    assert files in staff and rooms in staff and incidents in staff
    assert overrides not in staff
    contractor = home_of(client, personas.contractor).content.decode()
    # Contractors report incidents under their contracts and read those linked to them.
    assert files in contractor and rooms in contractor and incidents in contractor
    assert overrides not in contractor
    secretariat = home_of(client, personas.secretariat).content.decode()
    assert overrides in secretariat and incidents in secretariat
    member = home_of(client, personas.member).content.decode()
    assert files not in member and rooms not in member


def test_public_pages_link_the_public_register(client: Client, personas: Personas) -> None:
    page = client.get(reverse("council:public_minutes_list")).content.decode()
    assert reverse("ledger:public_register") in page
