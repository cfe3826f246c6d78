"""The consultation page shows everything in one place; the record's diff between versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations import handling, lifecycle
from mamori.consultations import page as page_module
from mamori.consultations.models import (
    Attachment,
    AttachmentFact,
    Consultation,
    FollowUp,
    Response,
)
from mamori.consultations.tests.helpers import page_text, sends_to_sign_in, signed_in, url_of
from mamori.core import eras

pytestmark = pytest.mark.django_db

Status = Consultation.Status


def make(personas: Personas, status: str, **overrides: Any) -> Consultation:
    return testing.make_consultation(personas.council, personas.shogai, status=status, **overrides)


def reload(consultation: Consultation) -> Consultation:
    return Consultation.objects.get(pk=consultation.pk)


def contractor_chosen() -> dict[str, Any]:
    return testing.record_data(
        outsourcing={
            "outsourced": True,
            "procurement": {"value": "proposal"},
            "contractor": {"value": "株式会社まもり"},
            "work_location": {"value": "市役所内"},
            "support_method": {"value": "remote", "certainty": "planned"},
        },
        recipients=[{"row_id": "hw", "name": "ハローワーク", "items": "氏名", "purpose": "就労"}],
    )


def answered(personas: Personas, *, later: dict[str, Any] | None = None) -> Consultation:
    """Answered on version 1; version 2 (the data given) filed after the answer."""
    consultation = make(personas, Status.ANSWERED)
    first = testing.make_version(consultation, submitted=True)
    Consultation.objects.filter(pk=consultation.pk).update(answered_version=first)
    if later is not None:
        testing.make_version(consultation, submitted=True, data=later)
    return reload(consultation)


def page(client: Client, personas: Personas, role: str, consultation: Consultation) -> str:
    response = signed_in(client, personas, role).get(url_of("consultation_detail", consultation))
    assert response.status_code == 200
    return page_text(response)


class TestTheHeader:
    @pytest.mark.parametrize("status", [Status.RETURNED, Status.WITHDRAWN])
    def test_it_shows_why_it_was_returned_or_withdrawn(
        self, client: Client, personas: Personas, status: str
    ) -> None:
        consultation = make(personas, status, status_reason="委託先の記載が<不足>している。")
        text = page(client, personas, "staff", consultation)
        assert escape("委託先の記載が<不足>している。") in text
        assert "委託先の記載が<不足>" not in text

    def test_it_shows_kinds_department_and_status(
        self, client: Client, personas: Personas, outsourcing: Any
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        consultation.kinds.add(outsourcing)
        text = page(client, personas, "secretariat", consultation)
        assert "業務委託" in text
        assert "健康福祉部障害支援課" in text
        assert str(Status.SUBMITTED.label) in text


ACTIONS = [
    "consultation_return",
    "consultation_accept",
    "consultation_deliberate",
    "consultation_withdraw",
    "consultation_close",
    "version_file",
    "consultation_submit",
    "decision_create",
]


class TestTheActions:
    @pytest.mark.parametrize(
        ("status", "role", "offered"),
        [
            (
                Status.SUBMITTED,
                "secretariat",
                {"consultation_return", "consultation_accept", "consultation_withdraw"},
            ),
            (Status.SUBMITTED, "staff", {"consultation_withdraw"}),
            (Status.DRAFT, "staff", {"consultation_submit", "consultation_withdraw"}),
            (Status.RETURNED, "staff", {"consultation_submit", "consultation_withdraw"}),
            (
                Status.ON_AGENDA,
                "secretariat",
                {"consultation_deliberate", "decision_create", "consultation_withdraw"},
            ),
            (Status.DELIBERATING, "secretariat", {"decision_create", "consultation_withdraw"}),
            (Status.CONTINUED, "secretariat", {"consultation_accept", "consultation_withdraw"}),
            (Status.ANSWERED, "secretariat", {"consultation_close"}),
            (Status.ANSWERED, "staff", set()),
            (Status.CLOSED, "secretariat", set()),
            (Status.WITHDRAWN, "staff", set()),
        ],
    )
    def test_it_offers_what_the_role_and_the_state_allow(
        self, client: Client, personas: Personas, status: str, role: str, offered: set[str]
    ) -> None:
        consultation = make(personas, status)
        text = page(client, personas, role, consultation)
        shown = {name for name in ACTIONS if url_of(name, consultation) in text}
        assert shown == offered

    def test_a_member_is_offered_no_transition(self, client: Client, personas: Personas) -> None:
        consultation = make(personas, Status.ON_AGENDA)
        testing.put_on_agenda(testing.make_meeting(personas.council), consultation)
        text = page(client, personas, "member", consultation)
        assert not [name for name in ACTIONS if url_of(name, consultation) in text]

    def test_closing_is_not_offered_while_follow_ups_are_open(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.FOLLOW_UP)
        FollowUp.objects.create(
            consultation=consultation, commitment="仕様書に明記する。", owner=personas.shogai
        )
        assert url_of("consultation_close", consultation) not in page(
            client, personas, "secretariat", consultation
        )

    def test_staff_are_offered_to_file_a_draft_after_the_answer(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas)
        assert url_of("version_file", consultation) not in page(
            client, personas, "staff", consultation
        )
        testing.make_version(consultation, data=contractor_chosen())
        assert url_of("version_file", consultation) in page(client, personas, "staff", consultation)


class TestChangedSinceTheAnswer:
    def test_the_secretariat_sees_the_banner_with_the_diff_and_the_assessment(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas, later=contractor_chosen())
        text = page(client, personas, "secretariat", consultation)
        assert 'id="changed-since-answer"' in text
        assert escape(f"{url_of('record_diff', consultation)}?from=1&to=2") in text
        assert url_of("version_assess", consultation, number=2) in text

    def test_the_department_sees_the_banner_without_the_assessment(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas, later=contractor_chosen())
        text = page(client, personas, "staff", consultation)
        assert 'id="changed-since-answer"' in text
        assert url_of("version_assess", consultation, number=2) not in text

    def test_the_assessment_clears_the_banner(self, client: Client, personas: Personas) -> None:
        consultation = answered(personas, later=contractor_chosen())
        client = signed_in(client, personas, "secretariat")
        client.post(
            url_of("version_assess", consultation, number=2),
            {"outcome": "nothing", "reason": "軽微な変更のため。"},
        )
        text = page(client, personas, "secretariat", consultation)
        assert 'id="changed-since-answer"' not in text
        assert "軽微な変更のため。" in text
        assert not Consultation.objects.changed_since_answer().exists()

    def test_without_a_later_version_there_is_no_banner(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas)
        assert 'id="changed-since-answer"' not in page(
            client, personas, "secretariat", consultation
        )


class TestTheRecordAndItsVersions:
    def test_it_shows_the_current_record_and_the_answered_version(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas, later=contractor_chosen())
        response = signed_in(client, personas, "secretariat").get(
            url_of("consultation_detail", consultation)
        )
        assert response.context["current_version"].number == 2
        assert response.context["answered_version"].number == 1
        text = page_text(response)
        assert text.count("障害者の就労支援のため") == 2
        assert "株式会社まもり" in text

    def test_members_read_the_filed_version_not_the_draft(
        self, client: Client, personas: Personas, meeting: Any
    ) -> None:
        consultation = Consultation.objects.get(
            pk=meeting.agenda_items.get().consultations.get().pk
        )
        testing.make_version(consultation, submitted=True)
        testing.make_version(consultation, data=contractor_chosen())
        member = signed_in(client, personas, "member").get(
            url_of("consultation_detail", consultation)
        )
        assert member.context["current_version"].number == 1
        assert "株式会社まもり" not in page_text(member)
        client.logout()
        staff = signed_in(client, personas, "staff").get(
            url_of("consultation_detail", consultation)
        )
        assert staff.context["current_version"].number == 2
        assert "株式会社まもり" in page_text(staff)

    def test_the_versions_list_who_submitted_them_and_what_changed(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas)
        testing.make_version(
            consultation, submitted=True, data=contractor_chosen(), by=personas.staff
        )
        version = consultation.record_versions.get(number=2)
        assert version.submitted_at is not None
        text = page(client, personas, "secretariat", consultation)
        assert str(personas.staff) in text
        with translation.override("ja"):
            assert eras.format_date(timezone.localdate(version.submitted_at)) in text


class TestTheDeliberation:
    def test_opinions_are_grouped_by_meeting_with_their_responses(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        earlier = testing.make_meeting(
            personas.council, number=2, date=dt.date(2009, 7, 2), place="庁議室"
        )
        later = testing.make_meeting(personas.council, number=3, date=dt.date(2009, 8, 6))
        testing.put_on_agenda(later, consultation)
        second = testing.make_opinion(consultation, meeting=later, order=1, text="八月の意見")
        first = testing.make_opinion(consultation, meeting=earlier, order=1, text="七月の意見")
        Response.objects.create(opinion=first, department=personas.shogai, text="七月の回答")
        text = page(client, personas, "secretariat", consultation)
        text = text[text.index('id="opinions"') :]
        assert (
            text.index(earlier.title)
            < text.index("七月の意見")
            < text.index("七月の回答")
            < text.index(later.title)
        )
        assert text.index(later.title) < text.rindex("八月の意見")
        assert second.text in text

    def test_a_decision_names_the_version_it_answered(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.ON_AGENDA)
        testing.make_version(consultation, submitted=True)
        lifecycle.record_decision(
            actor=None,
            consultation=consultation,
            decided_on=dt.date(2009, 8, 6),
            result="approved",
        )
        response = signed_in(client, personas, "secretariat").get(
            url_of("consultation_detail", consultation)
        )
        assert response.context["decisions"][0].answered_version.number == 1
        assert 'href="#version-1"' in page_text(response)

    def test_an_overdue_follow_up_is_flagged(self, client: Client, personas: Personas) -> None:
        consultation = make(personas, Status.FOLLOW_UP)
        FollowUp.objects.create(
            consultation=consultation,
            commitment="仕様書に明記する。",
            owner=personas.shogai,
            due_on=dt.date(2009, 10, 1),
        )
        text = page(client, personas, "staff", consultation)
        assert "flag--error" in text


class TestTheHistory:
    def test_it_tells_who_did_what_and_when_in_japanese(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.SUBMITTED)
        client = signed_in(client, personas, "secretariat")
        client.post(url_of("consultation_return", consultation), {"reason": "記載が不足。"})
        response = client.get(url_of("consultation_detail", consultation))
        history = response.context["history"]
        assert len(history) == 1
        entry = history[0]
        with translation.override("ja"):
            assert entry.description == gettext("The consultation was returned for correction")
        assert entry.actor == str(personas.secretariat)
        assert (gettext("Reason"), "記載が不足。") in entry.details
        text = page_text(response)
        assert entry.description in text
        assert eras.format_date(timezone.localdate()) in text
        assert '"status_reason"' not in text

    def test_it_includes_what_happened_to_the_related_rows(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas, later=contractor_chosen())
        other = make(personas, Status.SUBMITTED)
        client = signed_in(client, personas, "secretariat")
        client.post(
            url_of("version_assess", consultation, number=2),
            {"outcome": "report", "reason": "報告する。"},
        )
        client.post(url_of("consultation_return", other), {"reason": "別の諮問。"})
        use_cases = [
            entry.description
            for entry in client.get(url_of("consultation_detail", consultation)).context["history"]
        ]
        assert use_cases == [gettext("The change after the answer was assessed")]

    def test_saving_a_draft_again_and_again_is_one_line(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = make(personas, Status.DRAFT)
        for purpose in ["一回目", "二回目", "三回目"]:
            record = handling.parse(testing.record_data(purpose={"purpose": {"value": purpose}}))
            lifecycle.save_record_draft(
                actor=personas.staff, consultation=consultation, record=record
            )
        response = signed_in(client, personas, "staff").get(
            url_of("consultation_detail", consultation)
        )
        [entry] = response.context["history"]
        assert entry.times == 3
        assert entry.description == gettext("A draft of the handling record was saved")

    def test_only_the_latest_events_are_shown(
        self, client: Client, personas: Personas, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(page_module, "HISTORY_LIMIT", 2)
        consultation = make(personas, Status.SUBMITTED)
        client = signed_in(client, personas, "secretariat")
        client.post(url_of("consultation_return", consultation), {"reason": "一回目"})
        for reason in ["二回目", "三回目"]:
            Consultation.objects.filter(pk=consultation.pk).update(status=Status.SUBMITTED)
            client.post(url_of("consultation_return", consultation), {"reason": reason})
        response = client.get(url_of("consultation_detail", consultation))
        reasons = [dict(entry.details)[gettext("Reason")] for entry in response.context["history"]]
        assert reasons == ["三回目", "二回目"]
        assert response.context["history_truncated"]


class TestTheDiff:
    def test_it_lists_the_changed_fields_with_their_titles_and_certainty(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas, later=contractor_chosen())
        response = signed_in(client, personas, "staff").get(url_of("record_diff", consultation))
        assert response.status_code == 200
        assert (response.context["before"].number, response.context["after"].number) == (1, 2)
        changes = {change.path: change for change in response.context["changes"]}
        contractor = changes["outsourcing.contractor"]
        assert contractor.kind == "changed"
        assert contractor.after is not None
        assert contractor.after.value == "株式会社まもり"
        support = changes["outsourcing.support_method"]
        assert support.after is not None
        assert support.after.certainty == gettext(
            handling.CERTAINTY_LABELS[handling.Certainty.PLANNED]
        )
        recipient = changes["recipients[hw].name"]
        assert (recipient.kind, recipient.row) == ("added", "ハローワーク")
        text = page_text(response)
        assert gettext("Contractor (empty while not yet chosen)") in text
        assert gettext("Outsourcing") in text
        assert "株式会社まもり" in text

    def test_a_removed_row_is_listed(self, client: Client, personas: Personas) -> None:
        consultation = answered(personas, later=testing.record_data(items=[{"name": "氏名"}]))
        response = signed_in(client, personas, "secretariat").get(
            url_of("record_diff", consultation) + "?from=1&to=2"
        )
        kinds = {change.path: change.kind for change in response.context["changes"]}
        assert kinds["items[item2].name"] == "removed"

    def test_htmx_gets_only_the_changes(self, client: Client, personas: Personas) -> None:
        consultation = answered(personas, later=contractor_chosen())
        response = signed_in(client, personas, "staff").get(
            url_of("record_diff", consultation) + "?from=1&to=2", headers={"HX-Request": "true"}
        )
        text = page_text(response)
        assert 'id="diff-result"' in text
        assert "株式会社まもり" in text
        assert "<html" not in text

    @pytest.mark.parametrize("query", ["?from=x", "?from=1&to=99", "?to=-1", "?from=1&to=1.5"])
    def test_a_bad_version_number_is_not_found(
        self, client: Client, personas: Personas, query: str
    ) -> None:
        consultation = answered(personas, later=contractor_chosen())
        response = signed_in(client, personas, "secretariat").get(
            url_of("record_diff", consultation) + query
        )
        assert response.status_code == 404

    def test_with_a_single_version_it_says_there_is_nothing_to_compare(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas)
        response = signed_in(client, personas, "secretariat").get(
            url_of("record_diff", consultation)
        )
        assert response.status_code == 200
        assert response.context["changes"] is None
        assert [m.level_tag for m in response.context["messages"]] == ["info"]

    def test_a_member_may_not_compare_with_the_draft(
        self, client: Client, personas: Personas, consultation: Consultation, meeting: Any
    ) -> None:
        testing.make_version(consultation, submitted=True)
        testing.make_version(consultation, data=contractor_chosen())
        client = signed_in(client, personas, "member")
        assert client.get(url_of("record_diff", consultation) + "?from=1&to=2").status_code == 404
        assert client.get(url_of("record_diff", consultation)).status_code == 200

    @pytest.mark.parametrize("role", ["other_staff", "contractor", "auditor", "outsider_member"])
    def test_others_are_refused(self, client: Client, personas: Personas, role: str) -> None:
        consultation = answered(personas, later=contractor_chosen())
        response = signed_in(client, personas, role).get(url_of("record_diff", consultation))
        assert response.status_code == 403

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas, later=contractor_chosen())
        assert sends_to_sign_in(client.get(url_of("record_diff", consultation)))


class TestTheNumberOfQueries:
    def crowd(self, personas: Personas, consultation: Consultation, size: int) -> None:
        """Meetings, opinions with responses and follow-ups, versions, attachments."""
        meetings = [
            testing.make_meeting(personas.council, date=dt.date(2009, 6 + n, 1)) for n in range(3)
        ]
        for meeting in meetings:
            testing.put_on_agenda(meeting, consultation)
        for n in range(size):
            opinion = testing.make_opinion(
                consultation,
                meeting=meetings[n % 3],
                member=personas.member,
                order=n + 1,
                anchor="recipients[hw]" if n % 2 else "purpose.purpose",
            )
            Response.objects.create(opinion=opinion, department=personas.shogai, text=f"回答{n}")
            FollowUp.objects.create(
                consultation=consultation, opinion=opinion, commitment="約束", owner=personas.shogai
            )
        for _ in range(size // 5):
            testing.make_version(consultation, submitted=True, data=contractor_chosen())
        for n in range(size // 10):
            attachment = Attachment.objects.create(
                consultation=consultation,
                kind=Attachment.Kind.OTHER,
                title=f"資料{n}",
                file=f"consultations/{consultation.pk}/file{n}",
                original_name=f"資料{n}.pdf",
                content_type="application/pdf",
                size=100,
                sha256="0" * 64,
                uploaded_by=personas.staff,
                uploaded_at=timezone.now(),
            )
            AttachmentFact.objects.create(
                attachment=attachment, path="outsourcing.support_method", value="remote"
            )

    @pytest.mark.parametrize("role", ["secretariat", "staff", "member"])
    def test_the_page_takes_a_bounded_number_of_queries(
        self,
        client: Client,
        personas: Personas,
        django_assert_max_num_queries: Any,
        role: str,
    ) -> None:
        consultation = make(personas, Status.FOLLOW_UP)
        self.crowd(personas, consultation, 60)
        client = signed_in(client, personas, role)
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url_of("consultation_detail", consultation))
        assert response.status_code == 200
        assert len(response.context["versions"]) == 12

    def test_more_opinions_and_versions_take_no_more_queries(
        self, client: Client, personas: Personas
    ) -> None:
        small, large = make(personas, Status.FOLLOW_UP), make(personas, Status.FOLLOW_UP)
        self.crowd(personas, small, 10)
        self.crowd(personas, large, 50)
        client = signed_in(client, personas, "staff")
        counts = []
        for consultation in (small, large):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url_of("consultation_detail", consultation)).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]


# About 30 today: sessions, the user, the consultation and each kind of row once, plus a fixed
# eight for similar past consultations (candidates, their records, kinds, decisions, follow-ups).
MAX_QUERIES = 40
