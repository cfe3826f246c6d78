"""The list of consultations: who sees which, filters, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, ConsultationKind
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


class TestTheNumberOfQueries:
    @pytest.fixture
    def sixty_consultations(self, personas: Personas) -> None:
        kakari = testing.make_department("就労支援係", parent=personas.shogai)
        kinds = [
            ConsultationKind.objects.create(code=f"kind{n}", name=f"種別{n}") for n in range(3)
        ]
        meeting = testing.make_meeting(personas.council)
        for number in range(1, 61):
            consultation = testing.make_consultation(
                personas.council, kakari if number % 2 else personas.shogai, number=number
            )
            consultation.kinds.set(kinds[: number % 3 + 1])
            testing.put_on_agenda(meeting, consultation)

    @pytest.mark.parametrize("role", ["secretariat", "staff", "member"])
    def test_the_list_runs_a_bounded_number_of_queries(
        self,
        client: Client,
        personas: Personas,
        sixty_consultations: None,
        django_assert_max_num_queries: DjangoAssertNumQueries,
        role: str,
    ) -> None:
        signed_in(client, personas, role)
        with django_assert_max_num_queries(10):
            response = client.get(url_of("consultation_list"))
        assert response.status_code == 200
        assert page_text(response).count("就労支援係") >= 25
