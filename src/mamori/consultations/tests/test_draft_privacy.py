"""Members read only what was submitted to them; opinions only where the council still listens.

The department's unsubmitted draft stays with the department and the secretariat: not in the
opinion form's choices, the labels of opinions, the record page or the history. Opinions are
not taken on a consultation withdrawn, closed or not before the council, nor responses on a
closed opinion. The record page reads in a bounded number of queries and refuses bad versions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext
from pytest_django import DjangoAssertNumQueries

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations import handling, lifecycle
from mamori.consultations.models import Consultation, FollowUp, Opinion, Response
from mamori.consultations.tests.helpers import page_text, signed_in, url_of
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db

Status = Consultation.Status
SECRET = "DRAFTSECRET"
SECRET_ROW = "recipients[ds01]"
REPAIR = "outsourcing.repair_policy"
HELLO_WORK = {"row_id": "hw01", "name": "ハローワーク", "items": "氏名", "purpose": "職業紹介"}


def record_with(*recipients: dict[str, str]) -> dict[str, Any]:
    return testing.record_data(
        recipients=list(recipients),
        outsourcing={"outsourced": True, "repair_policy": {"value": "修理は庁舎内で行う"}},
    )


@pytest.fixture
def drafted(personas: Personas, consultation: Consultation, meeting: Meeting) -> Opinion:
    """諮問第4号 on the member's meeting: version 1 submitted, version 2 a draft adding a
    recipient DRAFTSECRET; an opinion the secretariat recorded about that draft row."""
    testing.make_version(consultation, submitted=True, data=record_with(HELLO_WORK))
    secret = {"row_id": "ds01", "name": SECRET, "items": "氏名", "purpose": "調査"}
    testing.make_version(consultation, data=record_with(HELLO_WORK, secret))
    return testing.make_opinion(
        consultation, member=personas.member, meeting=meeting, anchor=SECRET_ROW
    )


def get(client: Client, personas: Personas, role: str, url: str) -> HttpResponse:
    response = signed_in(client, personas, role).get(url)
    assert response.status_code == 200
    return response


def error_messages(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


class TestTheDraftStaysWithTheDepartment:
    def test_the_members_opinion_form_offers_only_the_submitted_record(
        self, client: Client, personas: Personas, consultation: Consultation, drafted: Opinion
    ) -> None:
        response = get(client, personas, "member", url_of("opinion_create", consultation))
        assert SECRET not in page_text(response)
        assert "ハローワーク" in page_text(response)

    def test_a_member_cannot_anchor_an_opinion_to_a_draft_row(
        self, client: Client, personas: Personas, consultation: Consultation, drafted: Opinion
    ) -> None:
        response = signed_in(client, personas, "member").post(
            url_of("opinion_create", consultation),
            {"kind": "question", "anchor": SECRET_ROW, "text": "これは何か。"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["anchor"]
        assert not consultation.opinions.exclude(pk=drafted.pk).exists()

    def test_the_secretariat_is_offered_the_draft(
        self, client: Client, personas: Personas, consultation: Consultation, drafted: Opinion
    ) -> None:
        response = get(client, personas, "secretariat", url_of("opinion_create", consultation))
        assert SECRET in page_text(response)

    def test_editing_an_opinion_about_a_draft_row_does_not_name_it_to_the_member(
        self, client: Client, personas: Personas, drafted: Opinion
    ) -> None:
        response = get(client, personas, "member", url_of("opinion_edit", pk=drafted.pk))
        assert SECRET not in page_text(response)

    def test_the_consultation_page_labels_opinions_from_the_submitted_record_for_members(
        self, client: Client, personas: Personas, consultation: Consultation, drafted: Opinion
    ) -> None:
        response = get(client, personas, "member", url_of("consultation_detail", consultation))
        assert SECRET not in page_text(response)
        [[(opinion, label)]] = [group.entries for group in response.context["opinion_groups"]]
        assert opinion == drafted
        assert label == gettext("%(title)s (a row no longer in the record)") % {
            "title": gettext("Recipients (提供先)")
        }

    @pytest.mark.parametrize("role", ["staff", "secretariat"])
    def test_the_department_and_the_secretariat_see_the_draft_row_named(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        drafted: Opinion,
        role: str,
    ) -> None:
        response = get(client, personas, role, url_of("consultation_detail", consultation))
        assert f"「{SECRET}」" in page_text(response)

    def test_the_record_page_shows_members_the_submitted_record(
        self, client: Client, personas: Personas, consultation: Consultation, drafted: Opinion
    ) -> None:
        response = get(client, personas, "member", url_of("record_view", consultation))
        assert SECRET not in page_text(response)
        assert [v.number for v in response.context["versions"]] == [1]

    def test_the_record_page_shows_the_department_its_draft(
        self, client: Client, personas: Personas, consultation: Consultation, drafted: Opinion
    ) -> None:
        response = get(client, personas, "staff", url_of("record_view", consultation))
        assert SECRET in page_text(response)
        assert [v.number for v in response.context["versions"]] == [1, 2]

    def test_members_do_not_hear_of_draft_saves_in_the_history(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        testing.make_version(consultation, submitted=True, data=record_with(HELLO_WORK))
        Consultation.objects.filter(pk=consultation.pk).update(status=Status.CONTINUED)
        consultation.refresh_from_db()
        lifecycle.save_record_draft(
            actor=personas.staff,
            consultation=consultation,
            record=handling.parse(record_with(HELLO_WORK, {"row_id": "x1", "name": "追加"})),
        )
        saved = gettext("A draft of the handling record was saved")
        url = url_of("consultation_detail", consultation)
        member_history = get(client, personas, "member", url).context["history"]
        staff_history = get(client, personas, "staff", url).context["history"]
        assert saved not in [entry.description for entry in member_history]
        assert saved in [entry.description for entry in staff_history]


class TestTheVersionInTheAddress:
    @pytest.mark.parametrize("wanted", ["²", "１", "abc", "-1", "", "99999999999999999999"])
    def test_a_bad_version_is_not_found(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        drafted: Opinion,
        wanted: str,
    ) -> None:
        for role in ["staff", "member"]:
            response = signed_in(client, personas, role).get(
                url_of("record_view", consultation), {"version": wanted}
            )
            assert response.status_code == 404

    def test_a_member_cannot_open_the_draft_by_its_number(
        self, client: Client, personas: Personas, consultation: Consultation, drafted: Opinion
    ) -> None:
        response = signed_in(client, personas, "member").get(
            url_of("record_view", consultation), {"version": "2"}
        )
        assert response.status_code == 404


class TestTheRecordPageQueries:
    def crowd(
        self, personas: Personas, consultation: Consultation, meeting: Meeting, n: int
    ) -> None:
        """n opinions about a field of the record, each answered, closed, with a follow-up."""
        for _ in range(n):
            opinion = testing.make_opinion(
                consultation,
                member=personas.member,
                meeting=meeting,
                anchor=REPAIR,
                state=Opinion.State.CLOSED,
                closed_by=personas.chair,
                closed_at=timezone.now(),
            )
            Response.objects.create(
                opinion=opinion, text="対応します。", department=personas.shogai
            )
            FollowUp.objects.create(
                consultation=consultation,
                opinion=opinion,
                owner=personas.shogai,
                commitment="仕様書に明記する。",
            )

    @pytest.mark.parametrize("role", ["secretariat", "member"])
    def test_more_opinions_take_no_more_queries(
        self,
        client: Client,
        personas: Personas,
        django_assert_max_num_queries: DjangoAssertNumQueries,
        role: str,
    ) -> None:
        small, large = (
            testing.make_consultation(personas.council, personas.shogai) for _ in range(2)
        )
        meeting = testing.make_meeting(personas.council, date=dt.date(2009, 8, 6))
        for consultation, n in ((small, 5), (large, 40)):
            testing.put_on_agenda(meeting, consultation)
            testing.make_version(consultation, submitted=True, data=record_with(HELLO_WORK))
            self.crowd(personas, consultation, meeting, n)
        client = signed_in(client, personas, role)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url_of("record_view", small)).status_code == 200
        with django_assert_max_num_queries(len(queries)):
            response = client.get(url_of("record_view", large))
        assert page_text(response).count('class="card opinion-card') == 40


class TestOpinionsOnlyWhileTheCouncilListens:
    @pytest.mark.parametrize(
        "status", [Status.WITHDRAWN, Status.CLOSED, Status.DRAFT, Status.RETURNED]
    )
    @pytest.mark.parametrize("role", ["member", "secretariat"])
    def test_it_refuses_an_opinion_on_a_consultation_not_before_the_council(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        status: Status,
        role: str,
    ) -> None:
        Consultation.objects.filter(pk=consultation.pk).update(status=status)
        fields = {"kind": "question", "text": "これは何か。"}
        if role == "secretariat":
            fields |= {"member": str(personas.member.pk), "meeting": str(meeting.pk)}
        response = signed_in(client, personas, role).post(
            url_of("opinion_create", consultation), fields
        )
        assert response.status_code == 302
        assert response["Location"] == url_of("consultation_detail", consultation)
        consultation.refresh_from_db()
        assert error_messages(response) == [
            gettext("%(label)s is “%(status)s”: opinions can no longer be posted.")
            % {"label": consultation.label, "status": consultation.get_status_display()}
        ]
        assert not Opinion.objects.exists()

    @pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.CLOSED])
    def test_the_page_offers_no_opinion_form_then(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        status: Status,
    ) -> None:
        Consultation.objects.filter(pk=consultation.pk).update(status=status)
        response = get(client, personas, "member", url_of("consultation_detail", consultation))
        assert not response.context["may_add_opinion"]
        assert url_of("opinion_create", consultation) not in page_text(response)

    @pytest.mark.parametrize(
        "status",
        [Status.SUBMITTED, Status.ON_AGENDA, Status.DELIBERATING, Status.CONTINUED],
    )
    def test_a_member_still_posts_opinions_while_the_council_deliberates(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        status: Status,
    ) -> None:
        Consultation.objects.filter(pk=consultation.pk).update(status=status)
        signed_in(client, personas, "member").post(
            url_of("opinion_create", consultation), {"kind": "question", "text": "これは何か。"}
        )
        assert Opinion.objects.filter(consultation=consultation).count() == 1

    @pytest.mark.parametrize("role", ["staff", "secretariat"])
    def test_it_refuses_a_response_to_a_closed_opinion(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        role: str,
    ) -> None:
        opinion = testing.make_opinion(
            consultation,
            member=personas.member,
            meeting=meeting,
            state=Opinion.State.CLOSED,
            closed_at=timezone.now(),
        )
        fields = {"text": "対応します。", "department": str(personas.shogai.pk)}
        response = signed_in(client, personas, role).post(
            url_of("response_edit", pk=opinion.pk), fields
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"#opinion-{opinion.pk}")
        assert error_messages(response) == [
            gettext("This opinion is closed: its response can no longer be changed.")
        ]
        assert not Response.objects.exists()

    def test_a_response_to_an_open_opinion_is_still_saved(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Meeting
    ) -> None:
        opinion = testing.make_opinion(consultation, member=personas.member, meeting=meeting)
        signed_in(client, personas, "staff").post(
            url_of("response_edit", pk=opinion.pk), {"text": "対応します。"}
        )
        assert Response.objects.filter(opinion=opinion).count() == 1
