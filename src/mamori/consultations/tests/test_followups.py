"""Follow-ups: the commitments made to the council, who sees them, and closing them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, FollowUp
from mamori.consultations.tests.helpers import (
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)
from mamori.core import eras
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db

COMMITMENT = "持ち出しを紙ベースに限る旨を仕様書に明記する。"


def make_follow_up(consultation: Consultation, **overrides: Any) -> FollowUp:
    fields: dict[str, Any] = {
        "consultation": consultation,
        "commitment": COMMITMENT,
        "owner": consultation.department,
        "due_on": dt.date(2009, 10, 1),
    }
    fields.update(overrides)
    return FollowUp.objects.create(**fields)


@pytest.fixture
def follow_up(consultation: Consultation) -> FollowUp:
    return make_follow_up(consultation)


class TestTheListOfFollowUps:
    @pytest.mark.parametrize("role", ["secretariat", "staff", "other_staff"])
    def test_the_secretariat_and_staff_may_open_it(
        self, client: Client, personas: Personas, role: str
    ) -> None:
        assert signed_in(client, personas, role).get(url_of("followup_list")).status_code == 200

    @pytest.mark.parametrize("role", ["member", "contractor", "auditor"])
    def test_others_are_refused(self, client: Client, personas: Personas, role: str) -> None:
        assert signed_in(client, personas, role).get(url_of("followup_list")).status_code == 403

    def test_a_signed_out_visitor_is_sent_to_sign_in(self, client: Client) -> None:
        assert sends_to_sign_in(client.get(url_of("followup_list")))

    def test_staff_see_only_what_their_department_owns(
        self, client: Client, personas: Personas, follow_up: FollowUp, consultation: Consultation
    ) -> None:
        make_follow_up(
            consultation, commitment="適切な諮問の時期を検討する。", owner=personas.secretariat_dept
        )
        staff_page = page_text(signed_in(client, personas, "staff").get(url_of("followup_list")))
        assert COMMITMENT in staff_page
        assert "適切な諮問の時期を検討する。" not in staff_page
        client.force_login(personas.secretariat)
        secretariat_page = page_text(client.get(url_of("followup_list")))
        assert COMMITMENT in secretariat_page
        assert "適切な諮問の時期を検討する。" in secretariat_page

    def test_staff_of_another_department_do_not_see_it(
        self, client: Client, personas: Personas, follow_up: FollowUp
    ) -> None:
        page = page_text(signed_in(client, personas, "other_staff").get(url_of("followup_list")))
        assert COMMITMENT not in page

    def test_it_shows_owner_due_date_source_and_an_overdue_flag(
        self, client: Client, personas: Personas, follow_up: FollowUp, meeting: Meeting
    ) -> None:
        follow_up.meeting = meeting
        follow_up.save(update_fields=["meeting"])
        page = page_text(signed_in(client, personas, "secretariat").get(url_of("followup_list")))
        for expected in [
            "健康福祉部障害支援課",
            "平成21年10月1日",
            "平成21年度 諮問第4号",
            "平成21年度第3回個人情報保護運営審議会",
            "期限超過",
        ]:
            assert expected in page

    @pytest.mark.parametrize(
        ("state", "shown", "hidden"),
        [
            ("open", ["期限超過の約束", "期限前の約束"], ["済んだ約束"]),
            ("overdue", ["期限超過の約束"], ["期限前の約束", "済んだ約束"]),
            ("done", ["済んだ約束"], ["期限超過の約束", "期限前の約束"]),
        ],
    )
    def test_it_filters_open_done_and_overdue(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        state: str,
        shown: list[str],
        hidden: list[str],
    ) -> None:
        today = timezone.localdate()
        make_follow_up(consultation, commitment="期限超過の約束", due_on=today - dt.timedelta(1))
        make_follow_up(consultation, commitment="期限前の約束", due_on=today + dt.timedelta(30))
        make_follow_up(
            consultation,
            commitment="済んだ約束",
            status="done",
            done_on=today,
            evidence="明記した。",
        )
        page = page_text(
            signed_in(client, personas, "staff").get(url_of("followup_list"), {"state": state})
        )
        assert all(text in page for text in shown)
        assert not any(text in page for text in hidden)

    @pytest.mark.parametrize("role", ["secretariat", "staff"])
    def test_the_list_runs_a_bounded_number_of_queries(
        self,
        client: Client,
        personas: Personas,
        meeting: Meeting,
        django_assert_max_num_queries: DjangoAssertNumQueries,
        role: str,
    ) -> None:
        unit = testing.make_department("就労支援係", parent=personas.shogai)
        for number in range(1, 61):
            consultation = testing.make_consultation(
                personas.council, personas.shogai, number=100 + number
            )
            make_follow_up(
                consultation, owner=unit if number % 2 else personas.shogai, meeting=meeting
            )
        signed_in(client, personas, role)
        with django_assert_max_num_queries(10):
            response = client.get(url_of("followup_list"))
        assert page_text(response).count("健康福祉部障害支援課就労支援係") >= 25


class TestRecordingAFollowUp:
    def form_data(self, personas: Personas, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "commitment": COMMITMENT,
            "owner": personas.shogai.pk,
            "due_on": "令和8年4月1日",
            "meeting": "",
            "opinion": "",
        }
        data.update(overrides)
        return data

    def test_the_secretariat_records_one_from_an_opinion_and_it_is_audited(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        opinion = testing.make_opinion(consultation, meeting=meeting)
        response = signed_in(client, personas, "secretariat").post(
            url_of("followup_create", consultation),
            self.form_data(personas, opinion=opinion.pk),
        )
        assert response.status_code == 302
        follow_up = FollowUp.objects.get()
        assert (follow_up.consultation, follow_up.opinion, follow_up.meeting) == (
            consultation,
            opinion,
            meeting,
        )
        assert follow_up.due_on == dt.date(2026, 4, 1)
        assert audited("consultations.create_follow_up") == 1

    def test_any_department_may_own_it(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        signed_in(client, personas, "secretariat").post(
            url_of("followup_create", consultation),
            self.form_data(personas, owner=personas.secretariat_dept.pk, due_on=""),
        )
        assert FollowUp.objects.get().owner == personas.secretariat_dept

    def test_an_opinion_of_another_consultation_is_refused(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        other = testing.make_consultation(personas.council, personas.kodomo)
        response = signed_in(client, personas, "secretariat").post(
            url_of("followup_create", consultation),
            self.form_data(personas, opinion=testing.make_opinion(other).pk),
        )
        assert "正しく選択してください" in page_text(response)
        assert not FollowUp.objects.exists()

    @pytest.mark.parametrize("role", ["staff", "other_staff", "member", "contractor", "auditor"])
    def test_others_are_refused(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).post(
            url_of("followup_create", consultation), self.form_data(personas)
        )
        assert response.status_code == 403
        assert not FollowUp.objects.exists()

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, consultation: Consultation
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("followup_create", consultation)))


class TestClosingAFollowUp:
    @pytest.mark.parametrize("role", ["staff", "secretariat"])
    def test_the_owner_or_the_secretariat_marks_it_done_with_evidence_and_it_is_audited(
        self, client: Client, personas: Personas, follow_up: FollowUp, role: str
    ) -> None:
        response = signed_in(client, personas, role).post(
            url_of("followup_update", pk=follow_up.pk),
            {"action": "complete", "evidence": "仕様書第5条に明記した。", "done_on": "H21.9.30"},
        )
        assert response.status_code == 302
        follow_up.refresh_from_db()
        assert (follow_up.status, follow_up.done_on) == ("done", dt.date(2009, 9, 30))
        assert audited("consultations.complete_follow_up") == 1

    def test_it_cannot_be_marked_done_without_evidence(
        self, client: Client, personas: Personas, follow_up: FollowUp
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("followup_update", pk=follow_up.pk),
            {"action": "complete", "evidence": "", "done_on": "H21.9.30"},
        )
        assert response.status_code == 200
        assert "対応が完了したことを示す根拠を入力してください。" in page_text(response)
        assert 'value="H21.9.30"' in page_text(response)
        follow_up.refresh_from_db()
        assert follow_up.status == "open"
        assert audited("consultations.complete_follow_up") == 0

    def test_the_day_it_was_done_defaults_to_today(
        self, client: Client, personas: Personas, follow_up: FollowUp
    ) -> None:
        page = page_text(
            signed_in(client, personas, "staff").get(url_of("followup_update", pk=follow_up.pk))
        )
        assert f'value="{eras.format_date(timezone.localdate())}"' in page

    @pytest.mark.parametrize("role", ["other_staff", "member", "contractor", "auditor"])
    def test_others_are_refused(
        self, client: Client, personas: Personas, follow_up: FollowUp, role: str
    ) -> None:
        response = signed_in(client, personas, role).post(
            url_of("followup_update", pk=follow_up.pk),
            {"action": "complete", "evidence": "明記した。", "done_on": "H21.9.30"},
        )
        assert response.status_code == 403

    def test_a_missing_follow_up_is_not_found(self, client: Client, personas: Personas) -> None:
        client.force_login(personas.secretariat)
        assert client.get(url_of("followup_update", pk=999999)).status_code == 404

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, follow_up: FollowUp
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("followup_update", pk=follow_up.pk)))


class TestReopeningAFollowUp:
    @pytest.fixture
    def done(self, consultation: Consultation) -> FollowUp:
        return make_follow_up(
            consultation, status="done", evidence="明記した。", done_on=dt.date(2009, 9, 30)
        )

    def test_the_secretariat_reopens_it_and_it_is_audited(
        self, client: Client, personas: Personas, done: FollowUp
    ) -> None:
        signed_in(client, personas, "secretariat").post(
            url_of("followup_update", pk=done.pk), {"action": "reopen"}
        )
        done.refresh_from_db()
        assert (done.status, done.done_on) == ("open", None)
        assert audited("consultations.reopen_follow_up") == 1

    def test_the_owners_staff_may_not_reopen_it(
        self, client: Client, personas: Personas, done: FollowUp
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("followup_update", pk=done.pk), {"action": "reopen"}
        )
        assert response.status_code == 403
        done.refresh_from_db()
        assert done.status == "done"
