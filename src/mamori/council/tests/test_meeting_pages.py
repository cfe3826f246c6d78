"""The secretariat records a meeting through its pages; members read; others are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.council.models import AgendaItem, Attendance, Meeting, Membership, Minutes


def meeting_url(meeting: Meeting, name: str = "meeting_detail") -> str:
    return reverse(
        f"council:{name}",
        kwargs={
            "council": meeting.council.slug,
            "fiscal_year": meeting.fiscal_year,
            "number": meeting.number,
        },
    )


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    meeting = testing.make_meeting(personas.council, number=3)
    Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
    return meeting


def test_secretariat_creates_a_meeting_with_an_era_date(client: Client, personas: Personas) -> None:
    client.force_login(personas.secretariat)
    response = client.post(
        reverse("council:meeting_create"),
        {
            "council": personas.council.pk,
            "number": "3",
            "date": "平成21年8月6日",
            "start_time": "18:55",
            "end_time": "20:30",
            "place": "市役所3階庁議室",
            "openness": "open",
            "observers": "0",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert (meeting.fiscal_year, meeting.date) == (2009, dt.date(2009, 8, 6))
    assert meeting.title == "平成21年度第3回個人情報保護運営審議会"
    assert AuditEvent.objects.filter(use_case="council.create_meeting").exists()


@pytest.mark.parametrize(
    ("date", "start", "end", "message"),
    [
        ("平成21年8月6日", "20:30", "18:55", "終了"),
        ("平成32年1月1日", "18:00", "19:00", "平成32年"),
        ("令和0年5月1日", "18:00", "19:00", "令和0年"),
    ],
)
def test_bad_meeting_input_gets_a_japanese_message_on_the_form(
    client: Client, personas: Personas, date: str, start: str, end: str, message: str
) -> None:
    client.force_login(personas.secretariat)
    response = client.post(
        reverse("council:meeting_create"),
        {
            "council": personas.council.pk,
            "number": "3",
            "date": date,
            "start_time": start,
            "end_time": end,
            "place": "庁議室",
            "openness": "open",
            "observers": "0",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="庁議室"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_meeting_number_taken_twice_is_refused_on_the_form(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.secretariat)
    response = client.post(
        reverse("council:meeting_create"),
        {
            "council": personas.council.pk,
            "number": "3",
            "date": "2009-09-01",
            "start_time": "18:00",
            "end_time": "19:00",
            "place": "庁議室",
            "openness": "open",
            "observers": "0",
        },
    )
    assert response.status_code == 200
    assert "既に" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_a_closed_meeting_needs_its_grounds_and_reason(client: Client, personas: Personas) -> None:
    client.force_login(personas.secretariat)
    response = client.post(
        reverse("council:meeting_create"),
        {
            "council": personas.council.pk,
            "number": "1",
            "date": "2009-05-01",
            "start_time": "18:00",
            "end_time": "19:00",
            "place": "庁議室",
            "openness": "closed",
            "observers": "0",
        },
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_a_member_both_present_and_absent_is_refused(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.secretariat)
    seat = Membership.objects.get(member=personas.member)
    response = client.post(
        meeting_url(meeting, "meeting_attendance"),
        {
            "present": [seat.pk],
            "absent": [seat.pk],
        },
    )
    assert response.status_code == 200
    assert "出席と欠席" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_meeting_without_a_majority_present_is_flagged(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.secretariat)
    seats = list(personas.council.memberships.all())
    client.post(
        meeting_url(meeting, "meeting_attendance"),
        {
            "present": [seats[0].pk],
            "absent": [seats[1].pk],
        },
    )
    response = client.get(meeting_url(meeting))
    assert "定足数" in response.content.decode()
    client.post(
        meeting_url(meeting, "meeting_attendance"),
        {
            "present": [s.pk for s in seats],
            "absent": [],
        },
    )
    response = client.get(meeting_url(meeting))
    assert "定足数に達していません" not in response.content.decode()


def test_secretariat_adds_agenda_items_in_order(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.secretariat)
    consultation = testing.make_consultation(personas.council, personas.shogai)
    client.post(
        meeting_url(meeting, "agenda_item_create"),
        {
            "order": "1",
            "kind": "greeting",
            "title": "総務部長挨拶",
            "openness": "as_meeting",
        },
    )
    client.post(
        meeting_url(meeting, "agenda_item_create"),
        {
            "order": "2",
            "kind": "deliberation",
            "title": "諮問審議",
            "openness": "as_meeting",
            "consultations": [consultation.pk],
        },
    )
    titles = list(meeting.agenda_items.values_list("title", flat=True))
    consultation.refresh_from_db()
    assert titles == ["総務部長挨拶", "諮問審議"]
    assert consultation.status == "on_agenda"


@pytest.mark.parametrize("status", ["draft", "returned", "withdrawn", "answered"])
def test_a_consultation_not_waiting_for_the_council_cannot_go_on_the_agenda(
    client: Client, personas: Personas, meeting: Meeting, status: str
) -> None:
    client.force_login(personas.secretariat)
    consultation = testing.make_consultation(personas.council, personas.shogai, status=status)
    response = client.post(
        meeting_url(meeting, "agenda_item_create"),
        {
            "order": "1",
            "kind": "deliberation",
            "title": "諮問審議",
            "openness": "as_meeting",
            "consultations": [consultation.pk],
        },
    )
    assert response.status_code == 200
    assert not meeting.agenda_items.exists()
    consultation.refresh_from_db()
    assert consultation.status == status


def test_two_agenda_items_cannot_share_a_number(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.secretariat)
    AgendaItem.objects.create(meeting=meeting, order=1, kind="greeting", title="挨拶")
    response = client.post(
        meeting_url(meeting, "agenda_item_create"),
        {
            "order": "1",
            "kind": "other",
            "title": "その他",
            "openness": "as_meeting",
        },
    )
    assert response.status_code == 200
    assert meeting.agenda_items.count() == 1


def test_publishing_puts_the_minutes_on_the_public_site(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    public_url = reverse(
        "council:public_minutes_detail",
        kwargs={"council": meeting.council.slug, "fiscal_year": 2009, "number": 3},
    )
    assert Client().get(public_url).status_code == 404
    client.force_login(personas.secretariat)
    client.post(meeting_url(meeting, "minutes_publish"))
    response = Client().get(public_url)
    assert response.status_code == 200
    assert "平成21年度第3回個人情報保護運営審議会" in response.content.decode()
    listing = Client().get(reverse("council:public_minutes_list")).content.decode()
    assert "平成21年度" in listing and public_url in listing


def test_members_read_but_cannot_manage_a_meeting(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.member)
    assert client.get(meeting_url(meeting)).status_code == 200
    assert client.get(meeting_url(meeting, "minutes_draft")).status_code == 200
    assert client.post(meeting_url(meeting, "minutes_publish")).status_code == 403
    assert client.get(meeting_url(meeting, "meeting_edit")).status_code == 403


def test_a_member_of_another_council_cannot_read_the_draft(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.outsider_member)
    assert client.get(meeting_url(meeting, "minutes_draft")).status_code == 403


def test_a_closed_meeting_records_its_grounds_in_the_audit_trail(
    client: Client, personas: Personas
) -> None:
    from mamori.council.models import DisclosureGround

    ground = DisclosureGround.objects.get(article="情報公開条例第6条第1号")
    client.force_login(personas.secretariat)
    client.post(
        reverse("council:meeting_create"),
        {
            "council": personas.council.pk,
            "number": "3",
            "date": "平成21年8月6日",
            "start_time": "18:55",
            "end_time": "20:30",
            "place": "庁議室",
            "openness": "closed",
            "closure_grounds": [ground.pk],
            "closure_reason": "個人情報を含む事項を審議するため",
            "observers": "0",
        },
    )
    meeting = Meeting.objects.get()
    event = AuditEvent.objects.get(use_case="council.create_meeting", object_type="council.meeting")
    assert list(meeting.closure_grounds.all()) == [ground]
    assert event.changes["closure_grounds"] == [[], [ground.pk]]
    assert event.changes["closure_reason"] == [None, "個人情報を含む事項を審議するため"]


def test_a_tie_decided_by_the_chair_shows_on_the_meeting_and_in_the_minutes(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    from mamori.consultations.models import Decision

    consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
    testing.put_on_agenda(meeting, consultation, order=1)
    Decision.objects.create(
        consultation=consultation,
        meeting=meeting,
        decided_on=meeting.date,
        result="approved",
        votes_for=2,
        votes_against=2,
        decided_by_chair=True,
    )
    client.force_login(personas.secretariat)
    assert "可否同数のため会長が決しました" in client.get(meeting_url(meeting)).content.decode()
    minutes = client.get(meeting_url(meeting, "minutes_draft")).content.decode()
    assert "可否同数（各2票）のため、会長が決した。" in minutes
