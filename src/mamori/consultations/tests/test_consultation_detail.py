"""A consultation's page: who may see it, and what it shows to whom."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from mamori import testing
from mamori.accounts.models import Role
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, Decision, FollowUp, Response
from mamori.consultations.tests.helpers import page_text, sends_to_sign_in, signed_in, url_of
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db


class TestWhoMaySeeAConsultation:
    @pytest.mark.parametrize("role", ["secretariat", "staff", "member", "chair"])
    def test_the_secretariat_its_department_and_members_of_its_meetings_may(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).get(
            url_of("consultation_detail", consultation)
        )
        assert response.status_code == 200

    @pytest.mark.parametrize("role", ["other_staff", "outsider_member", "contractor", "auditor"])
    def test_others_are_refused(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).get(
            url_of("consultation_detail", consultation)
        )
        assert response.status_code == 403

    def test_a_member_may_not_see_it_before_it_is_on_an_agenda(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        response = signed_in(client, personas, "member").get(
            url_of("consultation_detail", consultation)
        )
        assert response.status_code == 403

    def test_a_member_may_not_see_it_when_the_meeting_was_outside_their_term(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        newcomer = testing.make_user(Role.COUNCIL_MEMBER)
        testing.make_membership(personas.council, member=newcomer, term_start=dt.date(2010, 4, 1))
        testing.put_on_agenda(testing.make_meeting(personas.council), consultation)
        client.force_login(newcomer)
        assert client.get(url_of("consultation_detail", consultation)).status_code == 403

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, consultation: Consultation
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("consultation_detail", consultation)))

    @pytest.mark.parametrize("key", ["2009-99", "2009-x", "nonsense"])
    def test_a_consultation_that_does_not_exist_is_not_found(
        self, client: Client, personas: Personas, consultation: Consultation, key: str
    ) -> None:
        client.force_login(personas.secretariat)
        response = client.get(url_of("consultation_detail", council=personas.council.slug, key=key))
        assert response.status_code == 404


class TestWhatThePageShows:
    def test_it_shows_the_particulars_and_the_meeting(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        text = page_text(
            signed_in(client, personas, "secretariat").get(
                url_of("consultation_detail", consultation)
            )
        )
        for expected in [
            "平成21年度 諮問第4号「障害者就労支援事業業務委託」",
            "健康福祉部障害支援課",
            "平成21年度第3回個人情報保護運営審議会",
            "平成21年8月6日",
        ]:
            assert expected in text

    def test_it_shows_opinions_in_order_with_their_responses(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        second = testing.make_opinion(consultation, order=2, text="二番目の意見")
        first = testing.make_opinion(consultation, order=1, text="一番目の意見")
        Response.objects.create(opinion=first, department=personas.shogai, text="紙で持ち出す。")
        Response.objects.create(
            opinion=second,
            department=personas.secretariat_dept,
            text="了解した。",
            show_department=True,
        )
        text = page_text(
            signed_in(client, personas, "member").get(url_of("consultation_detail", consultation))
        )
        assert (
            text.index("一番目の意見") < text.index("紙で持ち出す。") < text.index("二番目の意見")
        )
        assert "了解した。（情報公開係）" in text

    def test_it_shows_decisions_in_the_japanese_era_with_a_tie_decided_by_the_chair(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        Decision.objects.create(
            consultation=consultation,
            meeting=meeting,
            decided_on=dt.date(2009, 8, 6),
            result=Decision.Result.APPROVED,
            attached_opinions="持ち出しは紙に限ること。",
            votes_for=2,
            votes_against=2,
            decided_by_chair=True,
        )
        text = page_text(
            signed_in(client, personas, "staff").get(url_of("consultation_detail", consultation))
        )
        assert (
            "諮問第4号「障害者就労支援事業業務委託」について、諮問どおり行うことを「可」とする。"
            in text
        )
        assert "平成21年8月6日" in text
        assert "持ち出しは紙に限ること。" in text
        assert "可否同数のため会長が決定" in text

    def test_it_shows_follow_ups_with_owner_due_date_and_status(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        FollowUp.objects.create(
            consultation=consultation,
            commitment="仕様書に明記する。",
            owner=personas.shogai,
            due_on=dt.date(2009, 10, 1),
        )
        text = page_text(
            signed_in(client, personas, "staff").get(url_of("consultation_detail", consultation))
        )
        assert "仕様書に明記する。" in text
        assert "平成21年10月1日" in text
        assert "未了" in text


class TestTheButtons:
    def get(self, client: Client, personas: Personas, role: str, consultation: Consultation) -> str:
        return page_text(
            signed_in(client, personas, role).get(url_of("consultation_detail", consultation))
        )

    def test_staff_of_the_department_may_edit_and_submit_a_draft(
        self, client: Client, personas: Personas
    ) -> None:
        draft = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.DRAFT
        )
        text = self.get(client, personas, "staff", draft)
        assert url_of("consultation_edit", draft) in text
        assert url_of("consultation_submit", draft) in text
        assert url_of("decision_create", draft) not in text
        assert url_of("opinion_create", draft) not in text

    def test_an_answered_consultation_may_no_longer_be_edited(
        self, client: Client, personas: Personas
    ) -> None:
        answered = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.ANSWERED
        )
        assert url_of("consultation_edit", answered) not in self.get(
            client, personas, "staff", answered
        )

    def test_a_member_may_add_an_opinion_and_edit_only_their_own(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        own = testing.make_opinion(consultation, member=personas.member)
        others = testing.make_opinion(consultation, member=personas.chair)
        text = self.get(client, personas, "member", consultation)
        assert url_of("opinion_create", consultation) in text
        assert url_of("opinion_edit", pk=own.pk) in text
        assert url_of("opinion_edit", pk=others.pk) not in text
        assert url_of("response_edit", pk=own.pk) not in text
        assert url_of("consultation_edit", consultation) not in text

    def test_the_secretariat_may_decide_add_follow_ups_respond_and_edit_any_opinion(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        opinion = testing.make_opinion(consultation, member=personas.member)
        text = self.get(client, personas, "secretariat", consultation)
        for name in ["decision_create", "followup_create", "opinion_create"]:
            assert url_of(name, consultation) in text
        assert url_of("opinion_edit", pk=opinion.pk) in text
        assert url_of("response_edit", pk=opinion.pk) in text

    def test_staff_may_respond_but_not_decide(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        opinion = testing.make_opinion(consultation, member=personas.member)
        text = self.get(client, personas, "staff", consultation)
        assert url_of("response_edit", pk=opinion.pk) in text
        assert url_of("decision_create", consultation) not in text
        assert url_of("followup_create", consultation) not in text
