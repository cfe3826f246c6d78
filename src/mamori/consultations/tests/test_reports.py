"""Reports to the council, often about an earlier answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Decision, Report
from mamori.consultations.tests.helpers import (
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)

pytestmark = pytest.mark.django_db


def form_data(personas: Personas, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "council": personas.council.pk,
        "title": "子育て応援特別手当(21年度版)業務委託",
        "department": personas.kodomo.pk,
        "explanation": "対象者が拡大するだけで作業内容は20年度と同様である。",
        "related_decision": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def earlier_decision(personas: Personas) -> Decision:
    """The answer of 平成21年2月16日 that the seed's report refers to."""
    consultation = testing.make_consultation(
        personas.council,
        personas.kodomo,
        fiscal_year=2008,
        number=12,
        title="子育て応援特別手当業務委託",
    )
    return Decision.objects.create(
        consultation=consultation, decided_on=dt.date(2009, 2, 16), result="approved"
    )


class TestWhoMayRecordAReport:
    def test_the_secretariat_may(self, client: Client, personas: Personas) -> None:
        response = signed_in(client, personas, "secretariat").get(url_of("report_create"))
        assert response.status_code == 200

    @pytest.mark.parametrize("role", ["staff", "other_staff", "member", "contractor", "auditor"])
    def test_others_are_refused(self, client: Client, personas: Personas, role: str) -> None:
        response = signed_in(client, personas, role).post(
            url_of("report_create"), form_data(personas)
        )
        assert response.status_code == 403
        assert not Report.objects.exists()

    def test_a_signed_out_visitor_is_sent_to_sign_in(self, client: Client) -> None:
        assert sends_to_sign_in(client.get(url_of("report_create")))


class TestRecordingAReport:
    def test_it_links_the_earlier_decision_and_is_audited(
        self, client: Client, personas: Personas, earlier_decision: Decision
    ) -> None:
        page = page_text(signed_in(client, personas, "secretariat").get(url_of("report_create")))
        assert "平成21年2月16日 平成20年度諮問第12号「子育て応援特別手当業務委託」: 可" in page
        response = client.post(
            url_of("report_create"), form_data(personas, related_decision=earlier_decision.pk)
        )
        assert response.status_code == 302
        report = Report.objects.get()
        assert (report.related_decision, report.department) == (earlier_decision, personas.kodomo)
        assert audited("consultations.create_report") == 1

    def test_a_decision_of_another_council_is_refused(
        self, client: Client, personas: Personas, earlier_decision: Decision
    ) -> None:
        other = testing.make_council(slug="joho", name="情報公開運営審議会")
        response = signed_in(client, personas, "secretariat").post(
            url_of("report_create"),
            form_data(personas, council=other.pk, related_decision=earlier_decision.pk),
        )
        assert "同じ審議会の答申を選んでください。" in page_text(response)
        assert not Report.objects.exists()
