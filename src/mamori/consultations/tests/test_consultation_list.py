"""The list of consultations: who sees which, filters, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext
from pytest_django import DjangoAssertNumQueries

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, ConsultationKind, FollowUp, Opinion
from mamori.consultations.tests.helpers import page_text, sends_to_sign_in, signed_in, url_of
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db


class TestWhoMayOpenTheList:
    @pytest.mark.parametrize("role", ["secretariat", "staff", "other_staff", "member"])
    def test_members_secretariat_and_staff_may_open_it(
        self, client: Client, personas: Personas, role: str
    ) -> None:
        assert signed_in(client, personas, role).get(url_of("consultation_list")).status_code == 200

    @pytest.mark.parametrize("role", ["contractor", "auditor"])
    def test_contractors_and_auditors_are_refused(
        self, client: Client, personas: Personas, role: str
    ) -> None:
        assert signed_in(client, personas, role).get(url_of("consultation_list")).status_code == 403

    def test_a_signed_out_visitor_is_sent_to_sign_in(self, client: Client) -> None:
        assert sends_to_sign_in(client.get(url_of("consultation_list")))


class TestWhatTheListShows:
    def test_it_shows_number_fiscal_year_title_department_kinds_and_status(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        outsourcing: ConsultationKind,
    ) -> None:
        consultation.kinds.add(outsourcing)
        text = page_text(
            signed_in(client, personas, "secretariat").get(url_of("consultation_list"))
        )
        for expected in [
            "諮問第4号",
            "平成21年度",
            "障害者就労支援事業業務委託",
            "健康福祉部障害支援課",
            "業務委託",
            "提出済み",
        ]:
            assert expected in text

    def test_the_secretariat_sees_every_consultation(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        testing.make_consultation(personas.council, personas.kodomo, title="入退室管理システム")
        text = page_text(
            signed_in(client, personas, "secretariat").get(url_of("consultation_list"))
        )
        assert "障害者就労支援事業業務委託" in text
        assert "入退室管理システム" in text

    def test_staff_see_only_their_departments_consultations(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        testing.make_consultation(personas.council, personas.kodomo, title="入退室管理システム")
        text = page_text(signed_in(client, personas, "staff").get(url_of("consultation_list")))
        assert "障害者就労支援事業業務委託" in text
        assert "入退室管理システム" not in text

    def test_a_member_sees_only_consultations_on_meetings_of_their_term(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        before_term = testing.make_meeting(
            personas.council, date=dt.date(2007, 6, 1), fiscal_year=2007
        )
        testing.put_on_agenda(
            before_term,
            testing.make_consultation(
                personas.council, personas.kodomo, fiscal_year=2007, title="平成19年度の古い諮問"
            ),
        )
        testing.make_consultation(personas.council, personas.kodomo, title="まだ議題にない諮問")
        text = page_text(signed_in(client, personas, "member").get(url_of("consultation_list")))
        assert "障害者就労支援事業業務委託" in text
        assert "平成19年度の古い諮問" not in text
        assert "まだ議題にない諮問" not in text

    def test_it_lists_the_newest_first(self, client: Client, personas: Personas) -> None:
        testing.make_consultation(
            personas.council, personas.shogai, fiscal_year=2008, number=9, title="古い諮問"
        )
        testing.make_consultation(
            personas.council, personas.shogai, fiscal_year=2009, number=1, title="新しい諮問"
        )
        text = page_text(signed_in(client, personas, "staff").get(url_of("consultation_list")))
        assert text.index("新しい諮問") < text.index("古い諮問")


class TestTheFilters:
    def test_it_filters_by_fiscal_year(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        testing.make_consultation(
            personas.council, personas.shogai, fiscal_year=2008, title="前年度の諮問"
        )
        response = signed_in(client, personas, "staff").get(
            url_of("consultation_list"), {"fiscal_year": "2008"}
        )
        assert "前年度の諮問" in page_text(response)
        assert "障害者就労支援事業業務委託" not in page_text(response)

    def test_it_filters_by_status(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        testing.make_consultation(
            personas.council,
            personas.shogai,
            title="下書きの諮問",
            status=Consultation.Status.DRAFT,
        )
        response = signed_in(client, personas, "staff").get(
            url_of("consultation_list"), {"status": "draft"}
        )
        assert "下書きの諮問" in page_text(response)
        assert "障害者就労支援事業業務委託" not in page_text(response)

    def test_a_filter_that_makes_no_sense_shows_a_message_not_an_error(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").get(
            url_of("consultation_list"), {"fiscal_year": "abc", "status": "lost"}
        )
        assert response.status_code == 200
        assert "正しく選択してください" in page_text(response)
        assert "障害者就労支援事業業務委託" in page_text(response)


class TestTheSecretariatsFilters:
    def test_it_filters_by_department_with_the_units_under_it(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        kakari = testing.make_department("就労支援係", parent=personas.shogai)
        testing.make_consultation(personas.council, kakari, title="係の諮問")
        testing.make_consultation(personas.council, personas.kodomo, title="入退室管理システム")
        page = listed(client, personas, "secretariat", department=personas.shogai.pk)
        assert "障害者就労支援事業業務委託" in page
        assert "係の諮問" in page
        assert "入退室管理システム" not in page

    def test_it_filters_by_kind(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        other_kind = ConsultationKind.objects.create(code="bench-test", name="試験用の種別")
        testing.make_consultation(
            personas.council, personas.kodomo, title="目的外の諮問"
        ).kinds.add(other_kind)
        page = listed(client, personas, "secretariat", kind=other_kind.pk)
        assert "目的外の諮問" in page
        assert "障害者就労支援事業業務委託" not in page

    @pytest.mark.parametrize("status", Consultation.Status.values)
    def test_it_filters_by_every_state(
        self, client: Client, personas: Personas, consultation: Consultation, status: str
    ) -> None:
        Consultation.objects.filter(pk=consultation.pk).update(status=status)
        testing.make_consultation(
            personas.council,
            personas.kodomo,
            title="別の状態の諮問",
            status="closed" if status != "closed" else "draft",
        )
        page = listed(client, personas, "secretariat", status=status)
        assert "障害者就労支援事業業務委託" in page
        assert "別の状態の諮問" not in page

    def test_it_shows_only_consultations_changed_since_the_answer(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        answered_unchanged = testing.make_consultation(
            personas.council, personas.kodomo, title="変更のない諮問"
        )
        for answered in (consultation, answered_unchanged):
            version = testing.make_version(answered, submitted=True)
            Consultation.objects.filter(pk=answered.pk).update(
                status=Consultation.Status.ANSWERED, answered_version=version
            )
        testing.make_version(consultation, submitted=True)
        page = listed(client, personas, "secretariat", changed="on")
        assert "障害者就労支援事業業務委託" in page
        assert "変更のない諮問" not in page
        unfiltered = listed(client, personas, "secretariat")
        assert unfiltered.count(gettext("Changed since the answer")) == 2  # the filter and a row

    def test_it_shows_consultations_with_open_or_overdue_follow_ups(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        today = timezone.localdate()
        not_yet_due = testing.make_consultation(personas.council, personas.kodomo, title="期限前")
        all_done = testing.make_consultation(personas.council, personas.kodomo, title="完了済み")
        follow_up(consultation, personas, due_on=today - dt.timedelta(days=1))
        follow_up(not_yet_due, personas, due_on=today)
        follow_up(all_done, personas, due_on=today - dt.timedelta(days=9), status="done")
        open_page = listed(client, personas, "secretariat", follow_ups="open")
        assert ("障害者就労支援事業業務委託" in open_page, "期限前" in open_page) == (True, True)
        assert "完了済み" not in open_page
        overdue_page = listed(client, personas, "secretariat", follow_ups="overdue")
        assert "障害者就労支援事業業務委託" in overdue_page
        assert "期限前" not in overdue_page
        assert "完了済み" not in overdue_page

    def test_filters_combine(self, client: Client, personas: Personas) -> None:
        testing.make_consultation(
            personas.council, personas.shogai, title="二十一年度の下書き", status="draft"
        )
        testing.make_consultation(
            personas.council,
            personas.shogai,
            title="二十年度の下書き",
            status="draft",
            fiscal_year=2008,
        )
        testing.make_consultation(
            personas.council, personas.kodomo, title="他課の下書き", status="draft"
        )
        page = listed(
            client,
            personas,
            "secretariat",
            fiscal_year="2009",
            status="draft",
            department=personas.shogai.pk,
        )
        assert "二十一年度の下書き" in page
        assert "二十年度の下書き" not in page
        assert "他課の下書き" not in page

    def test_each_row_counts_its_unanswered_and_all_opinions_and_its_open_follow_ups(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        for state in ["open", "open", "answered", "closed"]:
            testing.make_opinion(consultation, state=state)
        follow_up(consultation, personas, due_on=None)
        follow_up(consultation, personas, due_on=None, status="done")
        page = listed(client, personas, "secretariat")
        assert 'data-opinions="2/4"' in page
        assert 'data-follow-ups="1"' in page

    def test_the_pages_keep_the_filters(self, client: Client, personas: Personas) -> None:
        for number in range(1, 53):
            testing.make_consultation(
                personas.council, personas.shogai, number=number, status="draft"
            )
        page = listed(client, personas, "secretariat", status="draft", fiscal_year="2009")
        assert "?status=draft&amp;fiscal_year=2009&amp;page=2" in page


class TestTheDepartmentsOwnView:
    def test_staff_choose_only_among_their_own_department_and_its_units(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        kakari = testing.make_department("就労支援係", parent=personas.shogai)
        testing.make_consultation(personas.council, personas.kodomo, title="入退室管理システム")
        response = signed_in(client, personas, "staff").get(url_of("consultation_list"))
        choices = {
            int(str(value))
            for value, _label in response.context["filters"].fields["department"].choices
            if value
        }
        assert choices == {personas.shogai.pk, kakari.pk}
        assert personas.shogai.name in page_text(response)

    def test_staff_cannot_filter_their_way_into_another_department(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        testing.make_consultation(personas.council, personas.kodomo, title="入退室管理システム")
        response = signed_in(client, personas, "staff").get(
            url_of("consultation_list"), {"department": personas.kodomo.pk}
        )
        assert response.status_code == 200
        assert "department" in response.context["filters"].errors
        assert "入退室管理システム" not in page_text(response)

    def test_staff_filter_down_to_one_of_their_units(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        kakari = testing.make_department("就労支援係", parent=personas.shogai)
        testing.make_consultation(personas.council, kakari, title="係の諮問")
        page = listed(client, personas, "staff", department=kakari.pk)
        assert "係の諮問" in page
        assert "障害者就労支援事業業務委託" not in page


class TestInvalidFilters:
    @pytest.mark.parametrize(
        "query",
        [
            {"fiscal_year": "abc"},
            {"fiscal_year": "1999"},
            {"department": "abc"},
            {"department": "999999"},
            {"kind": "<script>"},
            {"status": "lost"},
            {"follow_ups": "someday"},
            {"page": "abc"},
            {"page": "99999"},
        ],
    )
    def test_a_value_that_makes_no_sense_is_a_japanese_form_error_never_a_500(
        self, client: Client, personas: Personas, consultation: Consultation, query: dict[str, str]
    ) -> None:
        response = signed_in(client, personas, "secretariat").get(
            url_of("consultation_list"), query
        )
        assert response.status_code == 200
        page = page_text(response)
        if "page" not in query:
            assert "正しく選択してください" in page or "正しい値" in page
        assert "<script>" not in page
        assert "障害者就労支援事業業務委託" in page

    def test_the_valid_filters_still_apply_beside_an_invalid_one(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        testing.make_consultation(
            personas.council, personas.kodomo, title="下書きの諮問", status="draft"
        )
        page = listed(client, personas, "secretariat", status="draft", fiscal_year="abc")
        assert "下書きの諮問" in page
        assert "障害者就労支援事業業務委託" not in page


def listed(client: Client, personas: Personas, role: str, **query: object) -> str:
    """The list page, filtered, as the persona sees it."""
    response = signed_in(client, personas, role).get(url_of("consultation_list"), query)
    assert response.status_code == 200
    return page_text(response)


def follow_up(
    consultation: Consultation, personas: Personas, *, due_on: dt.date | None, status: str = "open"
) -> FollowUp:
    return FollowUp.objects.create(
        consultation=consultation,
        commitment="仕様書に明記する",
        owner=personas.shogai,
        due_on=due_on,
        status=status,
        done_on=dt.date(2009, 12, 1) if status == "done" else None,
    )


class TestTheNumberOfQueries:
    @pytest.fixture
    def sixty_consultations(self, personas: Personas) -> None:
        """Sixty consultations on a meeting, each with five opinions and two follow-ups."""
        kakari = testing.make_department("就労支援係", parent=personas.shogai)
        kinds = [
            ConsultationKind.objects.create(code=f"kind{n}", name=f"種別{n}") for n in range(3)
        ]
        meeting = testing.make_meeting(personas.council)
        overdue = timezone.localdate() - dt.timedelta(days=3)
        for number in range(1, 61):
            consultation = testing.make_consultation(
                personas.council, kakari if number % 2 else personas.shogai, number=number
            )
            consultation.kinds.set(kinds[: number % 3 + 1])
            testing.put_on_agenda(meeting, consultation)
            Opinion.objects.bulk_create(
                Opinion(
                    consultation=consultation,
                    order=n,
                    text="意見",
                    state=("open", "answered")[n % 2],
                )
                for n in range(5)
            )
            follow_up(consultation, personas, due_on=overdue)
            follow_up(consultation, personas, due_on=None)

    @pytest.mark.parametrize("role", ["secretariat", "staff", "member"])
    @pytest.mark.parametrize(
        "query",
        [
            {},
            {"status": "submitted", "fiscal_year": "2009", "kind": "", "follow_ups": "overdue"},
            {"changed": "on", "follow_ups": "open"},
        ],
    )
    def test_the_list_runs_a_bounded_number_of_queries(
        self,
        client: Client,
        personas: Personas,
        sixty_consultations: None,
        django_assert_max_num_queries: DjangoAssertNumQueries,
        role: str,
        query: dict[str, str],
    ) -> None:
        signed_in(client, personas, role)
        with django_assert_max_num_queries(12):
            response = client.get(url_of("consultation_list"), query)
        assert response.status_code == 200
        if "changed" not in query:
            assert page_text(response).count("就労支援係") >= 25
            assert 'data-opinions="3/5"' in page_text(response)
            assert 'data-follow-ups="2"' in page_text(response)
