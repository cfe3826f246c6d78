"""The incident register: recording incidents of one's department, the questions of the
reporting rule, the report dates and closing an incident only when its duties are done."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.deadlines import incident_duties
from mamori.ledger.models import Incident, IncidentKind
from mamori.ledger.services import incidents as services


def today() -> dt.date:
    return timezone.localdate()


def fields(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "利用登録者台帳の写しの誤送付",
        "kind": IncidentKind.LEAK,
        "what_happened": "別の事業所へ台帳の写しを送付した。",
        "discovered_on": today() - dt.timedelta(days=1),
        "people_count": 3,
        "special_care": True,
    }
    values.update(overrides)
    return values


def record(personas: Personas, **overrides: Any) -> Incident:
    return services.record_incident(
        actor=personas.staff, department=personas.shogai, **fields(**overrides)
    )


def form_data(personas: Personas, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "department": personas.shogai.pk,
        "title": "台帳の紛失",
        "kind": "loss",
        "suspected": "no",
        "what_happened": "訪問先で台帳の写しを紛失した。",
        "discovered_on": today().isoformat(),
        "people_count": "12",
        "special_care": "yes",
        "financial_harm": "no",
        "malicious": "no",
        "ordinance_special_care": "no",
    }
    data.update(overrides)
    return data


# Services ------------------------------------------------------------------------------------


def test_staff_record_an_incident_of_their_department_audited(personas: Personas) -> None:
    incident = record(personas)
    assert incident.recorded_by == personas.staff
    assert incident.status == Incident.Status.OPEN
    assert AuditEvent.objects.filter(use_case="ledger.record_incident", object_id=str(incident.pk))


def test_staff_cannot_record_an_incident_of_another_department(personas: Personas) -> None:
    with pytest.raises(ValidationError):
        services.record_incident(actor=personas.staff, department=personas.kodomo, **fields())


def test_the_secretariat_records_an_incident_of_any_department(personas: Personas) -> None:
    incident = services.record_incident(
        actor=personas.secretariat, department=personas.kodomo, **fields()
    )
    assert incident.department == personas.kodomo


def test_council_members_and_contractors_cannot_record_incidents(personas: Personas) -> None:
    for user in (personas.member, personas.contractor, personas.auditor):
        with pytest.raises(PermissionDenied):
            services.record_incident(actor=user, department=personas.shogai, **fields())


def test_the_file_and_the_contract_must_be_of_the_incidents_department(
    personas: Personas,
) -> None:
    other_file = testing.make_ledger_file(personas.kodomo)
    with pytest.raises(ValidationError):
        record(personas, file=other_file)
    other_contract = testing.make_contract(personas.kodomo)
    with pytest.raises(ValidationError):
        record(personas, contract=other_contract)
    own = testing.make_contract(personas.shogai)
    incident = record(personas, file=testing.make_ledger_file(personas.shogai), contract=own)
    assert incident.contract == own


def test_an_incident_cannot_become_known_in_the_future_nor_occur_after(
    personas: Personas,
) -> None:
    with pytest.raises(ValidationError):
        record(personas, discovered_on=today() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        record(personas, occurred_on=today(), discovered_on=today() - dt.timedelta(days=2))
    assert not Incident.objects.exists()


def test_report_dates_cannot_precede_the_discovery_nor_be_in_the_future(
    personas: Personas,
) -> None:
    incident = record(personas)
    with pytest.raises(ValidationError):
        services.record_reports(
            actor=personas.staff,
            incident=incident,
            prompt_reported_on=incident.discovered_on - dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        services.record_reports(
            actor=personas.staff,
            incident=incident,
            final_reported_on=today() + dt.timedelta(days=1),
        )
    incident.refresh_from_db()
    assert incident.prompt_reported_on is None and incident.final_reported_on is None


def test_an_incident_to_report_closes_only_once_its_duties_are_done(
    personas: Personas,
) -> None:
    incident = record(personas)
    with pytest.raises(ValidationError):
        services.update_incident(actor=personas.staff, incident=incident, status="closed")
    services.record_reports(
        actor=personas.staff,
        incident=incident,
        prompt_reported_on=today(),
        final_reported_on=today(),
        notification_note="連絡先が不明のため、市ホームページで公表した。",
    )
    services.update_incident(actor=personas.staff, incident=incident, status="closed")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert AuditEvent.objects.filter(use_case="ledger.record_reports").exists()


def test_an_incident_needing_no_report_closes_at_once(personas: Personas) -> None:
    incident = record(personas, special_care=False)
    services.update_incident(actor=personas.staff, incident=incident, status="closed")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED


def test_another_department_cannot_change_the_incident(personas: Personas) -> None:
    incident = record(personas)
    with pytest.raises(PermissionDenied):
        services.update_incident(actor=personas.other_staff, incident=incident, title="x")
    with pytest.raises(PermissionDenied):
        services.record_reports(
            actor=personas.other_staff, incident=incident, prompt_reported_on=today()
        )


# Pages ---------------------------------------------------------------------------------------


def test_staff_record_an_incident_by_answering_the_questions(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.staff)
    response = client.post(reverse("ledger:incident_create"), form_data(personas))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:incident_detail", args=[incident.pk])
    assert incident.special_care and not incident.malicious
    assert incident.kind == IncidentKind.LOSS
    page = client.get(response["Location"]).content.decode()
    duties = incident_duties(incident, today())
    assert duties.prompt is not None
    assert escape(duties.prompt.describe()) in page


def test_a_discovery_in_the_future_is_refused_with_a_message_and_nothing_saved(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.staff)
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("ledger:incident_create"), form_data(personas, discovered_on=tomorrow)
    )
    assert response.status_code == 200
    assert gettext("The day it became known cannot be in the future.") in response.content.decode()
    assert not Incident.objects.exists()


def test_an_empty_incident_form_is_answered_with_messages(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.staff)
    response = client.post(reverse("ledger:incident_create"), {"people_count": "-4"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"title", "kind", "what_happened", "discovered_on", "people_count"} <= set(errors)
    assert not Incident.objects.exists()


def test_a_file_of_another_department_is_not_offered(client: Client, personas: Personas) -> None:
    other_file = testing.make_ledger_file(personas.kodomo)
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:incident_create"), form_data(personas, file=other_file.pk)
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_the_list_shows_open_incidents_first_with_the_overdue_deadline_first(
    client: Client, personas: Personas
) -> None:
    late = record(personas, title="古い事案", discovered_on=today() - dt.timedelta(days=20))
    fresh = record(personas, title="新しい事案")
    quiet = record(personas, title="報告不要", special_care=False)
    closed = record(personas, title="終結", special_care=False)
    services.update_incident(actor=personas.staff, incident=closed, status="closed")
    client.force_login(personas.staff)
    response = client.get(reverse("ledger:incident_list"))
    rows = response.context["open_rows"]
    assert [row.incident for row in rows] == [late, fresh, quiet]
    assert rows[0].duties.next_deadline.overdue
    assert list(response.context["closed"]) == [closed]
    page = response.content.decode()
    assert escape(rows[0].duties.next_deadline.describe()) in page


def test_the_edit_page_changes_the_answers(client: Client, personas: Personas) -> None:
    incident = record(personas)
    client.force_login(personas.staff)
    data = form_data(personas, malicious="yes", people_count="150")
    data.pop("department")
    response = client.post(reverse("ledger:incident_edit", args=[incident.pk]), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.malicious and incident.people_count == 150
    assert AuditEvent.objects.filter(use_case="ledger.update_incident").exists()


def test_the_reports_page_records_dates_and_refuses_to_close_too_early(
    client: Client, personas: Personas
) -> None:
    incident = record(personas)
    client.force_login(personas.staff)
    url = reverse("ledger:incident_reports", args=[incident.pk])
    response = client.post(url, {"prompt_reported_on": today().isoformat(), "close": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors
    incident.refresh_from_db()
    # Nothing of a refused save is kept, not even the date.
    assert incident.prompt_reported_on is None
    assert incident.status == Incident.Status.OPEN
    response = client.post(
        url,
        {
            "prompt_reported_on": today().isoformat(),
            "final_reported_on": today().isoformat(),
            "people_notified_on": today().isoformat(),
            "close": "on",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.final_reported_on == today()
    assert incident.status == Incident.Status.CLOSED


def test_a_report_date_before_the_discovery_is_refused_on_the_page(
    client: Client, personas: Personas
) -> None:
    incident = record(personas)
    client.force_login(personas.staff)
    early = (incident.discovered_on - dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("ledger:incident_reports", args=[incident.pk]), {"prompt_reported_on": early}
    )
    assert response.status_code == 200
    assert "prompt_reported_on" in response.context["form"].errors


def test_the_detail_names_the_contract_and_the_contractor(
    client: Client, personas: Personas
) -> None:
    vendor = testing.make_vendor(legal_name="社会福祉法人みどり学園")
    contract = testing.make_contract(personas.shogai, vendor)
    incident = record(personas, contract=contract)
    client.force_login(personas.secretariat)
    page = client.get(reverse("ledger:incident_detail", args=[incident.pk])).content.decode()
    assert "社会福祉法人みどり学園" in page
    assert contract.title in page


def test_another_department_cannot_see_the_incident(client: Client, personas: Personas) -> None:
    incident = record(personas)
    client.force_login(personas.other_staff)
    assert client.get(reverse("ledger:incident_detail", args=[incident.pk])).status_code == 403
    response = client.get(reverse("ledger:incident_list"))
    assert response.context["open_rows"] == []
