"""The demo carries 諮問第4号's 利用登録者台帳 in operation (issue 7's "done when"): fictitious
registrants, consents given and refused for ハローワーク and 学校, a provision refused for want
of consent, a paper carry-out returned and one overdue, entry records of the centre's records
room, an incident whose final report is pending."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori.accounts.models import User
from mamori.audit.models import AuditEvent
from mamori.core import business_days, demo_ledger
from mamori.ledger import access
from mamori.ledger.deadlines import incident_duties
from mamori.ledger.models import (
    CarryOut,
    ConsentEvent,
    ConsentStatus,
    EntryRecord,
    Incident,
    Medium,
    PersonalInformationFile,
    Provision,
    Registrant,
)
from mamori.ledger.services import rooms as room_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any) -> Iterator[PersonalInformationFile]:
    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    yield PersonalInformationFile.objects.get(name=demo_ledger.FILE_NAME)


def consents(recipient: str, status: str) -> set[str]:
    return set(
        ConsentEvent.objects.filter(recipient__name=recipient, status=status).values_list(
            "registrant__registration_number", flat=True
        )
    )


class TestTheFile:
    def test_the_ledger_of_consultation_4_rests_on_its_answer_and_is_published(
        self, demo: PersonalInformationFile
    ) -> None:
        consultation = demo.consultation
        assert consultation is not None
        assert (consultation.fiscal_year, consultation.number) == (2009, 4)
        assert demo.decision is not None and demo.decision.consultation_id == consultation.pk
        assert demo.department.name == "障害支援課"
        assert demo.published
        assert [c.vendor.legal_name for c in demo.contracts.all()] == ["社会福祉法人けやき野会"]
        assert [r.name for r in demo.recipients.all()] == list(demo_ledger.RECIPIENTS)
        assert [g.name for g in demo.item_groups.all()] == [
            "基本情報",
            "障害の状況",
            "就労に関する希望",
        ]
        assert [p.name for p in demo.purposes.all()] == list(demo_ledger.PURPOSES)

    def test_the_public_register_lists_it_without_signing_in(
        self, demo: PersonalInformationFile
    ) -> None:
        response = Client().get(reverse("ledger:public_register"))

        assert response.status_code == 200
        assert demo_ledger.FILE_NAME in response.content.decode()
        assert "見本 一郎" not in response.content.decode()


class TestTheRegistrants:
    def test_five_fictitious_registrants_stored_encrypted(
        self, demo: PersonalInformationFile
    ) -> None:
        registrants = list(demo.registrants.all())
        assert [r.name for r in registrants] == [p.name for p in demo_ledger.PEOPLE]
        assert all(r.name.startswith("見本") for r in registrants)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, address FROM ledger_registrant")
            stored = [value for row in cursor.fetchall() for value in row]
        assert all(value.startswith("v1.") for value in stored)

    def test_consents_are_given_and_refused_for_hellowork_and_the_school(
        self, demo: PersonalInformationFile
    ) -> None:
        everyone = {p.number for p in demo_ledger.PEOPLE}
        assert consents("ハローワーク", ConsentStatus.GIVEN) == everyone
        assert consents("学校", ConsentStatus.GIVEN) == {"S-0002"}
        assert consents("学校", ConsentStatus.REFUSED) == {"S-0003"}
        assert consents("ハローワーク", ConsentStatus.WITHDRAWN) == {"S-0005"}
        assert ConsentEvent.objects.filter(written_form_on_file=False).count() == 0

    def test_the_provision_to_the_school_is_refused_for_want_of_consent_and_recorded(
        self, demo: PersonalInformationFile
    ) -> None:
        refused = Provision.objects.get(outcome=Provision.Outcome.REFUSED)
        assert refused.registrant.registration_number == "S-0003"
        assert refused.recipient.name == "学校"
        assert "学校" in refused.refusal_reason
        allowed = Provision.objects.filter(outcome=Provision.Outcome.ALLOWED)
        assert {p.recipient.name for p in allowed} == {"ハローワーク", "作業所"}

    def test_the_contractor_s_coordinator_sees_the_file_and_the_other_contractor_does_not(
        self, demo: PersonalInformationFile
    ) -> None:
        coordinator = User.objects.get(username=demo_ledger.COORDINATOR[0])
        other = User.objects.get(username="jutaku")

        assert access.may_see_personal_data(coordinator, demo)
        assert not access.may_see_personal_data(other, demo)
        assert AuditEvent.objects.filter(
            action=AuditEvent.Action.VIEW, use_case="ledger.view_registrant_list"
        ).exists()


class TestCarryOutsRoomsAndTheIncident:
    def test_a_paper_carry_out_came_back_and_one_is_overdue(
        self, demo: PersonalInformationFile
    ) -> None:
        carry_outs = CarryOut.objects.filter(file=demo)
        assert {c.medium for c in carry_outs} == {Medium.PAPER}
        assert carry_outs.filter(status=CarryOut.Status.RETURNED).count() == 1
        assert CarryOut.objects.overdue(timezone.now()).filter(file=demo).count() == 1

    def test_the_records_room_has_a_week_of_entries_two_of_them_flagged(
        self, demo: PersonalInformationFile
    ) -> None:
        room = demo.rooms.get(name=demo_ledger.ROOM[0])
        assert demo.rooms.filter(parent=room).exists()  # the locked cabinet inside it
        entries = EntryRecord.objects.filter(room__in=demo.rooms.all())
        days = {e.entered_at.astimezone().date() for e in entries}
        assert len(days) == demo_ledger.ENTRY_DAYS
        assert entries.filter(outside_hours=True, unauthorized=False).count() == 1
        (stranger,) = entries.filter(unauthorized=True)
        assert stranger.card_id == demo_ledger.STRANGER[1]
        assert room.authorizations.count() == 2

    def test_carry_outs_leave_in_office_hours_on_open_days_approved_before_they_leave(
        self, demo: PersonalInformationFile
    ) -> None:
        for carry_out in CarryOut.objects.filter(file=demo):
            leaves = timezone.localtime(carry_out.leaves_at)
            assert business_days.is_business_day(leaves.date())
            assert dt.time(9) <= leaves.time() <= dt.time(16)
            assert carry_out.approved_at is not None
            assert carry_out.recorded_at <= carry_out.approved_at <= carry_out.leaves_at
            assert timezone.localtime(carry_out.due_back_at).time() <= dt.time(17, 15)

    def test_the_door_system_s_cards_match_the_authorizations(
        self, demo: PersonalInformationFile
    ) -> None:
        room = demo.rooms.get(name=demo_ledger.ROOM[0])
        cards = set(room.authorizations.values_list("card_id", flat=True))
        assert cards == {demo_ledger.STAFF_CARD, demo_ledger.COORDINATOR_CARD}
        staff = room.authorizations.get(card_id=demo_ledger.STAFF_CARD).user
        day = max(
            d
            for d in (timezone.localdate() - dt.timedelta(days=n) for n in range(1, 10))
            if business_days.is_business_day(d)
        )
        data = (
            "部屋コード,カードID,氏名,入室,退室\n"
            f"{demo_ledger.ROOM[1]},{demo_ledger.STAFF_CARD},,{day:%Y/%m/%d} 8:50,"
            f"{day:%Y/%m/%d} 9:10\n"
        ).encode()

        report = room_services.import_entries(actor=staff, data=data)

        assert (report.created, report.flagged, report.errors) == (1, 0, [])

    def test_the_incident_needs_a_report_whose_final_part_is_pending(
        self, demo: PersonalInformationFile
    ) -> None:
        incident = Incident.objects.get(file=demo)
        duties = incident_duties(incident, timezone.localdate())

        assert duties.report_required
        assert incident.prompt_reported_on is not None
        assert incident.final_reported_on is None
        assert incident.contract is not None
        assert incident.people_count == 1 and incident.special_care

    def test_the_contractor_reported_the_incident_and_the_department_acknowledged_it(
        self, demo: PersonalInformationFile, client: Client
    ) -> None:
        incident = Incident.objects.get(file=demo)
        coordinator = User.objects.get(username=demo_ledger.COORDINATOR[0])

        assert incident.reported_by_contractor
        assert incident.recorded_by == coordinator
        assert incident.acknowledged_by is not None
        assert incident.acknowledged_by.department_id == incident.department_id
        client.force_login(coordinator)
        listing = client.get(reverse("ledger:incident_list"))
        assert [row.incident for row in listing.context["open_rows"]] == [incident]

    def test_every_ledger_row_of_the_demo_is_in_the_audit_trail(
        self, demo: PersonalInformationFile
    ) -> None:
        for model in (Registrant, ConsentEvent, Provision, CarryOut, EntryRecord, Incident):
            events = AuditEvent.objects.filter(
                action=AuditEvent.Action.CREATE, object_type=model._meta.label_lower
            )
            assert events.count() == model._default_manager.count() > 0, model.__name__
