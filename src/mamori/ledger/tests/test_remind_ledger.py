"""`mamori remind` also mails the ledger's deadlines: the next report (速報, 確報) of an open
incident to its department, and carry-outs not back on time to the department and to who took
them out; never the incident's or the carry-out's own words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.accounts.models import User
from mamori.conftest import Personas
from mamori.ledger.models import CarryOut, Incident, IncidentKind, Medium
from mamori.vendors.models import ReminderLog
from mamori.vendors.reminders import send_reminders

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def people(personas: Personas) -> Personas:
    for user in (personas.secretariat, personas.staff, personas.other_staff, personas.contractor):
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])
    return personas


def body_to(user: User) -> str:
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return str(message.body)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def incident(personas: Personas, *, known: dt.date, **fields: object) -> Incident:
    values: dict[str, object] = {
        "department": personas.shogai,
        "title": "山田花子さんの記録の誤送付",
        "kind": IncidentKind.LEAK,
        "what_happened": "別の事業所へ送付した。",
        "discovered_on": known,
        "people_count": 1,
        "special_care": True,
        "recorded_by": personas.staff,
        "recorded_at": timezone.now(),
    }
    values.update(fields)
    return Incident.objects.create(**values)


def test_an_incident_s_prompt_report_due_mails_its_department_without_its_words(
    people: Personas,
) -> None:
    today = timezone.localdate()
    item = incident(people, known=today)
    send_reminders(today)
    assert recipients() == [people.staff.email]
    body = body_to(people.staff)
    assert reverse("ledger:incident_detail", args=[item.pk]) in body
    assert "速報" in body
    assert "山田" not in body and "別の事業所" not in body
    assert ReminderLog.objects.filter(
        user=people.staff, item=f"incident:{item.pk}:prompt:due_soon"
    ).exists()


def test_an_overdue_final_report_is_mailed_as_overdue(people: Personas) -> None:
    today = timezone.localdate()
    item = incident(people, known=today - 90 * DAY, prompt_reported_on=today - 88 * DAY)
    send_reminders(today)
    assert ReminderLog.objects.filter(
        user=people.staff, item=f"incident:{item.pk}:final:overdue"
    ).exists()
    assert "確報" in body_to(people.staff)


def test_incidents_without_a_report_to_make_or_closed_mail_nobody(people: Personas) -> None:
    today = timezone.localdate()
    incident(people, known=today, special_care=False)  # one person, no trigger: no report
    incident(
        people,
        known=today - 90 * DAY,
        prompt_reported_on=today - 88 * DAY,
        final_reported_on=today - 60 * DAY,
    )
    incident(people, known=today, status=Incident.Status.CLOSED)
    send_reminders(today)
    assert mail.outbox == []


def test_a_carry_out_not_back_mails_the_department_and_who_took_it(people: Personas) -> None:
    file = testing.make_ledger_file(people.shogai)
    now = timezone.now()
    carried_by = testing.make_user("department_staff", department=people.kodomo)
    carried_by.email = "carrier@example.jp"
    carried_by.save(update_fields=["email"])
    late = CarryOut.objects.create(
        file=file,
        medium=Medium.PAPER,
        description="山田花子さんの台帳の写し",
        record_count=1,
        purpose="家庭訪問",
        destination="訪問先",
        carried_by=carried_by,
        leaves_at=now - 2 * DAY,
        due_back_at=now - DAY,
        recorded_by=people.staff,
        recorded_at=now - 2 * DAY,
        status=CarryOut.Status.OUT,
    )
    CarryOut.objects.create(
        file=file,
        medium=Medium.PAPER,
        description="まだ期限内の写し",
        record_count=1,
        purpose="家庭訪問",
        destination="訪問先",
        carried_by=people.staff,
        leaves_at=now - DAY,
        due_back_at=now + DAY,
        recorded_by=people.staff,
        recorded_at=now - DAY,
        status=CarryOut.Status.OUT,
    )
    send_reminders(timezone.localdate())
    assert recipients() == sorted([people.staff.email, "carrier@example.jp"])
    body = body_to(people.staff)
    assert reverse("ledger:carry_out_detail", args=[late.pk]) in body
    assert file.name in body
    assert "山田" not in body and "期限内" not in body


def test_a_second_run_the_same_day_sends_nothing_new(people: Personas) -> None:
    today = timezone.localdate()
    incident(people, known=today)
    send_reminders(today)
    assert len(mail.outbox) == 1
    send_reminders(today)
    assert len(mail.outbox) == 1
