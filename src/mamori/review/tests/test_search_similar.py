"""Similar past consultations, and the `mamori search` command."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, Decision, FollowUp
from mamori.review.search import similar_consultations

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def record_with(recipient: str, contractor: str) -> dict[str, Any]:
    return testing.record_data(
        recipients=[{"row_id": "r1", "name": recipient, "items": "氏名", "purpose": "就労支援"}],
        outsourcing={"outsourced": True, "contractor": {"value": contractor}},
    )


@pytest.fixture
def precedents(personas: Personas, django_capture_on_commit_callbacks: Capture) -> dict[str, Any]:
    with django_capture_on_commit_callbacks(execute=True):
        current = testing.make_consultation(
            personas.council, personas.shogai, title="障害者就労支援事業業務委託"
        )
        testing.make_version(
            current, submitted=True, data=record_with("ハローワーク東村山", "株式会社まもり")
        )
        alike = testing.make_consultation(
            personas.council, personas.shogai, fiscal_year=2008, title="障害者就労支援事業委託"
        )
        testing.make_version(
            alike, submitted=True, data=record_with("ハローワーク東村山", "株式会社まもり")
        )
        decision = Decision.objects.create(
            consultation=alike, decided_on=dt.date(2008, 8, 1), result=Decision.Result.APPROVED
        )
        FollowUp.objects.create(
            consultation=alike,
            decision=decision,
            owner=personas.shogai,
            commitment="実施状況の報告",
        )
        unlike = testing.make_consultation(
            personas.council, personas.shogai, fiscal_year=2007, title="図書館システム更新"
        )
        testing.make_version(
            unlike, submitted=True, data=record_with("国立国会図書館", "図書館サービス株式会社")
        )
        elsewhere = testing.make_consultation(
            personas.council, personas.kodomo, title="障害者就労支援事業業務委託（別課）"
        )
        testing.make_version(
            elsewhere, submitted=True, data=record_with("ハローワーク東村山", "株式会社まもり")
        )
    return {"current": current, "alike": alike, "unlike": unlike, "elsewhere": elsewhere}


class TestSimilarConsultations:
    def test_it_ranks_shared_recipients_contractor_and_title_first(
        self, personas: Personas, precedents: dict[str, Any]
    ) -> None:
        similar = similar_consultations(precedents["current"], personas.staff)
        assert similar[0].consultation == precedents["alike"]
        assert precedents["unlike"] not in [s.consultation for s in similar[:1]]
        assert len(similar[0].decisions) == 1
        assert [f.commitment for f in similar[0].follow_ups] == ["実施状況の報告"]
        assert len(similar[0].reasons) >= 2

    def test_it_offers_only_what_the_user_may_see(
        self, personas: Personas, precedents: dict[str, Any]
    ) -> None:
        for_staff = [
            s.consultation for s in similar_consultations(precedents["current"], personas.staff)
        ]
        assert precedents["elsewhere"] not in for_staff
        for_secretariat = [
            s.consultation
            for s in similar_consultations(precedents["current"], personas.secretariat)
        ]
        assert precedents["elsewhere"] in for_secretariat

    def test_a_member_gets_no_follow_ups(
        self,
        personas: Personas,
        precedents: dict[str, Any],
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        meeting = testing.make_meeting(personas.council)
        testing.put_on_agenda(meeting, precedents["current"])
        testing.put_on_agenda(meeting, precedents["alike"])
        similar = similar_consultations(precedents["current"], personas.member)
        assert [s.consultation for s in similar] == [precedents["alike"]]
        assert similar[0].follow_ups == []

    def test_the_include_template_renders_them(
        self, personas: Personas, precedents: dict[str, Any]
    ) -> None:
        similar = similar_consultations(precedents["current"], personas.secretariat)
        html = render_to_string("review/_similar.html", {"similar": similar})
        assert precedents["alike"].title in html
        assert "実施状況の報告" in html


class TestSearchCommand:
    def test_it_prints_json_as_the_secretariat(
        self, personas: Personas, precedents: dict[str, Any]
    ) -> None:
        out = StringIO()
        call_command("search", "就労支援", "--json", stdout=out)
        hits = json.loads(out.getvalue())
        assert {"kind", "context", "title", "snippet", "rank", "url"} <= set(hits[0])
        assert hits[0]["kind"] == "consultation"

    def test_it_prints_a_table_as_another_user(
        self, personas: Personas, precedents: dict[str, Any]
    ) -> None:
        out = StringIO()
        call_command("search", "就労支援", "--as", personas.other_staff.username, stdout=out)
        assert "(別課)" in out.getvalue()  # titles are stored NFKC-normalised
        assert Consultation.objects.get(pk=precedents["alike"].pk).label not in out.getvalue()

    def test_it_rebuilds_the_index(self, personas: Personas, precedents: dict[str, Any]) -> None:
        out, err = StringIO(), StringIO()
        call_command("search", "--reindex", stdout=out, stderr=err)
        out = StringIO()
        call_command("search", "図書館", stdout=out)
        assert "図書館システム更新" in out.getvalue()
