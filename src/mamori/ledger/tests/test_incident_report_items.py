"""What the report to the Commission states (outline, items, number of people, cause, secondary
harm, what was done for the people, publication, prevention) is kept with the incident,
encrypted where it is free text, shown with what is still to be written, and asked for when
the final report is recorded without it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.deadlines import missing_report_items, report_items
from mamori.ledger.models import Incident, IncidentKind
from mamori.ledger.services import incidents as services

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def reportable(personas: Personas, **fields: Any) -> Incident:
    values: dict[str, Any] = {
        "title": "台帳の写しの誤送付",
        "kind": IncidentKind.LEAK,
        "what_happened": "別の事業所へ送付した。",
        "discovered_on": today() - dt.timedelta(days=3),
        "people_count": 1,
        "special_care": True,
    }
    values.update(fields)
    return services.record_incident(actor=personas.staff, department=personas.shogai, **values)


def edit_data(incident: Incident, **overrides: str) -> dict[str, str]:
    data = {
        "title": incident.title,
        "kind": incident.kind,
        "suspected": "no",
        "what_happened": incident.what_happened,
        "discovered_on": incident.discovered_on.isoformat(),
        "people_count": str(incident.people_count),
        "special_care": "yes",
        "financial_harm": "no",
        "malicious": "no",
        "ordinance_special_care": "no",
    }
    data.update(overrides)
    return data


def test_the_department_writes_the_report_s_matters_on_the_edit_page(
    client: Client, personas: Personas
) -> None:
    incident = reportable(personas)
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:incident_edit", args=[incident.pk]),
        edit_data(
            incident,
            items_concerned="氏名、住所",
            cause="宛先の確認漏れ",
            secondary_harm="なし",
            publication="公表していない",
            prevention="二人で宛先を確認する",
        ),
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.items_concerned == "氏名、住所"
    assert incident.cause == "宛先の確認漏れ"
    assert incident.prevention == "二人で宛先を確認する"
    # What was done for the people is recorded with the reports, not here.
    assert missing_report_items(incident) == ["本人への対応の実施状況"]
    page = client.get(reverse("ledger:incident_detail", args=[incident.pk])).content.decode()
    assert "二人で宛先を確認する" in page and "宛先の確認漏れ" in page


def test_the_detail_page_flags_what_is_still_to_be_written(
    client: Client, personas: Personas
) -> None:
    incident = reportable(personas, cause="宛先の確認漏れ")
    missing = missing_report_items(incident)
    labels = [entry.label for entry in report_items(incident)]
    assert labels[0] == "概要" and len(labels) == 9
    assert "原因" not in missing
    assert "再発防止のための措置" in missing and "公表の実施状況" in missing
    client.force_login(personas.staff)
    page = client.get(reverse("ledger:incident_detail", args=[incident.pk])).content.decode()
    assert 'id="report-items"' in page
    assert page.count("未記入") == len(missing)


def test_recording_the_final_report_without_them_warns_and_still_records(
    client: Client, personas: Personas
) -> None:
    incident = reportable(personas)
    client.force_login(personas.staff)
    day = today().isoformat()
    response = client.post(
        reverse("ledger:incident_reports", args=[incident.pk]),
        {"prompt_reported_on": day, "final_reported_on": day, "people_notified_on": day},
        follow=True,
    )
    incident.refresh_from_db()
    assert incident.final_reported_on == today()
    shown = [str(message) for message in response.context["messages"]]
    assert any("再発防止のための措置" in message for message in shown)
    # With everything written, no warning.
    services.update_incident(
        actor=personas.staff,
        incident=incident,
        items_concerned="氏名",
        cause="確認漏れ",
        secondary_harm="なし",
        publication="公表していない",
        prevention="二人で確認する",
    )
    response = client.post(
        reverse("ledger:incident_reports", args=[incident.pk]),
        {"prompt_reported_on": day, "final_reported_on": day, "people_notified_on": day},
        follow=True,
    )
    assert not [m for m in response.context["messages"] if m.level == messages.WARNING]


def test_the_matters_are_encrypted_and_the_audit_trail_keeps_no_value(
    personas: Personas,
) -> None:
    incident = reportable(
        personas, cause="山田一郎職員の宛先確認漏れ", items_concerned="氏名（山田花子）"
    )
    services.update_incident(
        actor=personas.staff,
        incident=incident,
        secondary_harm="山田花子さんへの連絡",
        publication="山田課長の判断で非公表",
        prevention="山田一郎職員に再研修",
        other_matters="山田一郎職員は異動予定",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT items_concerned, cause, secondary_harm, publication, prevention, "
            "other_matters FROM ledger_incident WHERE id = %s",
            [incident.pk],
        )
        stored = cursor.fetchone()
    assert all(value for value in stored)
    assert not any("山田" in value for value in stored)
    events = list(AuditEvent.objects.for_object(incident).order_by("pk"))
    assert len(events) == 2
    assert all("山田" not in str(event.changes) for event in events)
    assert events[-1].changes["prevention"][1] == AuditEvent.ENCRYPTED_VALUE


def test_the_edit_page_shows_what_was_written(client: Client, personas: Personas) -> None:
    incident = reportable(personas, cause="宛先の確認漏れ", items_concerned="氏名、住所")
    client.force_login(personas.staff)
    form = client.get(reverse("ledger:incident_edit", args=[incident.pk])).context["form"]
    assert form.initial["cause"] == "宛先の確認漏れ"
    assert form.initial["items_concerned"] == "氏名、住所"


def test_an_incident_without_a_report_to_make_shows_no_matters_and_warns_of_none(
    client: Client, personas: Personas
) -> None:
    incident = reportable(personas, special_care=False)
    client.force_login(personas.staff)
    page = client.get(reverse("ledger:incident_detail", args=[incident.pk])).content.decode()
    assert 'id="report-items"' not in page
    reports = client.get(reverse("ledger:incident_reports", args=[incident.pk]))
    assert 'id="missing-report-items"' not in reports.content.decode()
    day = today().isoformat()
    response = client.post(
        reverse("ledger:incident_reports", args=[incident.pk]),
        {"final_reported_on": day, "prompt_reported_on": day},
        follow=True,
    )
    assert not [m for m in response.context["messages"] if m.level == messages.WARNING]


def test_the_contractor_states_what_it_knows_not_what_the_city_decides(
    personas: Personas,
) -> None:
    from mamori import testing
    from mamori.ledger.forms_incidents import ContractorIncidentForm

    vendor = testing.make_vendor()
    testing.link_vendor_user(personas.contractor, vendor)
    contract = testing.make_contract(
        personas.shogai,
        vendor,
        starts_on=today() - dt.timedelta(days=1),
        ends_on=today() + dt.timedelta(days=10),
    )
    form = ContractorIncidentForm(user=personas.contractor)
    for known in ("items_concerned", "cause", "secondary_harm"):
        assert known in form.fields
    for decided in ("publication", "prevention", "other_matters"):
        assert decided not in form.fields
    with pytest.raises(TypeError):
        services.report_incident(
            actor=personas.contractor,
            contract=contract,
            title="x",
            kind=IncidentKind.LEAK,
            what_happened="x",
            discovered_on=today(),
            people_count=1,
            publication="公表しない",
        )


def test_the_reports_page_lists_what_the_final_report_still_needs(
    client: Client, personas: Personas
) -> None:
    incident = reportable(personas, cause="宛先の確認漏れ")
    client.force_login(personas.staff)
    page = client.get(reverse("ledger:incident_reports", args=[incident.pk]))
    assert page.context["missing_items"] == missing_report_items(incident)
    html = page.content.decode()
    assert 'id="missing-report-items"' in html
    assert "再発防止のための措置" in html
    assert reverse("ledger:incident_edit", args=[incident.pk]) in html
