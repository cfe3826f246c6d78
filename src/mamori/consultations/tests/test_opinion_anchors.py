"""Opinions meet the record: anchors, the opinion's state, who closes it, promises to follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client
from django.utils.translation import gettext, pgettext

from mamori import testing
from mamori.accounts.models import Role, User
from mamori.conftest import Personas
from mamori.consultations import anchors
from mamori.consultations.models import Consultation, FollowUp, Opinion, Response
from mamori.consultations.tests.helpers import (
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db

TEXT = "ハローワークへの提供について、本人の同意はどのように得るのか。"
PROMISE = "仕様書に修理時のデータ消去を明記します。"
REPAIR = "outsourcing.repair_policy"
HELLO_WORK = "recipients[hw01]"


@pytest.fixture
def record(consultation: Consultation) -> None:
    """The submitted record of 諮問第4号: a recipient ハローワーク and a repair policy."""
    testing.make_version(
        consultation,
        submitted=True,
        data=testing.record_data(
            recipients=[
                {"row_id": "hw01", "name": "ハローワーク", "items": "氏名", "purpose": "職業紹介"},
                {"row_id": "sc02", "name": "特別支援学校", "items": "氏名", "purpose": "進路"},
            ],
            outsourcing={"outsourced": True, "repair_policy": {"value": "修理は庁舎内で行う"}},
        ),
    )


@pytest.fixture
def opinion(
    personas: Personas, consultation: Consultation, meeting: Meeting, record: None
) -> Opinion:
    """The member's opinion about ハローワーク, still open."""
    return testing.make_opinion(
        consultation, member=personas.member, meeting=meeting, anchor=HELLO_WORK, text=TEXT
    )


def answer(opinion: Opinion, personas: Personas, due_on: dt.date | None = None) -> Response:
    """The department's answer, promising something by the day given."""
    opinion.state = Opinion.State.ANSWERED
    opinion.save(update_fields=["state"])
    return Response.objects.create(
        opinion=opinion, department=personas.shogai, text=PROMISE, due_on=due_on
    )


def another_member(personas: Personas) -> User:
    """A member of the same council who did not raise the opinion and does not chair."""
    member = testing.make_user(Role.COUNCIL_MEMBER, username="another")
    testing.make_membership(personas.council, member=member)
    return member


