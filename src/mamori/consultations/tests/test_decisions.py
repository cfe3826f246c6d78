"""Recording the council's answer (答申), with the vote and the chair's casting decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from django.utils.translation import gettext

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, Decision
from mamori.consultations.tests.helpers import (
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(personas: Personas) -> Consultation:
    """諮問第4号, accepted onto the agenda of the meeting that answers it."""
    return testing.make_consultation(
        personas.council,
        personas.shogai,
        fiscal_year=2009,
        number=4,
        status=Consultation.Status.ON_AGENDA,
    )


def form_data(at: Meeting, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "meeting": at.pk,
        "decided_on": "",
        "result": "approved",
        "attached_opinions": "",
        "votes_for": "",
        "votes_against": "",
    }
    data.update(overrides)
    return data


class TestWhoMayRecordADecision:
    def test_the_secretariat_may(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "secretariat").get(
            url_of("decision_create", consultation)
        )
        assert response.status_code == 200
        assert 'value="平成21年8月6日"' in page_text(response)

    @pytest.mark.parametrize(
        "role", ["staff", "other_staff", "member", "chair", "contractor", "auditor"]
    )
    def test_others_are_refused_even_the_consultations_department(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).post(
            url_of("decision_create", consultation), form_data(meeting)
        )
        assert response.status_code == 403
        assert not Decision.objects.exists()

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, consultation: Consultation
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("decision_create", consultation)))


class TestRecordingADecision:
    def test_it_answers_the_consultation_on_the_meetings_date_and_is_audited(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation), form_data(meeting), follow=True
        )
        decision = Decision.objects.get()
        assert (decision.meeting, decision.decided_on) == (meeting, dt.date(2009, 8, 6))
        consultation.refresh_from_db()
        assert consultation.status == Consultation.Status.ANSWERED
        assert audited("consultations.record_decision") == 2
        assert "諮問どおり行うことを「可」とする。" in page_text(response)

    def test_a_date_in_the_japanese_era_is_read(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation), form_data(meeting, decided_on="H21.8.7")
        )
        assert Decision.objects.get().decided_on == dt.date(2009, 8, 7)

    def test_a_day_that_never_was_is_refused_with_the_reason(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation),
            form_data(meeting, decided_on="平成21年2月30日"),
        )
        assert "平成21年2月30日という日はありません。" in page_text(response)
        assert not Decision.objects.exists()

    def test_a_tie_may_be_decided_by_the_chair(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation),
            form_data(meeting, votes_for="2", votes_against="2", decided_by_chair="on"),
        )
        assert Decision.objects.get().decided_by_chair

    def test_the_chair_may_not_decide_when_the_votes_are_unequal(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation),
            form_data(
                meeting,
                votes_for="3",
                votes_against="2",
                decided_by_chair="on",
                attached_opinions="入力した付帯意見",
            ),
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "会長の決定は可否同数の場合に限ります" in text
        assert "入力した付帯意見" in text
        assert not Decision.objects.exists()
        consultation.refresh_from_db()
        assert consultation.status == Consultation.Status.ON_AGENDA

    def test_the_chair_may_not_decide_without_a_vote(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation), form_data(meeting, decided_by_chair="on")
        )
        assert "会長の決定は可否同数の場合に限ります" in page_text(response)
        assert not Decision.objects.exists()

    def test_votes_are_given_both_ways_or_not_at_all(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation), form_data(meeting, votes_for="3")
        )
        assert "賛成と反対の票数は両方入力するか" in page_text(response)
        assert not Decision.objects.exists()

    def test_without_a_meeting_the_date_must_be_given(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation), form_data(meeting, meeting="")
        )
        assert "答申の日付を入力するか" in page_text(response)
        assert not Decision.objects.exists()

    def test_continued_deliberation_leaves_the_consultation_open(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation), form_data(meeting, result="continued")
        )
        consultation.refresh_from_db()
        assert consultation.status == Consultation.Status.CONTINUED
        assert consultation.answered_version is None

    def test_the_decision_points_to_the_version_deliberated(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        testing.make_version(consultation, submitted=True)
        deliberated = testing.make_version(consultation, submitted=True)
        signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation), form_data(meeting)
        )
        assert Decision.objects.get().answered_version == deliberated
        consultation.refresh_from_db()
        assert consultation.answered_version == deliberated

    def test_a_consultation_under_deliberation_may_be_answered(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        Consultation.objects.filter(pk=consultation.pk).update(
            status=Consultation.Status.DELIBERATING
        )
        signed_in(client, personas, "secretariat").post(
            url_of("decision_create", consultation), form_data(meeting)
        )
        consultation.refresh_from_db()
        assert consultation.status == Consultation.Status.ANSWERED

    def test_a_draft_cannot_be_answered(self, client: Client, personas: Personas) -> None:
        draft = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.DRAFT
        )
        response = signed_in(client, personas, "secretariat").get(
            url_of("decision_create", draft), follow=True
        )
        refusal = gettext("Only a consultation on a meeting's agenda can be answered.")
        assert escape(refusal) in page_text(response)

    def test_a_submitted_consultation_not_yet_accepted_cannot_be_answered(
        self, client: Client, personas: Personas, meeting: Meeting
    ) -> None:
        submitted = testing.make_consultation(personas.council, personas.shogai)
        assert submitted.status == Consultation.Status.SUBMITTED
        signed_in(client, personas, "secretariat").post(
            url_of("decision_create", submitted), form_data(meeting)
        )
        assert not Decision.objects.exists()
        submitted.refresh_from_db()
        assert submitted.status == Consultation.Status.SUBMITTED
