"""Changing and submitting a consultation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, ConsultationKind, HandlingRecordVersion
from mamori.consultations.tests.helpers import (
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db


def form_data(personas: Personas, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "fiscal_year": "平成21年度",
        "number": "4",
        "title": "障害者就労支援事業業務委託（修正）",
        "department": personas.shogai.pk,
        "summary": "",
    }
    data.update(overrides)
    return data


class TestWhoMayEditAConsultation:
    @pytest.mark.parametrize("role", ["secretariat", "staff"])
    def test_the_secretariat_and_staff_of_its_department_may(
        self, client: Client, personas: Personas, consultation: Consultation, role: str
    ) -> None:
        response = signed_in(client, personas, role).get(url_of("consultation_edit", consultation))
        assert response.status_code == 200

    @pytest.mark.parametrize("role", ["other_staff", "member", "contractor", "auditor"])
    def test_others_are_refused(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).get(url_of("consultation_edit", consultation))
        assert response.status_code == 403

    def test_staff_of_another_department_may_not_post_a_change(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        response = signed_in(client, personas, "other_staff").post(
            url_of("consultation_edit", consultation), form_data(personas)
        )
        assert response.status_code == 403
        consultation.refresh_from_db()
        assert consultation.title == "障害者就労支援事業業務委託"

    def test_an_answered_consultation_may_not_be_edited(
        self, client: Client, personas: Personas
    ) -> None:
        answered = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.ANSWERED
        )
        response = signed_in(client, personas, "staff").get(url_of("consultation_edit", answered))
        assert response.status_code == 403

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, consultation: Consultation
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("consultation_edit", consultation)))


class TestEditing:
    def test_the_form_shows_the_current_values(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        text = page_text(
            signed_in(client, personas, "staff").get(url_of("consultation_edit", consultation))
        )
        assert 'value="平成21年度"' in text
        assert 'value="障害者就労支援事業業務委託"' in text

    def test_a_retired_kind_stays_offered_to_a_consultation_that_has_it(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        retired = ConsultationKind.objects.create(code="old", name="旧種別", active=False)
        consultation.kinds.add(retired)
        text = page_text(
            signed_in(client, personas, "staff").get(url_of("consultation_edit", consultation))
        )
        assert re.search(rf'value="{retired.pk}"[^>]*checked', text)
        create_page = page_text(client.get(url_of("consultation_create")))
        assert "旧種別" not in create_page

    def test_a_change_is_saved_and_audited(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_edit", consultation), form_data(personas)
        )
        assert response.status_code == 302
        consultation.refresh_from_db()
        assert consultation.title == "障害者就労支援事業業務委託（修正）"
        assert audited("consultations.update_consultation") == 1

    def test_keeping_its_own_number_is_not_a_clash(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_edit", consultation), form_data(personas, number="4")
        )
        assert response.status_code == 302

    def test_taking_another_consultations_number_is_refused(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        testing.make_consultation(personas.council, personas.kodomo, fiscal_year=2009, number=5)
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_edit", consultation), form_data(personas, number="5")
        )
        assert response.status_code == 200
        assert "諮問第5号は平成21年度で既に使われています" in page_text(response)
        consultation.refresh_from_db()
        assert consultation.number == 4
        assert audited("consultations.update_consultation") == 0


class TestSubmitting:
    @pytest.fixture
    def draft(self, personas: Personas) -> Consultation:
        """A draft consultation whose draft record is complete."""
        draft = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.DRAFT
        )
        testing.make_version(draft, data=testing.record_data(), by=personas.staff)
        return draft

    def test_staff_submit_a_draft_today_and_it_is_audited(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_submit", draft), follow=True
        )
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.SUBMITTED
        assert draft.submitted_on == timezone.localdate()
        # The record version freezes and the consultation changes state: two events.
        assert audited("consultations.submit_consultation") == 2
        assert "審議会に提出しました" in page_text(response)

    def test_submitting_freezes_the_draft_record(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        signed_in(client, personas, "staff").post(url_of("consultation_submit", draft))
        version = HandlingRecordVersion.objects.get(consultation=draft)
        assert version.is_submitted
        assert version.submitted_by == personas.staff

    def test_an_incomplete_record_is_refused_and_nothing_changes(
        self, client: Client, personas: Personas
    ) -> None:
        draft = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.DRAFT
        )
        testing.make_version(draft, data=testing.record_data(items=[], retention={}))
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_submit", draft), follow=True
        )
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.DRAFT
        assert not HandlingRecordVersion.objects.get(consultation=draft).is_submitted
        assert audited("consultations.submit_consultation") == 0
        message = gettext("The handling record is not complete: fill in the items listed below.")
        assert escape(message) in page_text(response)

    def test_a_consultation_without_a_record_is_refused(
        self, client: Client, personas: Personas
    ) -> None:
        draft = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.DRAFT
        )
        signed_in(client, personas, "staff").post(url_of("consultation_submit", draft))
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.DRAFT
        assert audited("consultations.submit_consultation") == 0

    def test_submitting_takes_a_post(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").get(url_of("consultation_submit", draft))
        assert response.status_code == 405

    @pytest.mark.parametrize("role", ["other_staff", "member", "contractor", "auditor"])
    def test_others_may_not_submit(
        self, client: Client, personas: Personas, draft: Consultation, role: str
    ) -> None:
        response = signed_in(client, personas, role).post(url_of("consultation_submit", draft))
        assert response.status_code == 403
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.DRAFT

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, draft: Consultation
    ) -> None:
        assert sends_to_sign_in(client.post(url_of("consultation_submit", draft)))

    def test_a_submitted_consultation_is_not_submitted_again(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_submit", consultation), follow=True
        )
        refusal = gettext("%(label)s is “%(status)s”: this cannot be done now.") % {
            "label": consultation.label,
            "status": consultation.get_status_display(),
        }
        assert escape(refusal) in page_text(response)
        assert audited("consultations.submit_consultation") == 0