class TestAnchoringAnOpinion:
    def test_the_form_offers_the_records_fields_and_rows_grouped_by_section(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        record: None,
    ) -> None:
        page = page_text(
            signed_in(client, personas, "member").get(url_of("opinion_create", consultation))
        )
        assert page.count("<optgroup") >= 8
        assert f'value="{REPAIR}"' in page
        assert f'value="{HELLO_WORK}"' in page
        assert "「ハローワーク」" in page

    @pytest.mark.parametrize("anchor", [REPAIR, HELLO_WORK, "safeguards.confidentiality", ""])
    def test_a_member_anchors_an_opinion_to_a_field_or_a_row_or_to_nothing(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        record: None,
        anchor: str,
    ) -> None:
        response = signed_in(client, personas, "member").post(
            url_of("opinion_create", consultation),
            {"kind": "question", "anchor": anchor, "text": TEXT},
        )
        assert response.status_code == 302
        opinion = Opinion.objects.get()
        assert (opinion.anchor, opinion.state) == (anchor, Opinion.State.OPEN)

    def test_the_secretariat_anchors_one_it_records_for_a_member(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        record: None,
    ) -> None:
        signed_in(client, personas, "secretariat").post(
            url_of("opinion_create", consultation),
            {
                "member": personas.chair.pk,
                "meeting": meeting.pk,
                "kind": "request",
                "anchor": REPAIR,
                "text": TEXT,
            },
        )
        assert Opinion.objects.get().anchor == REPAIR

    def test_a_link_from_the_record_chooses_the_anchor_beforehand(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        record: None,
    ) -> None:
        page = page_text(
            signed_in(client, personas, "member").get(
                url_of("opinion_create", consultation), {"anchor": HELLO_WORK}
            )
        )
        assert f'value="{HELLO_WORK}" selected' in page

    @pytest.mark.parametrize(
        "forged",
        ["recipients[zz99]", "outsourcing.nothing", "recipients", "<script>alert(1)</script>"],
    )
    def test_a_forged_anchor_is_refused_with_a_form_error(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        record: None,
        forged: str,
    ) -> None:
        response = signed_in(client, personas, "member").post(
            url_of("opinion_create", consultation),
            {"kind": "question", "anchor": forged, "text": TEXT},
        )
        assert response.status_code == 200
        assert "anchor" in response.context["form"].errors
        assert "<script>alert(1)</script>" not in page_text(response)
        assert not Opinion.objects.exists()

    def test_a_row_of_the_departments_new_draft_may_be_chosen_by_the_secretariat(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        record: None,
    ) -> None:
        # Members are offered only the submitted record (test_draft_privacy.py).
        draft = testing.record_data(
            recipients=[{"row_id": "new1", "name": "作業所", "items": "氏名", "purpose": "実習"}]
        )
        testing.make_version(consultation, data=draft)
        signed_in(client, personas, "secretariat").post(
            url_of("opinion_create", consultation),
            {
                "member": personas.member.pk,
                "meeting": meeting.pk,
                "kind": "question",
                "anchor": "recipients[new1]",
                "text": TEXT,
            },
        )
        assert Opinion.objects.get().anchor == "recipients[new1]"

    def test_editing_keeps_an_anchor_whose_row_has_left_the_record(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        opinion.anchor = "recipients[gone]"
        opinion.save(update_fields=["anchor"])
        response = signed_in(client, personas, "member").post(
            url_of("opinion_edit", pk=opinion.pk),
            {"kind": "question", "anchor": "recipients[gone]", "text": "改めた意見"},
        )
        assert response.status_code == 302
        opinion.refresh_from_db()
        assert (opinion.anchor, opinion.text) == ("recipients[gone]", "改めた意見")

    def test_editing_moves_the_anchor_to_another_field(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        signed_in(client, personas, "member").post(
            url_of("opinion_edit", pk=opinion.pk),
            {"kind": "question", "anchor": REPAIR, "text": TEXT},
        )
        opinion.refresh_from_db()
        assert opinion.anchor == REPAIR
        assert audited("consultations.update_opinion") == 1


class TestAnchorLabels:
    def test_a_row_is_named_by_its_section_and_its_name_and_a_field_by_its_titles(
        self, personas: Personas, consultation: Consultation, opinion: Opinion
    ) -> None:
        on_repair = testing.make_opinion(consultation, anchor=REPAIR)
        unanchored = testing.make_opinion(consultation)
        labels = anchors.anchor_labels(
            consultation, [opinion, on_repair, unanchored], user=personas.member
        )
        assert labels[opinion.pk] == gettext("Recipients (提供先)") + "「ハローワーク」"
        assert labels[on_repair.pk] == "：".join(
            [gettext("Outsourcing"), gettext("Repair of equipment holding personal data")]
        )
        assert unanchored.pk not in labels

    def test_a_row_no_longer_in_the_record_is_said_to_be_so(
        self, personas: Personas, consultation: Consultation, record: None
    ) -> None:
        gone = testing.make_opinion(consultation, anchor="recipients[gone]")
        labels = anchors.anchor_labels(consultation, [gone], user=personas.staff)
        assert labels[gone.pk] == gettext("%(title)s (a row no longer in the record)") % {
            "title": gettext("Recipients (提供先)")
        }

    def test_opinions_are_grouped_by_anchor_in_their_order(
        self, consultation: Consultation, opinion: Opinion
    ) -> None:
        second = testing.make_opinion(consultation, anchor=HELLO_WORK)
        on_repair = testing.make_opinion(consultation, anchor=REPAIR)
        testing.make_opinion(consultation)
        grouped = anchors.opinions_by_anchor(consultation.opinions.all())
        assert grouped == {HELLO_WORK: [opinion, second], REPAIR: [on_repair]}


class TestTheOpinionIsAnswered:
    def test_a_response_with_a_promised_date_answers_the_opinion(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("response_edit", pk=opinion.pk), {"text": PROMISE, "due_on": "平成21年12月28日"}
        )
        assert response.status_code == 302
        opinion.refresh_from_db()
        assert opinion.state == Opinion.State.ANSWERED
        assert (opinion.response.text, opinion.response.due_on) == (PROMISE, dt.date(2009, 12, 28))

    def test_a_date_that_never_was_is_a_form_error(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("response_edit", pk=opinion.pk), {"text": PROMISE, "due_on": "平成21年2月30日"}
        )
        assert response.status_code == 200
        assert "due_on" in response.context["form"].errors
        assert not Response.objects.exists()

    def test_the_form_shows_the_promised_date_in_wareki_when_changing_it(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        answer(opinion, personas, due_on=dt.date(2009, 12, 28))
        page = page_text(
            signed_in(client, personas, "secretariat").get(url_of("response_edit", pk=opinion.pk))
        )
        assert 'value="平成21年12月28日"' in page
        assert "「ハローワーク」" in page


class TestClosingAnOpinion:
    @pytest.mark.parametrize("role", ["member", "chair", "secretariat"])
    def test_its_member_the_chair_and_the_secretariat_may_close_it(
        self, client: Client, personas: Personas, opinion: Opinion, role: str
    ) -> None:
        answer(opinion, personas)
        response = signed_in(client, personas, role).post(url_of("opinion_close", pk=opinion.pk))
        assert response.status_code == 302
        opinion.refresh_from_db()
        assert (opinion.state, opinion.closed_by) == (Opinion.State.CLOSED, getattr(personas, role))
        assert opinion.closed_at is not None
        assert audited("consultations.close_opinion") == 1

    @pytest.mark.parametrize(
        "role", ["another", "staff", "other_staff", "outsider_member", "contractor"]
    )
    def test_anyone_else_is_refused(
        self, client: Client, personas: Personas, opinion: Opinion, role: str
    ) -> None:
        user = another_member(personas) if role == "another" else getattr(personas, role)
        client.force_login(user)
        response = client.post(url_of("opinion_close", pk=opinion.pk))
        assert response.status_code == 403
        opinion.refresh_from_db()
        assert opinion.state == Opinion.State.OPEN

    def test_the_state_moves_open_answered_closed(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        states = [opinion.state]
        signed_in(client, personas, "staff").post(
            url_of("response_edit", pk=opinion.pk), {"text": PROMISE}
        )
        opinion.refresh_from_db()
        states.append(opinion.state)
        signed_in(client, personas, "member").post(url_of("opinion_close", pk=opinion.pk))
        opinion.refresh_from_db()
        states.append(opinion.state)
        assert states == ["open", "answered", "closed"]

    def test_closing_it_again_says_so_and_changes_nothing(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        signed_in(client, personas, "member")
        client.post(url_of("opinion_close", pk=opinion.pk))
        response = client.post(url_of("opinion_close", pk=opinion.pk))
        assert response.status_code == 302
        assert gettext("This opinion is already closed.") in [
            str(m) for m in get_messages(response.wsgi_request)
        ]
        assert audited("consultations.close_opinion") == 1

    def test_it_returns_to_the_page_the_form_was_on_but_never_to_another_site(
        self, client: Client, personas: Personas, opinion: Opinion, consultation: Consultation
    ) -> None:
        signed_in(client, personas, "secretariat")
        record_page = url_of("record_view", consultation)
        response = client.post(url_of("opinion_close", pk=opinion.pk), {"next": record_page})
        assert response["Location"] == record_page
        other = testing.make_opinion(consultation)
        response = client.post(
            url_of("opinion_close", pk=other.pk), {"next": "https://evil.example/"}
        )
        assert response["Location"].endswith(f"#opinion-{other.pk}")

    def test_htmx_gets_the_card_again_with_its_new_state(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        response = signed_in(client, personas, "chair").post(
            url_of("opinion_close", pk=opinion.pk), headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        page = page_text(response)
        assert page.lstrip().startswith("<article")
        assert f'id="opinion-{opinion.pk}"' in page
        assert pgettext("opinion state", "Closed") in page
        assert gettext("The opinion was closed.") in page

    def test_it_takes_a_post(self, client: Client, personas: Personas, opinion: Opinion) -> None:
        assert (
            signed_in(client, personas, "member")
            .get(url_of("opinion_close", pk=opinion.pk))
            .status_code
            == 405
        )

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, opinion: Opinion
    ) -> None:
        assert sends_to_sign_in(client.post(url_of("opinion_close", pk=opinion.pk)))

    def test_a_closed_opinion_can_no_longer_be_edited_by_its_member(
        self, client: Client, personas: Personas, opinion: Opinion
    ) -> None:
        signed_in(client, personas, "member")
        client.post(url_of("opinion_close", pk=opinion.pk))
        client.post(
            url_of("opinion_edit", pk=opinion.pk),
            {"kind": "question", "anchor": "", "text": "後から"},
        )
        opinion.refresh_from_db()
        assert opinion.text == TEXT


class TestAPromiseBecomesAFollowUp:
    @pytest.fixture
    def answered(self, consultation: Consultation) -> Consultation:
        Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.ANSWERED)
        return consultation

    @pytest.mark.parametrize("role", ["secretariat", "staff"])
    def test_one_step_makes_a_follow_up_of_the_response(
        self,
        client: Client,
        personas: Personas,
        opinion: Opinion,
        answered: Consultation,
        role: str,
    ) -> None:
        answer(opinion, personas, due_on=dt.date(2009, 12, 28))
        response = signed_in(client, personas, role).post(
            url_of("opinion_follow_up", pk=opinion.pk)
        )
        assert response.status_code == 302
        follow_up = FollowUp.objects.get()
        assert (follow_up.commitment, follow_up.owner, follow_up.due_on) == (
            PROMISE,
            personas.shogai,
            dt.date(2009, 12, 28),
        )
        assert (follow_up.opinion, follow_up.consultation, follow_up.meeting) == (
            opinion,
            answered,
            opinion.meeting,
        )
        answered.refresh_from_db()
        assert answered.status == Consultation.Status.FOLLOW_UP
        assert audited("consultations.promise_to_follow_up") == 1

    def test_the_second_time_is_refused_with_a_message(
        self, client: Client, personas: Personas, opinion: Opinion, answered: Consultation
    ) -> None:
        answer(opinion, personas)
        signed_in(client, personas, "secretariat")
        client.post(url_of("opinion_follow_up", pk=opinion.pk))
        response = client.post(url_of("opinion_follow_up", pk=opinion.pk))
        assert response.status_code == 302
        assert gettext("A follow-up already tracks this promise.") in [
            str(m) for m in get_messages(response.wsgi_request)
        ]
        assert FollowUp.objects.count() == 1

    def test_an_opinion_without_a_response_has_no_promise(
        self, client: Client, personas: Personas, opinion: Opinion, answered: Consultation
    ) -> None:
        response = signed_in(client, personas, "secretariat").post(
            url_of("opinion_follow_up", pk=opinion.pk)
        )
        assert response.status_code == 302
        assert not FollowUp.objects.exists()

    @pytest.mark.parametrize("role", ["member", "chair", "other_staff", "outsider_member"])
    def test_members_and_other_departments_are_refused(
        self,
        client: Client,
        personas: Personas,
        opinion: Opinion,
        answered: Consultation,
        role: str,
    ) -> None:
        answer(opinion, personas)
        response = signed_in(client, personas, role).post(
            url_of("opinion_follow_up", pk=opinion.pk)
        )
        assert response.status_code == 403
        assert not FollowUp.objects.exists()


class TestTheOpinionCard:
    def card(self, opinion: Opinion, user: User, anchor_label: str = "") -> str:
        fetched = (
            Opinion.objects.select_related(
                "consultation", "member", "meeting", "closed_by", "response__department"
            )
            .prefetch_related("follow_ups")
            .get(pk=opinion.pk)
        )
        return render_to_string(
            "consultations/_opinion.html",
            {"opinion": fetched, "user": user, "anchor_label": anchor_label},
        )

    def test_it_shows_the_member_meeting_state_anchor_text_and_promised_date(
        self, personas: Personas, opinion: Opinion, meeting: Meeting
    ) -> None:
        answer(opinion, personas, due_on=dt.date(2009, 12, 28))
        card = self.card(opinion, personas.staff, anchor_label="提供先「ハローワーク」")
        for expected in [
            str(personas.member),
            meeting.title,
            pgettext("opinion state", "Answered"),
            "提供先「ハローワーク」",
            TEXT,
            PROMISE,
            "平成21年12月28日",
        ]:
            assert expected in card

    @pytest.mark.parametrize(
        ("role", "actions"),
        [
            ("member", {"opinion_edit", "opinion_close"}),
            ("chair", {"opinion_close"}),
            (
                "secretariat",
                {"opinion_edit", "response_edit", "opinion_close", "opinion_follow_up"},
            ),
            ("staff", {"response_edit", "opinion_follow_up"}),
        ],
    )
    def test_it_offers_each_user_the_actions_they_may_take(
        self, personas: Personas, opinion: Opinion, role: str, actions: set[str]
    ) -> None:
        answer(opinion, personas)
        card = self.card(opinion, getattr(personas, role))
        every = ["opinion_edit", "response_edit", "opinion_close", "opinion_follow_up"]
        offered = {name for name in every if url_of(name, pk=opinion.pk) in card}
        assert offered == actions

    def test_another_member_is_offered_nothing(self, personas: Personas, opinion: Opinion) -> None:
        card = self.card(opinion, another_member(personas))
        assert 'class="actions"' not in card

    def test_a_closed_opinion_offers_no_closing_and_no_editing_to_its_member(
        self, personas: Personas, opinion: Opinion
    ) -> None:
        Opinion.objects.filter(pk=opinion.pk).update(state=Opinion.State.CLOSED)
        card = self.card(opinion, personas.member)
        assert pgettext("opinion state", "Closed") in card
        assert url_of("opinion_close", pk=opinion.pk) not in card
        assert url_of("opinion_edit", pk=opinion.pk) not in card

    def test_user_text_is_escaped(self, personas: Personas, opinion: Opinion) -> None:
        Opinion.objects.filter(pk=opinion.pk).update(text="<script>alert(1)</script>")
        card = self.card(opinion, personas.secretariat, anchor_label="<b>x</b>")
        assert "<script>" not in card
        assert "&lt;script&gt;" in card
        assert "<b>x</b>" not in card
