"""Members' opinions: posting them, recording them for a member, and changing them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, Opinion
from mamori.consultations.tests.helpers import (
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db

TEXT = "持ち出しを紙ベースに限るのであればその旨を仕様書等に明記してはどうか。"


class TestWhoMayAddAnOpinion:
    @pytest.mark.parametrize("role", ["secretariat", "member", "chair"])
    def test_the_secretariat_and_members_of_its_meetings_may(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).get(url_of("opinion_create", consultation))
        assert response.status_code == 200

    @pytest.mark.parametrize(
        "role", ["staff", "other_staff", "outsider_member", "contractor", "auditor"]
    )
    def test_others_are_refused(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).get(url_of("opinion_create", consultation))
        assert response.status_code == 403

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, consultation: Consultation
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("opinion_create", consultation)))


class TestAMemberPostsAnOpinion:
    def test_it_is_theirs_on_the_latest_meeting_with_the_consultation_and_audited(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        later = testing.make_meeting(personas.council, date=dt.date(2009, 10, 1))
        testing.put_on_agenda(later, consultation)
        response = signed_in(client, personas, "member").post(
            url_of("opinion_create", consultation), {"kind": "request", "text": TEXT}
        )
        opinion = Opinion.objects.get()
        assert response.status_code == 302
        assert (opinion.member, opinion.meeting, opinion.kind) == (
            personas.member,
            later,
            "request",
        )
        assert opinion.order == 1
        assert audited("consultations.record_opinion") == 1

    def test_an_empty_opinion_is_refused_and_the_kind_is_kept(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "member").post(
            url_of("opinion_create", consultation), {"kind": "remark", "text": ""}
        )
        assert response.status_code == 200
        assert "このフィールドは必須です。" in page_text(response)
        assert re.search(r'value="remark"[^>]*checked', page_text(response))
        assert not Opinion.objects.exists()


class TestTheSecretariatRecordsAnOpinion:
    def test_it_chooses_the_member_and_the_meeting(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        signed_in(client, personas, "secretariat").post(
            url_of("opinion_create", consultation),
            {"member": personas.chair.pk, "meeting": meeting.pk, "kind": "question", "text": TEXT},
        )
        opinion = Opinion.objects.get()
        assert (opinion.member, opinion.meeting) == (personas.chair, meeting)

    def test_only_members_of_the_council_may_be_chosen(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "secretariat").post(
            url_of("opinion_create", consultation),
            {
                "member": personas.outsider_member.pk,
                "meeting": meeting.pk,
                "kind": "question",
                "text": TEXT,
            },
        )
        assert "正しく選択してください" in page_text(response)
        assert not Opinion.objects.exists()


class TestEditingAnOpinion:
    @pytest.fixture
    def opinion(self, consultation: Consultation, meeting: Meeting, personas: Personas) -> Opinion:
        return testing.make_opinion(consultation, member=personas.member, meeting=meeting)

    @pytest.mark.parametrize("role", ["member", "secretariat"])
    def test_its_member_and_the_secretariat_may(
        self, client: Client, personas: Personas, opinion: Opinion, role: str
    ) -> None:
        response = signed_in(client, personas, role).post(
            url_of("opinion_edit", pk=opinion.pk), {"kind": "remark", "text": "書き直した意見"}
        )
        assert response.status_code == 302
        opinion.refresh_from_db()
        assert (opinion.kind, opinion.text) == ("remark", "書き直した意見")
        assert audited("consultations.update_opinion") == 1

    @pytest.mark.parametrize(
        "role", ["chair", "staff", "other_staff", "outsider_member", "contractor", "auditor"]
    )
    def test_anyone_else_is_refused_even_another_member(
        self, client: Client, personas: Personas, opinion: Opinion, role: str
    ) -> None:
        response = signed_in(client, personas, role).post(
            url_of("opinion_edit", pk=opinion.pk), {"kind": "remark", "text": "書き換え"}
        )
        assert response.status_code == 403
        opinion.refresh_from_db()
        assert opinion.text != "書き換え"

    def test_a_missing_opinion_is_not_found(self, client: Client, personas: Personas) -> None:
        client.force_login(personas.member)
        assert client.get(url_of("opinion_edit", pk=999999)).status_code == 404

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, opinion: Opinion
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("opinion_edit", pk=opinion.pk)))
