"""Incidents after the issue-7 review: every reporting question answered (never pre-answered
「いいえ」), a file holding special-care information warned of, empty choices worded, report
dates that can be cleared (audited) in one use case, and citations of 施行規則第43条."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.deadlines import incident_duties
from mamori.ledger.forms_incidents import IncidentForm
from mamori.ledger.models import Incident, IncidentKind
from mamori.ledger.services import incidents as services

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def form_data(personas: Personas, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "department": personas.shogai.pk,
        "title": "利用登録者一覧の紛失",
        "kind": "loss",
        "suspected": "no",
        "what_happened": "訪問先で一覧の写しを紛失した。",
        "discovered_on": today().isoformat(),
        "people_count": "100",
        "special_care": "no",
        "financial_harm": "no",
        "malicious": "no",
        "ordinance_special_care": "no",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def reported(personas: Personas) -> Incident:
    """An incident to report, both reports made and the people notified."""
    known = today() - dt.timedelta(days=2)
    incident = services.record_incident(
        actor=personas.staff,
        department=personas.shogai,
        title="台帳の写しの誤送付",
        kind=IncidentKind.LEAK,
        what_happened="別の事業所へ送付した。",
        discovered_on=known,
        people_count=1,
        special_care=True,
    )
    services.record_reports(
        actor=personas.staff,
        incident=incident,
        prompt_reported_on=known,
        final_reported_on=today(),
        people_notified_on=known,
    )
    return incident


# UX2: every question answered; special-care files warned of ----------------------------------


def test_the_reporting_questions_are_not_pre_answered(client: Client, personas: Personas) -> None:
    client.force_login(personas.staff)
    page = client.get(reverse("ledger:incident_create")).content.decode()
    # No radio button of the form starts checked.
    assert re.search(r"<input[^>]*\bchecked\b", page) is None
    assert 'type="radio"' in page


@pytest.mark.parametrize(
    "question", ["special_care", "financial_harm", "malicious", "ordinance_special_care"]
)
def test_an_unanswered_reporting_question_is_refused_and_nothing_is_saved(
    client: Client, personas: Personas, question: str
) -> None:
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:incident_create"), form_data(personas, **{question: None})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[question] == [gettext("Answer this question.")]
    assert not Incident.objects.exists()


def test_a_file_with_special_care_information_answered_no_asks_for_confirmation(
    client: Client, personas: Personas
) -> None:
    file = testing.make_ledger_file(personas.shogai, contains_special_care=True)
    client.force_login(personas.staff)
    url = reverse("ledger:incident_create")

    refused = client.post(url, form_data(personas, file=file.pk))

    assert refused.status_code == 200
    expected = gettext(
        "The file “%(file)s” holds special-care information (要配慮個人情報): answer “yes”, "
        "or tick the box below once you have checked that none of it is involved."
    ) % {"file": file.name}
    assert refused.context["form"].errors["special_care"] == [expected]
    assert not Incident.objects.exists()
    confirmed = client.post(url, form_data(personas, file=file.pk, special_care_confirmed="on"))
    assert confirmed.status_code == 302
    assert Incident.objects.get().special_care is False


def test_the_special_care_question_names_the_files_that_hold_such_information(
    personas: Personas,
) -> None:
    care = testing.make_ledger_file(
        personas.shogai, name="就労支援台帳", contains_special_care=True
    )
    testing.make_ledger_file(personas.shogai, name="貸出記録", contains_special_care=False)

    form = IncidentForm(user=personas.staff)

    help_text = str(form.fields["special_care"].help_text)
    assert care.name in help_text and "貸出記録" not in help_text
    file_field: Any = form.fields["file"]
    assert file_field.label_from_instance(care) == gettext(
        "%(name)s (holds special-care information)"
    ) % {"name": care.name}


def test_empty_choices_read_none_chosen_never_none(client: Client, personas: Personas) -> None:
    client.force_login(personas.staff)
    page = client.get(reverse("ledger:incident_create")).content.decode()
    assert page.count(pgettext("empty choice", "(none chosen)")) == 2
    assert ">None<" not in page


def test_the_free_text_fields_ask_not_to_identify_anyone(personas: Personas) -> None:
    no_names = gettext("Do not write information that identifies a person (such as names).")
    form = IncidentForm(user=personas.staff)
    assert str(form.fields["what_happened"].help_text) == no_names
    assert str(form.fields["title"].help_text).endswith(no_names)


# R10 / R16: report dates cleared, one use case ------------------------------------------------


def test_a_mistaken_report_date_can_be_cleared_and_the_deadline_comes_back(
    client: Client, personas: Personas
) -> None:
    incident = reported(personas)
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:incident_reports", args=[incident.pk]),
        {
            "prompt_reported_on": incident.prompt_reported_on.isoformat(),
            "final_reported_on": "",
            "people_notified_on": incident.people_notified_on.isoformat(),
            "notification_note": "",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.final_reported_on is None
    final = incident_duties(incident, today()).final
    assert final is not None and not final.met
    event = AuditEvent.objects.filter(use_case="ledger.record_reports").latest("seq")
    assert "final_reported_on" in str(event.changes)


def test_the_service_keeps_what_it_is_not_given_and_clears_what_is_given_as_none(
    personas: Personas,
) -> None:
    incident = reported(personas)
    services.record_reports(actor=personas.staff, incident=incident, people_notified_on=None)
    incident.refresh_from_db()
    assert incident.people_notified_on is None
    assert incident.prompt_reported_on is not None and incident.final_reported_on is not None


def test_clearing_a_date_of_a_closed_incident_is_refused_unless_it_is_reopened(
    client: Client, personas: Personas
) -> None:
    incident = reported(personas)
    services.update_incident(actor=personas.staff, incident=incident, status="closed")
    client.force_login(personas.staff)
    url = reverse("ledger:incident_reports", args=[incident.pk])
    data = {
        "prompt_reported_on": incident.prompt_reported_on.isoformat(),
        "final_reported_on": "",
        "people_notified_on": incident.people_notified_on.isoformat(),
        "notification_note": "",
    }

    kept_closed = client.post(url, data | {"close": "on"})

    assert kept_closed.status_code == 200
    assert kept_closed.context["form"].errors["close"]
    incident.refresh_from_db()
    assert incident.final_reported_on is not None and incident.status == "closed"
    reopened = client.post(url, data)
    assert reopened.status_code == 302
    incident.refresh_from_db()
    assert incident.final_reported_on is None and incident.status == "open"


def test_saving_the_reports_page_and_closing_is_one_use_case_all_or_nothing(
    personas: Personas,
) -> None:
    incident = reported(personas)
    services.record_reports(actor=personas.staff, incident=incident, people_notified_on=None)
    incident.refresh_from_db()
    before = AuditEvent.objects.count()

    with pytest.raises(services.ValidationError):
        # The dates change, but closing fails (no notification): nothing is kept.
        services.save_reports(
            actor=personas.staff,
            incident=incident,
            prompt_reported_on=today(),
            final_reported_on=incident.final_reported_on,
            people_notified_on=None,
            notification_note="",
            close=True,
        )

    incident.refresh_from_db()
    assert incident.prompt_reported_on == today() - dt.timedelta(days=2)
    assert AuditEvent.objects.count() == before


# UX9: citations -------------------------------------------------------------------------------


def test_every_reason_cites_article_43_of_the_enforcement_rules_not_the_same_article(
    personas: Personas,
) -> None:
    incident = Incident(
        title="t",
        kind=IncidentKind.LEAK,
        discovered_on=today(),
        people_count=101,
        special_care=True,
        financial_harm=True,
        malicious=True,
        ordinance_special_care=True,
    )
    with translation.override("en"):
        triggers = incident_duties(incident, today()).triggers
    items = sorted(int(t.rsplit("item ", 1)[1].rstrip(").")) for t in triggers)
    assert items == [1, 2, 3, 4, 5]
    assert all("Enforcement Rules, Article 43" in t for t in triggers)
