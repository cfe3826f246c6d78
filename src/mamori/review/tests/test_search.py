"""Precedent search over both databases: Japanese queries, syntax as text, ranking, highlights,
permission filtering and the index following every write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, Decision, FollowUp, Response
from mamori.council.models import Minutes
from mamori.council.services import publish_minutes
from mamori.review.search import Hit, search
from mamori.review.search_index import rebuild_index

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


def kinds(hits: list[Hit]) -> list[tuple[str, int | None]]:
    return [(hit.kind, hit.consultation_id) for hit in hits]


@pytest.fixture
def archive(personas: Personas, django_capture_on_commit_callbacks: Capture) -> dict[str, Any]:
    """Two consultations of 障害支援課 (one on the member's meeting), one of 子ども総務課."""
    with django_capture_on_commit_callbacks(execute=True):
        meeting = testing.make_meeting(personas.council)
        seen = testing.make_consultation(
            personas.council,
            personas.shogai,
            title="子育て応援特別手当支給事務の委託",
            summary="再委託先はISMS認証を取得している。ＰＣ修理は市が立ち会う。",
        )
        testing.put_on_agenda(meeting, seen)
        testing.make_version(seen, submitted=True)
        testing.make_opinion(seen, meeting=meeting, text="<script>alert(1)</script>返還の方法は")
        unseen = testing.make_consultation(
            personas.council, personas.shogai, title="障害者就労支援", summary="再委託はしない"
        )
        other = testing.make_consultation(
            personas.council, personas.kodomo, title="保育所入所事務", summary="再委託の予定なし"
        )
    return {"meeting": meeting, "seen": seen, "unseen": unseen, "other": other}


class TestJapaneseQueries:
    @pytest.mark.parametrize("query", ["委", "委託", "再委託", "子育て応援特別手当"])
    def test_it_finds_queries_of_one_two_three_and_more_characters(
        self, personas: Personas, archive: dict[str, Any], query: str
    ) -> None:
        hits = search(personas.secretariat, query)
        assert ("consultation", archive["seen"].pk) in kinds(hits)

    @pytest.mark.parametrize("query", ["託", "委託", "ム委託"])
    def test_it_finds_a_short_term_at_the_very_end_of_a_text(
        self, personas: Personas, django_capture_on_commit_callbacks: Capture, query: str
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            consultation = testing.make_consultation(
                personas.council, personas.shogai, title="システム委託", summary=""
            )
        assert kinds(search(personas.secretariat, query)) == [("consultation", consultation.pk)]

    def test_it_matches_common_short_terms_with_like(
        self, personas: Personas, archive: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("mamori.review.search.MAX_BEGUN", 0)
        hits = search(personas.secretariat, "委託 支給")
        assert ("consultation", archive["seen"].pk) in kinds(hits)
        assert search(personas.secretariat, "該無") == []

    @pytest.mark.parametrize("query", ["再委託 支給", "支給 再委託", "委託 支給", "委 子育て 認証"])
    def test_it_combines_long_and_short_terms(
        self, personas: Personas, archive: dict[str, Any], query: str
    ) -> None:
        assert kinds(search(personas.secretariat, query)) == [("consultation", archive["seen"].pk)]

    def test_it_needs_every_term_of_a_query(
        self, personas: Personas, archive: dict[str, Any]
    ) -> None:
        hits = search(personas.secretariat, "再委託 保育所")
        assert kinds(hits) == [("consultation", archive["other"].pk)]

    @pytest.mark.parametrize(
        "query", ["ISMS認証", "ＩＳＭＳ認証", "isms認証", "ＰＣ修理", "PC修理"]
    )
    def test_it_matches_mixed_scripts_and_full_or_half_width(
        self, personas: Personas, archive: dict[str, Any], query: str
    ) -> None:
        assert ("consultation", archive["seen"].pk) in kinds(search(personas.secretariat, query))

    @pytest.mark.parametrize(
        "query",
        ['"委託', "委託*", "(委託)", "NEAR", "委託 OR 返還", "AND", "-委託", "title:委託", "'"],
    )
    def test_it_treats_search_syntax_as_text(
        self, personas: Personas, archive: dict[str, Any], query: str
    ) -> None:
        assert isinstance(search(personas.secretariat, query), list)

    def test_it_finds_syntax_characters_written_in_the_text(
        self, personas: Personas, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            consultation = testing.make_consultation(
                personas.council, personas.shogai, summary="契約書（委託）第3条"
            )
        hits = search(personas.secretariat, "(委託)")
        assert kinds(hits) == [("consultation", consultation.pk)]

    def test_it_finds_nothing_for_an_empty_query(self, personas: Personas) -> None:
        assert search(personas.secretariat, "  \x00 ") == []


class TestRankingAndHighlights:
    def test_it_ranks_a_title_hit_before_a_body_hit(
        self, personas: Personas, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            in_body = testing.make_consultation(
                personas.council, personas.shogai, title="窓口業務", summary="再委託先の管理"
            )
            testing.make_opinion(in_body, text="再委託先の管理を再委託先に任せるのか。再委託")
            in_title = testing.make_consultation(
                personas.council, personas.shogai, title="再委託先の管理", summary=""
            )
        for query in ("再委託先", "委託"):
            hits = search(personas.secretariat, query)
            assert kinds(hits)[0] == ("consultation", in_title.pk), query

    def test_it_escapes_the_text_and_marks_the_hit(
        self, personas: Personas, archive: dict[str, Any]
    ) -> None:
        [hit] = search(personas.secretariat, "返還の方法")
        assert hit.kind == "opinion"
        assert "<script>" not in hit.snippet
        assert "&lt;script&gt;" in hit.snippet
        assert "<mark>返還の方法</mark>" in hit.snippet


class TestPermissions:
    def test_staff_do_not_find_another_departments_consultation(
        self, personas: Personas, archive: dict[str, Any]
    ) -> None:
        found = {hit.consultation_id for hit in search(personas.other_staff, "再委託")}
        assert found == {archive["other"].pk}
        found = {hit.consultation_id for hit in search(personas.staff, "再委託")}
        assert found == {archive["seen"].pk, archive["unseen"].pk}

    def test_a_member_finds_only_the_consultations_of_their_meetings(
        self, personas: Personas, archive: dict[str, Any]
    ) -> None:
        found = {hit.consultation_id for hit in search(personas.member, "再委託")}
        assert found == {archive["seen"].pk}
        assert search(personas.outsider_member, "再委託") == []

    def test_a_draft_is_never_found_by_a_member(
        self,
        personas: Personas,
        archive: dict[str, Any],
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            testing.make_version(
                archive["seen"],
                data=testing.record_data(purpose={"purpose": {"value": "下書き専用語句"}}),
            )
        assert search(personas.member, "下書き専用語句") == []
        assert search(personas.secretariat, "下書き専用語句") == []

    def test_a_submitted_record_is_found_by_the_member(
        self, personas: Personas, archive: dict[str, Any]
    ) -> None:
        hits = search(personas.member, "就労支援事業の利用登録者")
        assert kinds(hits) == [("record", archive["seen"].pk)]

    def test_unpublished_minutes_are_found_by_the_secretariat_only(
        self,
        personas: Personas,
        archive: dict[str, Any],
        django_capture_on_commit_callbacks: Capture,
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            minutes = Minutes.objects.create(meeting=archive["meeting"])
        for user in (personas.member, personas.staff, personas.auditor, None):
            assert "minutes" not in {h.kind for h in search(user, "市役所3階庁議室")}
        assert {h.kind for h in search(personas.secretariat, "市役所3階庁議室")} == {"minutes"}
        with django_capture_on_commit_callbacks(execute=True):
            publish_minutes(actor=personas.secretariat, minutes=minutes)
        for user in (personas.member, personas.other_staff, None):
            assert {h.kind for h in search(user, "市役所3階庁議室")} == {"minutes"}

    def test_the_public_finds_published_minutes_only(
        self, personas: Personas, archive: dict[str, Any]
    ) -> None:
        assert search(None, "再委託") == []
        assert search(personas.contractor, "再委託") == []


class TestSync:
    def test_it_follows_creation_update_and_deletion(
        self, personas: Personas, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            consultation = testing.make_consultation(
                personas.council, personas.shogai, title="図書館システム更新"
            )
            opinion = testing.make_opinion(consultation, text="媒体の持込みを禁止するのか")
        assert kinds(search(personas.secretariat, "持込み")) == [("opinion", consultation.pk)]
        with django_capture_on_commit_callbacks(execute=True):
            opinion.text = "媒体の取扱いを定めるのか"
            opinion.save()
            Response.objects.create(
                opinion=opinion, department=personas.shogai, text="手順書で定める"
            )
            decision = Decision.objects.create(
                consultation=consultation,
                decided_on=dt.date(2009, 8, 6),
                result=Decision.Result.APPROVED,
                attached_opinions="定期的に報告すること",
            )
            FollowUp.objects.create(
                consultation=consultation,
                decision=decision,
                owner=personas.shogai,
                commitment="年次報告書の提出",
            )
        assert search(personas.secretariat, "持込み") == []
        assert kinds(search(personas.secretariat, "取扱い")) == [("opinion", consultation.pk)]
        assert kinds(search(personas.secretariat, "手順書")) == [("response", consultation.pk)]
        assert kinds(search(personas.secretariat, "定期的に報告")) == [
            ("decision", consultation.pk)
        ]
        assert kinds(search(personas.staff, "年次報告書")) == [("follow_up", consultation.pk)]
        assert search(personas.member, "年次報告書") == []
        with django_capture_on_commit_callbacks(execute=True):
            opinion.delete()
        assert search(personas.secretariat, "取扱い") == []
        assert search(personas.secretariat, "手順書") == []

    def test_a_rolled_back_write_is_not_indexed(
        self, personas: Personas, django_capture_on_commit_callbacks: Capture
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    testing.make_consultation(
                        personas.council, personas.shogai, title="取消された諮問"
                    )
                    raise RuntimeError
            except RuntimeError:
                pass
        assert search(personas.secretariat, "取消された") == []

    def test_a_rebuild_finds_what_bulk_writes_skipped(self, personas: Personas) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        Consultation.objects.filter(pk=consultation.pk).update(summary="一括更新の要旨")
        assert search(personas.secretariat, "一括更新") == []
        assert rebuild_index() >= 1
        assert kinds(search(personas.secretariat, "一括更新")) == [
            ("consultation", consultation.pk)
        ]


class TestSearchPage:
    def test_it_shows_ranked_highlighted_results(
        self, client: Client, personas: Personas, archive: dict[str, Any]
    ) -> None:
        client.force_login(personas.secretariat)
        response = client.get(reverse("review_search:search"), {"q": "返還"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "<mark>返還</mark>" in body
        assert "<script>alert" not in body

    def test_it_renders_only_the_results_for_htmx(
        self, client: Client, personas: Personas, archive: dict[str, Any]
    ) -> None:
        client.force_login(personas.staff)
        response = client.get(
            reverse("review_search:search"), {"q": "委託"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert "<form" not in response.content.decode()
        assert "<mark>委託</mark>" in response.content.decode()

    def test_other_department_staff_see_nothing_of_it(
        self, client: Client, personas: Personas, archive: dict[str, Any]
    ) -> None:
        client.force_login(personas.other_staff)
        response = client.get(reverse("review_search:search"), {"q": "子育て応援"})
        assert response.status_code == 200
        assert "<mark>" not in response.content.decode()
        assert archive["seen"].key not in response.content.decode()

    def test_signed_out_it_searches_published_minutes_only(
        self, client: Client, archive: dict[str, Any]
    ) -> None:
        response = client.get(reverse("review_search:search"), {"q": "再委託"})
        assert response.status_code == 200
        assert "<mark>" not in response.content.decode()

    def test_syntax_characters_never_fail(self, client: Client, personas: Personas) -> None:
        client.force_login(personas.secretariat)
        for query in ['"', "*", "(", "NEAR(", "a\x00b", "%_\\"]:
            assert client.get(reverse("review_search:search"), {"q": query}).status_code == 200
