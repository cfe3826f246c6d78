"""Responses to opinions: by the consultation's department, or by the secretariat."""

from __future__ import annotations

import pytest
from django.test import Client

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, Opinion, Response
from mamori.consultations.tests.helpers import (
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db

ANSWER = "利用登録者台帳は紙ベースで保管し、電子データの持ち出しは想定していない。"


@pytest.fixture
def opinion(consultation: Consultation, meeting: Meeting, personas: Personas) -> Opinion:
    return testing.make_opinion(consultation, member=personas.member, meeting=meeting)


class TestWhoMayRespond:
    @pytest.mark.parametrize("role", ["secretariat", "staff"])
    def test_the_secretariat_and_staff_of_the_department_may(
        self, client: Client, personas: Personas, opinion: Opinion, role: str
    ) -> None:
        response = signed_in(client, personas, role).get(url_of("response_edit", pk=opinion.pk))
        assert response.status_code == 200

    @pytest.mark.parametrize(
        "role", ["other_staff", "member", "chair", "outsider_member", "contractor", "auditor"]
    )
    def test_others_are_refused(
        self, client: Client, personas: Personas, opinion: Opinion, role: str
    ) -> None:
        response = signed_in(client, personas, role).post(
            url_of("response_edit", pk=opinion.pk), {"text": ANSWER}
        )
        assert response.status_code == 403
        assert not Response.objects.exists()

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, opinion: Opinion
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("response_edit", pk=opinion.pk)))


class TestResponding:
    def test_staff_answer_for_their_department_and_it_is_audited(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("response_edit", pk=opinion.pk), {"text": ANSWER}
        )
        assert response.status_code == 302
        answer = Response.objects.get()
        assert (answer.opinion, answer.department, answer.text) == (
            opinion,
            personas.shogai,
            ANSWER,
        )
        assert not answer.show_department
        opinion.refresh_from_db()
        assert opinion.state == Opinion.State.ANSWERED
        # The response, and the opinion moving from open to answered.
        assert audited("consultations.record_response") == 2

    def test_a_second_answer_replaces_the_first(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        signed_in(client, personas, "staff")
        client.post(url_of("response_edit", pk=opinion.pk), {"text": "最初の回答"})
        page = page_text(client.get(url_of("response_edit", pk=opinion.pk)))
        assert "最初の回答" in page
        client.post(url_of("response_edit", pk=opinion.pk), {"text": ANSWER})
        assert list(Response.objects.values_list("text", flat=True)) == [ANSWER]

    def test_the_secretariat_answers_in_its_own_name_as_the_minutes_show(
        self, client: Client, personas: Personas, opinion: Opinion, consultation: Consultation
    ) -> None:
        signed_in(client, personas, "secretariat").post(
            url_of("response_edit", pk=opinion.pk),
            {"department": personas.secretariat_dept.pk, "text": "了解した。"},
        )
        answer = Response.objects.get()
        assert answer.department == personas.secretariat_dept
        assert answer.show_department
        page = page_text(client.get(url_of("consultation_detail", consultation)))
        assert "了解した。（情報公開係）" in page

    def test_the_secretariat_may_not_answer_for_an_unrelated_department(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        response = signed_in(client, personas, "secretariat").post(
            url_of("response_edit", pk=opinion.pk),
            {"department": personas.kodomo.pk, "text": "了解した。"},
        )
        assert "正しく選択してください" in page_text(response)
        assert not Response.objects.exists()

    def test_an_empty_answer_is_refused(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("response_edit", pk=opinion.pk), {"text": "  "}
        )
        assert "このフィールドは必須です。" in page_text(response)
        assert not Response.objects.exists()
