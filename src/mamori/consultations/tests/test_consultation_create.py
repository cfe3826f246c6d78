"""Opening a consultation: who may, the number, the department and the fiscal year."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, ConsultationKind
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
        "fiscal_year": "平成21年度",
        "number": "",
        "title": "障害者就労支援事業業務委託",
        "department": personas.shogai.pk,
        "summary": "就労支援コーディネーター業務を委託する。",
    }
    data.update(overrides)
    return data


class TestWhoMayOpenAConsultation:
    @pytest.mark.parametrize("role", ["secretariat", "staff", "other_staff"])
    def test_the_secretariat_and_department_staff_may(
        self, client: Client, personas: Personas, role: str
    ) -> None:
        response = signed_in(client, personas, role).get(url_of("consultation_create"))
        assert response.status_code == 200

    @pytest.mark.parametrize("role", ["member", "contractor", "auditor"])
    def test_members_contractors_and_auditors_are_refused(
        self, client: Client, personas: Personas, role: str
    ) -> None:
        response = signed_in(client, personas, role).get(url_of("consultation_create"))
        assert response.status_code == 403

    def test_a_signed_out_visitor_is_sent_to_sign_in(self, client: Client) -> None:
        assert sends_to_sign_in(client.get(url_of("consultation_create")))


class TestOpeningAConsultation:
    def test_staff_open_a_draft_with_the_next_free_number(
        self, client: Client, personas: Personas, outsourcing: ConsultationKind
    ) -> None:
        testing.make_consultation(
            personas.council, personas.shogai, fiscal_year=2009, number=3, title="第3号の件名"
        )
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_create"), form_data(personas, kinds=[outsourcing.pk]), follow=True
        )
        consultation = Consultation.objects.get(title="障害者就労支援事業業務委託")
        assert (consultation.fiscal_year, consultation.number) == (2009, 4)
        assert consultation.status == Consultation.Status.DRAFT
        assert list(consultation.kinds.all()) == [outsourcing]
        assert response.redirect_chain[-1][0] == url_of("consultation_detail", consultation)
        assert "諮問第4号「障害者就労支援事業業務委託」を下書きとして作成しました。" in page_text(
            response
        )

    def test_opening_a_consultation_is_audited(self, client: Client, personas: Personas) -> None:
        signed_in(client, personas, "staff").post(
            url_of("consultation_create"), form_data(personas)
        )
        assert audited("consultations.create_consultation") == 1

    def test_the_number_may_be_given(self, client: Client, personas: Personas) -> None:
        signed_in(client, personas, "staff").post(
            url_of("consultation_create"), form_data(personas, number="4")
        )
        assert Consultation.objects.get().number == 4

    def test_the_fiscal_year_may_be_typed_in_the_western_calendar(
        self, client: Client, personas: Personas
    ) -> None:
        signed_in(client, personas, "staff").post(
            url_of("consultation_create"), form_data(personas, fiscal_year="2019")
        )
        assert Consultation.objects.get().fiscal_year == 2019

    def test_a_fiscal_year_that_never_was_gets_a_japanese_error(
        self, client: Client, personas: Personas
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_create"), form_data(personas, fiscal_year="平成32年度")
        )
        assert response.status_code == 200
        assert "平成32年" in page_text(response)
        assert "存在しません" in page_text(response) or "ありません" in page_text(response)
        assert not Consultation.objects.exists()

    def test_the_secretariat_may_open_one_for_any_department(
        self, client: Client, personas: Personas
    ) -> None:
        signed_in(client, personas, "secretariat").post(
            url_of("consultation_create"), form_data(personas, department=personas.kodomo.pk)
        )
        assert Consultation.objects.get().department == personas.kodomo

    def test_staff_may_not_open_one_for_another_department(
        self, client: Client, personas: Personas
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_create"), form_data(personas, department=personas.kodomo.pk)
        )
        assert response.status_code == 200
        assert "正しく選択してください" in page_text(response)
        assert not Consultation.objects.exists()

    def test_staff_may_open_one_for_a_unit_under_their_department(
        self, client: Client, personas: Personas
    ) -> None:
        unit = testing.make_department("就労支援係", parent=personas.shogai)
        signed_in(client, personas, "staff").post(
            url_of("consultation_create"), form_data(personas, department=unit.pk)
        )
        assert Consultation.objects.get().department == unit


class TestATakenNumber:
    def test_a_number_taken_twice_is_refused_with_a_japanese_error_and_nothing_is_created(
        self, client: Client, personas: Personas
    ) -> None:
        testing.make_consultation(personas.council, personas.shogai, fiscal_year=2009, number=4)
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_create"),
            form_data(personas, number="4", title="入力した件名は消えない"),
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "諮問第4号は平成21年度で既に使われています" in text
        assert "諮問第5号" in text
        assert 'class="form-errors"' in text
        assert "入力した件名は消えない" in text
        assert Consultation.objects.count() == 1
        assert audited("consultations.create_consultation") == 0

    def test_the_same_number_in_another_fiscal_year_is_free(
        self, client: Client, personas: Personas
    ) -> None:
        testing.make_consultation(personas.council, personas.shogai, fiscal_year=2008, number=4)
        signed_in(client, personas, "staff").post(
            url_of("consultation_create"), form_data(personas, number="4")
        )
        assert Consultation.objects.filter(fiscal_year=2009, number=4).exists()

    def test_a_missing_title_is_reported_at_the_top_and_at_the_field(
        self, client: Client, personas: Personas
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_create"), form_data(personas, title="")
        )
        assert page_text(response).count("このフィールドは必須です。") == 2
        assert not Consultation.objects.exists()
