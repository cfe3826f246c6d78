"""The transitions of a consultation's life, through the pages that make them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.consultations.models import (
    ChangeAssessment,
    Consultation,
    FollowUp,
    HandlingRecordVersion,
)
from mamori.consultations.tests.helpers import audited, sends_to_sign_in, signed_in, url_of
from mamori.council.models import AgendaItem, Meeting, Minutes
from mamori.review.tests.fixtures import full_data

pytestmark = pytest.mark.django_db

Status = Consultation.Status
OTHERS = ["staff", "other_staff", "member", "contractor", "auditor"]
NOT_THE_DEPARTMENT = ["other_staff", "member", "contractor", "auditor"]


def make(personas: Personas, status: str, **overrides: Any) -> Consultation:
    return testing.make_consultation(personas.council, personas.shogai, status=status, **overrides)


def reload(consultation: Consultation) -> Consultation:
    return Consultation.objects.get(pk=consultation.pk)


def writes() -> int:
    """How many rows the audit trail says were created, changed or deleted."""
    Action = AuditEvent.Action
    return AuditEvent.objects.filter(
        action__in=[Action.CREATE, Action.UPDATE, Action.DELETE]
    ).count()


def said(response: HttpResponse, level: str) -> list[str]:
    """The messages of the level shown by a response that followed its redirect."""
    return [str(m) for m in response.context["messages"] if m.level_tag == level]


def answered_with_versions(
    personas: Personas, *, later: dict[str, Any] | None, later_submitted: bool = True
) -> Consultation:
    """An answered consultation: version 1 answered, version 2 (the data given) after it."""
    consultation = make(personas, Status.ANSWERED)
    first = testing.make_version(consultation, submitted=True)
    Consultation.objects.filter(pk=consultation.pk).update(answered_version=first)
    if later is not None:
        testing.make_version(consultation, submitted=later_submitted, data=later)
    return reload(consultation)


def contractor_chosen() -> dict[str, Any]:
    """A fully specified outsourcing record (no pre-review finding) naming its contractor."""
    data = full_data()
    data["outsourcing"]["contractor"] = {"value": "株式会社まもり", "certainty": "fixed"}
    return data


class TestReturning:
    def test_the_secretariat_returns_a_submitted_consultation_with_its_reason(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        client = signed_in(client, personas, "secretariat")
        assert client.get(url_of("consultation_return", consultation)).status_code == 200
        response = client.post(
            url_of("consultation_return", consultation), {"reason": "委託先の記載が不足している。"}
        )
        assert response.status_code == 302
        assert response["Location"] == url_of("consultation_detail", consultation)
        consultation = reload(consultation)
        assert consultation.status == Status.RETURNED
        assert consultation.status_reason == "委託先の記載が不足している。"
        assert audited("consultations.return_consultation") == 1

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_a_reason_is_required(self, client: Client, personas: Personas, reason: str) -> None:
        consultation = make(personas, Status.SUBMITTED)
        response = signed_in(client, personas, "secretariat").post(
            url_of("consultation_return", consultation), {"reason": reason}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
        assert reload(consultation).status == Status.SUBMITTED
        assert audited("consultations.return_consultation") == 0

    def test_a_consultation_on_an_agenda_cannot_be_returned(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.ON_AGENDA)
        events = writes()
        response = signed_in(client, personas, "secretariat").post(
            url_of("consultation_return", consultation), {"reason": "理由"}, follow=True
        )
        assert response.status_code == 200
        assert said(response, "error")
        assert reload(consultation).status == Status.ON_AGENDA
        assert writes() == events

    @pytest.mark.parametrize("role", OTHERS)
    def test_others_are_refused(self, client: Client, personas: Personas, role: str) -> None:
        consultation = make(personas, Status.SUBMITTED)
        response = signed_in(client, personas, role).post(
            url_of("consultation_return", consultation), {"reason": "理由"}
        )
        assert response.status_code == 403
        assert reload(consultation).status == Status.SUBMITTED

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        assert sends_to_sign_in(client.post(url_of("consultation_return", consultation)))


class TestAccepting:
    def test_the_secretariat_places_it_on_the_chosen_meeting(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        testing.make_meeting(personas.council, date=dt.date(2009, 7, 2))
        chosen = testing.make_meeting(personas.council, date=dt.date(2009, 8, 6))
        response = signed_in(client, personas, "secretariat").post(
            url_of("consultation_accept", consultation), {"meeting": chosen.pk, "title": ""}
        )
        assert response.status_code == 302
        assert reload(consultation).status == Status.ON_AGENDA
        item = AgendaItem.objects.get(consultations=consultation)
        assert item.meeting == chosen
        assert item.title == str(consultation)

    def test_the_form_offers_meetings_whose_minutes_are_unpublished_by_date_and_title(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        open_meeting = testing.make_meeting(personas.council, number=3, date=dt.date(2009, 8, 6))
        published = published_meeting(personas)
        other_council = testing.make_meeting(testing.make_council())
        response = signed_in(client, personas, "secretariat").get(
            url_of("consultation_accept", consultation)
        )
        offered = set(response.context["form"].fields["meeting"].queryset)
        assert offered == {open_meeting}
        assert published not in offered and other_council not in offered
        text = response.content.decode()
        assert "平成21年8月6日 平成21年度第3回個人情報保護運営審議会" in text

    def test_a_meeting_whose_minutes_are_published_is_refused(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        response = signed_in(client, personas, "secretariat").post(
            url_of("consultation_accept", consultation), {"meeting": published_meeting(personas).pk}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["meeting"]
        assert reload(consultation).status == Status.SUBMITTED
        assert not AgendaItem.objects.filter(consultations=consultation).exists()

    def test_a_draft_cannot_be_accepted(self, client: Client, personas: Personas) -> None:
        consultation = make(personas, Status.DRAFT)
        meeting = testing.make_meeting(personas.council)
        events = writes()
        response = signed_in(client, personas, "secretariat").post(
            url_of("consultation_accept", consultation), {"meeting": meeting.pk}, follow=True
        )
        assert said(response, "error")
        assert reload(consultation).status == Status.DRAFT
        assert not AgendaItem.objects.exists()
        assert writes() == events

    @pytest.mark.parametrize("role", OTHERS)
    def test_others_are_refused(self, client: Client, personas: Personas, role: str) -> None:
        consultation = make(personas, Status.SUBMITTED)
        meeting = testing.make_meeting(personas.council)
        response = signed_in(client, personas, role).post(
            url_of("consultation_accept", consultation), {"meeting": meeting.pk}
        )
        assert response.status_code == 403
        assert not AgendaItem.objects.exists()

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        assert sends_to_sign_in(client.get(url_of("consultation_accept", consultation)))


def published_meeting(personas: Personas) -> Meeting:
    meeting = testing.make_meeting(personas.council, number=2, date=dt.date(2009, 6, 1))
    Minutes.objects.create(
        meeting=meeting,
        status=Minutes.Status.PUBLISHED,
        published_at=dt.datetime(2009, 7, 1, tzinfo=dt.UTC),
        materials_reason="理由",
    )
    return meeting


class TestDeliberating:
    def test_the_secretariat_starts_the_deliberation_after_confirming(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.ON_AGENDA)
        client = signed_in(client, personas, "secretariat")
        assert client.get(url_of("consultation_deliberate", consultation)).status_code == 200
        assert reload(consultation).status == Status.ON_AGENDA
        response = client.post(url_of("consultation_deliberate", consultation))
        assert response.status_code == 302
        assert reload(consultation).status == Status.DELIBERATING
        assert audited("consultations.start_deliberation") == 1

    def test_a_submitted_consultation_is_not_yet_deliberated(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        response = signed_in(client, personas, "secretariat").post(
            url_of("consultation_deliberate", consultation), follow=True
        )
        assert said(response, "error")
        assert reload(consultation).status == Status.SUBMITTED

    @pytest.mark.parametrize("role", OTHERS)
    def test_others_are_refused(self, client: Client, personas: Personas, role: str) -> None:
        consultation = make(personas, Status.ON_AGENDA)
        response = signed_in(client, personas, role).post(
            url_of("consultation_deliberate", consultation)
        )
        assert response.status_code == 403
        assert reload(consultation).status == Status.ON_AGENDA

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.ON_AGENDA)
        assert sends_to_sign_in(client.post(url_of("consultation_deliberate", consultation)))


class TestWithdrawing:
    @pytest.mark.parametrize("role", ["staff", "secretariat"])
    def test_the_department_or_the_secretariat_withdraws_it_with_a_reason(
        self, client: Client, personas: Personas, role: str
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        client = signed_in(client, personas, role)
        assert client.get(url_of("consultation_withdraw", consultation)).status_code == 200
        response = client.post(
            url_of("consultation_withdraw", consultation),
            {"reason": "事業が中止となったため。", "confirm": "on"},
        )
        assert response.status_code == 302
        consultation = reload(consultation)
        assert consultation.status == Status.WITHDRAWN
        assert consultation.status_reason == "事業が中止となったため。"
        assert audited("consultations.withdraw_consultation") == 1

    @pytest.mark.parametrize(
        "data", [{"reason": "", "confirm": "on"}, {"reason": "事業が中止となったため。"}]
    )
    def test_a_reason_and_a_confirmation_are_required(
        self, client: Client, personas: Personas, data: dict[str, str]
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_withdraw", consultation), data
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert reload(consultation).status == Status.SUBMITTED

    def test_an_answered_consultation_cannot_be_withdrawn(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.ANSWERED)
        events = writes()
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_withdraw", consultation),
            {"reason": "理由", "confirm": "on"},
            follow=True,
        )
        assert said(response, "error")
        assert reload(consultation).status == Status.ANSWERED
        assert writes() == events

    @pytest.mark.parametrize("role", NOT_THE_DEPARTMENT)
    def test_others_are_refused(self, client: Client, personas: Personas, role: str) -> None:
        consultation = make(personas, Status.SUBMITTED)
        response = signed_in(client, personas, role).post(
            url_of("consultation_withdraw", consultation), {"reason": "理由", "confirm": "on"}
        )
        assert response.status_code == 403
        assert reload(consultation).status == Status.SUBMITTED

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        assert sends_to_sign_in(client.post(url_of("consultation_withdraw", consultation)))


class TestClosing:
    def test_the_secretariat_closes_an_answered_consultation(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.ANSWERED)
        client = signed_in(client, personas, "secretariat")
        assert client.get(url_of("consultation_close", consultation)).status_code == 200
        response = client.post(url_of("consultation_close", consultation))
        assert response.status_code == 302
        assert reload(consultation).status == Status.CLOSED
        assert audited("consultations.close_consultation") == 1

    def test_it_is_not_closed_while_follow_ups_are_open(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.FOLLOW_UP)
        FollowUp.objects.create(
            consultation=consultation, commitment="仕様書に明記する。", owner=personas.shogai
        )
        events = writes()
        response = signed_in(client, personas, "secretariat").post(
            url_of("consultation_close", consultation), follow=True
        )
        assert said(response, "error")
        assert reload(consultation).status == Status.FOLLOW_UP
        assert writes() == events

    def test_a_consultation_under_deliberation_cannot_be_closed(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.DELIBERATING)
        response = signed_in(client, personas, "secretariat").post(
            url_of("consultation_close", consultation), follow=True
        )
        assert said(response, "error")
        assert reload(consultation).status == Status.DELIBERATING

    @pytest.mark.parametrize("role", OTHERS)
    def test_others_are_refused(self, client: Client, personas: Personas, role: str) -> None:
        consultation = make(personas, Status.ANSWERED)
        response = signed_in(client, personas, role).post(
            url_of("consultation_close", consultation)
        )
        assert response.status_code == 403
        assert reload(consultation).status == Status.ANSWERED

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.ANSWERED)
        assert sends_to_sign_in(client.post(url_of("consultation_close", consultation)))


class TestFilingAVersion:
    def test_staff_file_the_draft_as_a_new_version_saying_what_changed(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered_with_versions(
            personas, later=contractor_chosen(), later_submitted=False
        )
        client = signed_in(client, personas, "staff")
        assert client.get(url_of("version_file", consultation)).status_code == 200
        response = client.post(
            url_of("version_file", consultation), {"note": "プロポーザルにより委託先が決定した。"}
        )
        assert response.status_code == 302
        filed = HandlingRecordVersion.objects.get(consultation=consultation, number=2)
        assert filed.is_submitted
        assert filed.submitted_by == personas.staff
        assert filed.note == "プロポーザルにより委託先が決定した。"
        assert audited("consultations.file_version") >= 1

    def test_an_incomplete_draft_is_not_filed_and_what_is_missing_is_listed(
        self, client: Client, personas: Personas
    ) -> None:
        incomplete = testing.record_data(retention={"period": {"value": ""}})
        consultation = answered_with_versions(personas, later=incomplete, later_submitted=False)
        response = signed_in(client, personas, "staff").post(
            url_of("version_file", consultation), {"note": "保存期間を見直した。"}
        )
        assert response.status_code == 200
        assert response.context["missing"]
        assert "retention" in response.context["missing"][0]["url"]
        draft = HandlingRecordVersion.objects.get(consultation=consultation, number=2)
        assert not draft.is_submitted
        assert audited("consultations.file_version") == 0

    def test_a_note_is_required(self, client: Client, personas: Personas) -> None:
        consultation = answered_with_versions(
            personas, later=contractor_chosen(), later_submitted=False
        )
        response = signed_in(client, personas, "staff").post(
            url_of("version_file", consultation), {"note": ""}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["note"]
        assert not HandlingRecordVersion.objects.get(
            consultation=consultation, number=2
        ).is_submitted

    def test_without_a_draft_there_is_nothing_to_file(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered_with_versions(personas, later=None)
        response = signed_in(client, personas, "staff").post(
            url_of("version_file", consultation), {"note": "変更"}, follow=True
        )
        assert said(response, "error")
        assert consultation.record_versions.count() == 1

    def test_a_version_is_not_filed_before_the_answer(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        testing.make_version(consultation, submitted=False)
        response = signed_in(client, personas, "staff").post(
            url_of("version_file", consultation), {"note": "変更"}, follow=True
        )
        assert said(response, "error")
        assert not consultation.record_versions.get().is_submitted

    @pytest.mark.parametrize("role", ["secretariat", *NOT_THE_DEPARTMENT])
    def test_only_staff_of_the_department_file_versions(
        self, client: Client, personas: Personas, role: str
    ) -> None:
        consultation = answered_with_versions(
            personas, later=contractor_chosen(), later_submitted=False
        )
        response = signed_in(client, personas, role).post(
            url_of("version_file", consultation), {"note": "変更"}
        )
        assert response.status_code == 403
        assert not HandlingRecordVersion.objects.get(
            consultation=consultation, number=2
        ).is_submitted

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered_with_versions(personas, later=None)
        assert sends_to_sign_in(client.get(url_of("version_file", consultation)))


class TestAssessing:
    def test_the_secretariat_records_what_the_change_needs(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered_with_versions(personas, later=contractor_chosen())
        client = signed_in(client, personas, "secretariat")
        page = client.get(url_of("version_assess", consultation, number=2))
        assert page.status_code == 200
        assert any(change.path == "outsourcing.contractor" for change in page.context["changes"])
        response = client.post(
            url_of("version_assess", consultation, number=2),
            {"outcome": "report", "reason": "委託先の決定を審議会に報告する。"},
        )
        assert response.status_code == 302
        assessment = ChangeAssessment.objects.get(version__consultation=consultation)
        assert assessment.version.number == 2
        assert assessment.outcome == ChangeAssessment.Outcome.REPORT
        assert assessment.assessed_by == personas.secretariat
        assert audited("consultations.assess_change") == 1

    def test_a_reason_is_required(self, client: Client, personas: Personas) -> None:
        consultation = answered_with_versions(personas, later=contractor_chosen())
        response = signed_in(client, personas, "secretariat").post(
            url_of("version_assess", consultation, number=2), {"outcome": "nothing", "reason": ""}
        )
        assert response.status_code == 200
        assert not ChangeAssessment.objects.exists()

    def test_a_version_is_assessed_once(self, client: Client, personas: Personas) -> None:
        consultation = answered_with_versions(personas, later=contractor_chosen())
        client = signed_in(client, personas, "secretariat")
        data = {"outcome": "nothing", "reason": "軽微な変更。"}
        client.post(url_of("version_assess", consultation, number=2), data)
        response = client.post(url_of("version_assess", consultation, number=2), data, follow=True)
        assert said(response, "error")
        assert ChangeAssessment.objects.count() == 1

    def test_the_answered_version_itself_is_not_assessed(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered_with_versions(personas, later=contractor_chosen())
        response = signed_in(client, personas, "secretariat").post(
            url_of("version_assess", consultation, number=1),
            {"outcome": "nothing", "reason": "理由"},
            follow=True,
        )
        assert said(response, "error")
        assert not ChangeAssessment.objects.exists()

    def test_a_draft_is_not_assessed(self, client: Client, personas: Personas) -> None:
        consultation = answered_with_versions(personas, later=contractor_chosen())
        testing.make_version(consultation, submitted=False)
        response = signed_in(client, personas, "secretariat").post(
            url_of("version_assess", consultation, number=3),
            {"outcome": "nothing", "reason": "理由"},
            follow=True,
        )
        assert said(response, "error")
        assert not ChangeAssessment.objects.exists()

    def test_a_version_that_does_not_exist_is_not_found(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered_with_versions(personas, later=contractor_chosen())
        response = signed_in(client, personas, "secretariat").get(
            url_of("version_assess", consultation, number=99)
        )
        assert response.status_code == 404

    @pytest.mark.parametrize("role", OTHERS)
    def test_others_are_refused(self, client: Client, personas: Personas, role: str) -> None:
        consultation = answered_with_versions(personas, later=contractor_chosen())
        response = signed_in(client, personas, role).post(
            url_of("version_assess", consultation, number=2),
            {"outcome": "nothing", "reason": "理由"},
        )
        assert response.status_code == 403
        assert not ChangeAssessment.objects.exists()

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered_with_versions(personas, later=contractor_chosen())
        assert sends_to_sign_in(client.get(url_of("version_assess", consultation, number=2)))
