"""Where findings show: beside the draft as it is written, on the members' view of the
consultation with the department's explanations (and the one-click opinion), and in the
secretariat's pre-review of a meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations import lifecycle
from mamori.consultations.models import (
    Attachment,
    AttachmentFact,
    Consultation,
    ConsultationKind,
    HandlingRecordVersion,
    Opinion,
)
from mamori.consultations.tests.helpers import (
    EVERY_ROLE,
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)
from mamori.council.models import Meeting, Minutes
from mamori.review import pages, rules, services
from mamori.review.rules import Finding, Severity

R10_RECORD = testing.record_data(
    form={"medium": {"value": "paper"}},
    carry_out={"paper": {"allowed": {"value": True}}, "electronic": {"allowed": {"value": True}}},
)
R10_PATH = "carry_out.electronic.allowed"
R10_MESSAGE = (
    "The record is kept on paper only, yet electronic carry-out is allowed: "
    "exclude it, or say what electronic data leaves."
)
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def only_r10() -> Iterator[None]:
    """Only R10 runs (and the rules a test registers), whatever other rules exist."""
    rules.load_rules()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "RULES", {"R10": rules.RULES["R10"]})
        yield


def r10_text() -> str:
    return gettext(R10_MESSAGE)


def r10_finding() -> Finding:
    """The must-fix finding R10 raises on R10_RECORD."""
    return Finding("R10", Severity.MUST_FIX, R10_PATH, R10_MESSAGE)


def submit_directly(version: HandlingRecordVersion, by: Any) -> None:
    """Freeze a draft version as submitted, without the lifecycle (and its gate)."""
    now = timezone.now()
    HandlingRecordVersion.objects.filter(pk=version.pk).update(submitted_at=now, submitted_by=by)


def review_url(name: str, consultation: Consultation, **kwargs: Any) -> str:
    return reverse(
        f"review:{name}",
        kwargs={"council": consultation.council.slug, "key": consultation.key, **kwargs},
    )


@pytest.fixture
def draft(personas: Personas) -> Consultation:
    """A draft of 障害支援課 whose record raises R10 on carry-out."""
    consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
    testing.make_version(consultation, data=R10_RECORD, by=personas.staff)
    return consultation


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    return testing.make_meeting(personas.council, fiscal_year=2009, number=3)


@pytest.fixture
def on_agenda(personas: Personas, meeting: Meeting) -> Consultation:
    """A consultation on the meeting's agenda whose submitted record raises R10, with the
    department's explanation, and a cleaner draft members must not see."""
    consultation = testing.make_consultation(
        personas.council, personas.shogai, status=Consultation.Status.ON_AGENDA
    )
    version = testing.make_version(consultation, data=R10_RECORD, by=personas.staff)
    services.explain_finding(
        actor=personas.staff,
        consultation=consultation,
        finding=r10_finding(),
        text="電子媒体での持ち出しは行わない運用とする。",
    )
    submit_directly(version, personas.staff)
    testing.put_on_agenda(meeting, consultation)
    return consultation


# Beside the draft --------------------------------------------------------------------------


class TestTheDraftingPage:
    def test_the_section_shows_its_findings_with_an_explanation_box(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").get(
            url_of("record_edit", draft, section="carry_out")
        )
        assert response.status_code == 200
        html = page_text(response)
        assert r10_text() in html
        assert gettext("Must fix") in html
        assert f'action="{review_url("explain", draft)}"' in html
        assert [(i.rule, i.path) for i in response.context["review"].items] == [("R10", R10_PATH)]

    def test_another_section_shows_none_of_them_but_the_navigation_counts_them(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").get(
            url_of("record_edit", draft, section="purpose")
        )
        assert response.status_code == 200
        assert r10_text() not in page_text(response)
        counts = {s.key: s.must_fix for s in response.context["sections"]}
        assert counts["carry_out"] == 1
        assert counts["purpose"] == 0

    def test_an_explained_finding_no_longer_counts_as_open(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        services.explain_finding(
            actor=personas.staff, consultation=draft, finding=r10_finding(), text="理由"
        )
        response = signed_in(client, personas, "staff").get(
            url_of("record_edit", draft, section="carry_out")
        )
        assert {s.key: s.must_fix for s in response.context["sections"]}["carry_out"] == 0
        assert "理由" in page_text(response)

    def test_findings_follow_each_save(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        client = signed_in(client, personas, "staff")
        url = url_of("record_edit", draft, section="carry_out")
        client.post(url, carry_out_post(electronic="false"))
        assert r10_text() not in page_text(client.get(url))


def carry_out_post(*, electronic: str, paper: str = "true") -> dict[str, str]:
    return {
        "carry_out.paper.allowed.value": paper,
        "carry_out.paper.allowed.certainty": "fixed",
        "carry_out.electronic.allowed.value": electronic,
        "carry_out.electronic.allowed.certainty": "fixed",
        "action": "save",
    }


class TestLiveFindings:
    def url(self, consultation: Consultation, section: str = "carry_out") -> str:
        return review_url("section_findings", consultation, section=section)

    def test_the_section_as_typed_is_checked_without_saving(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        client = signed_in(client, personas, "staff")
        fixed = client.post(self.url(draft), carry_out_post(electronic="false"), headers=HTMX)
        assert fixed.status_code == 200
        assert r10_text() not in page_text(fixed)
        assert 'id="section-findings"' in page_text(fixed)
        assert "<html" not in page_text(fixed)
        raised = client.post(self.url(draft), carry_out_post(electronic="true"), headers=HTMX)
        assert r10_text() in page_text(raised)
        version = lifecycle.draft_version(draft)
        assert version is not None
        assert version.data == R10_RECORD
        assert audited("consultations.save_record_draft") == 0

    def test_the_typed_record_is_checked_as_r10_sees_an_unanswered_medium(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            self.url(draft), carry_out_post(electronic=""), headers=HTMX
        )
        assert [(i.rule, i.path) for i in response.context["review"].items] == [("R10", R10_PATH)]

    def test_input_errors_keep_the_findings_of_the_saved_draft(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            self.url(draft), carry_out_post(electronic="perhaps"), headers=HTMX
        )
        assert response.status_code == 200
        assert response.context["review"].stale
        assert r10_text() in page_text(response)

    def test_without_htmx_it_returns_to_the_section(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            self.url(draft), carry_out_post(electronic="false")
        )
        assert response.status_code == 302
        assert response["Location"] == url_of("record_edit", draft, section="carry_out")

    def test_an_unknown_section_is_not_found(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            self.url(draft, "nonsense"), {}, headers=HTMX
        )
        assert response.status_code == 404

    def test_a_submitted_record_is_not_checked_as_a_draft(
        self, client: Client, personas: Personas, on_agenda: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            self.url(on_agenda), carry_out_post(electronic="true"), headers=HTMX
        )
        assert response.status_code == 403

    @pytest.mark.parametrize("role", [r for r in EVERY_ROLE if r != "staff"])
    def test_only_the_department_checks_its_draft(
        self, client: Client, personas: Personas, draft: Consultation, role: str
    ) -> None:
        response = signed_in(client, personas, role).post(
            self.url(draft), carry_out_post(electronic="true"), headers=HTMX
        )
        assert response.status_code == 403

    def test_signed_out_visitors_are_sent_to_sign_in(
        self, client: Client, draft: Consultation
    ) -> None:
        assert sends_to_sign_in(client.post(self.url(draft), carry_out_post(electronic="true")))


# The members' view ---------------------------------------------------------------------------


class TestThePreReviewOnTheConsultationPage:
    def test_a_member_sees_the_finding_with_the_departments_explanation(
        self, client: Client, personas: Personas, on_agenda: Consultation
    ) -> None:
        response = signed_in(client, personas, "member").get(
            url_of("consultation_detail", on_agenda)
        )
        assert response.status_code == 200
        html = page_text(response)
        assert 'id="prereview"' in html
        assert r10_text() in html
        assert "電子媒体での持ち出しは行わない運用とする。" in html
        assert f'action="{review_url("finding_opinion", on_agenda)}"' in html
        assert f'action="{review_url("explain", on_agenda)}"' not in html

    def test_members_see_the_findings_of_the_submitted_version_not_of_the_draft(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.CONTINUED
        )
        meeting = testing.make_meeting(personas.council)
        testing.put_on_agenda(meeting, consultation)
        testing.make_version(consultation, submitted=True, by=personas.staff)
        testing.make_version(consultation, data=R10_RECORD, by=personas.staff)
        member = signed_in(client, personas, "member").get(
            url_of("consultation_detail", consultation)
        )
        assert member.context["prereview"].version.number == 1
        assert r10_text() not in page_text(member)
        client.logout()
        staff = signed_in(client, personas, "staff").get(
            url_of("consultation_detail", consultation)
        )
        assert staff.context["prereview"].version.number == 2
        assert r10_text() in page_text(staff)

    def test_the_department_explains_on_its_draft_from_the_consultation_page(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").get(url_of("consultation_detail", draft))
        assert f'action="{review_url("explain", draft)}"' in page_text(response)
        assert f'action="{review_url("finding_opinion", draft)}"' not in page_text(response)

    def test_the_record_page_shows_the_pre_review_of_the_version_shown(
        self, client: Client, personas: Personas, on_agenda: Consultation
    ) -> None:
        response = signed_in(client, personas, "member").get(url_of("record_view", on_agenda))
        assert response.status_code == 200
        assert r10_text() in page_text(response)
        assert "電子媒体での持ち出しは行わない運用とする。" in page_text(response)

    def test_a_consultation_without_a_submitted_record_has_nothing_to_review_yet(
        self, client: Client, personas: Personas, meeting: Meeting
    ) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        testing.put_on_agenda(meeting, consultation)
        response = signed_in(client, personas, "member").get(
            url_of("consultation_detail", consultation)
        )
        assert response.status_code == 200
        assert response.context["prereview"].version is None


class TestTheOneClickOpinion:
    def url(self, consultation: Consultation) -> str:
        return review_url("finding_opinion", consultation)

    def test_a_member_turns_a_finding_into_an_opinion_about_its_field(
        self, client: Client, personas: Personas, on_agenda: Consultation, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "member").post(
            self.url(on_agenda), {"key": r10_finding().key}
        )
        opinion = Opinion.objects.get(consultation=on_agenda)
        assert response.status_code == 302
        assert response["Location"] == url_of("consultation_detail", on_agenda) + (
            f"#opinion-{opinion.pk}"
        )
        assert (opinion.member, opinion.meeting, opinion.anchor) == (
            personas.member,
            meeting,
            R10_PATH,
        )
        assert opinion.text == r10_text()
        assert audited("consultations.record_opinion") == 1

    def test_a_second_click_does_not_raise_it_twice(
        self, client: Client, personas: Personas, on_agenda: Consultation
    ) -> None:
        client = signed_in(client, personas, "member")
        first = client.post(self.url(on_agenda), {"key": r10_finding().key})
        second = client.post(self.url(on_agenda), {"key": r10_finding().key})
        assert first["Location"] == second["Location"]
        assert Opinion.objects.filter(consultation=on_agenda).count() == 1

    def test_a_finding_about_no_anchorable_field_gives_an_opinion_without_anchor(
        self, client: Client, personas: Personas, on_agenda: Consultation
    ) -> None:
        @rules.rule("T99", title="test", severity=Severity.NOTE, source="")
        def whole_section(context: rules.Context) -> Iterator[Finding]:
            yield Finding("T99", Severity.NOTE, "carry_out", "A note on carry-out.")

        signed_in(client, personas, "member").post(
            self.url(on_agenda),
            {"key": Finding("T99", Severity.NOTE, "carry_out", "A note on carry-out.").key},
        )
        opinion = Opinion.objects.get(consultation=on_agenda)
        assert (opinion.text, opinion.anchor) == ("A note on carry-out.", "")

    def test_a_finding_that_does_not_stand_makes_no_opinion(
        self, client: Client, personas: Personas, on_agenda: Consultation
    ) -> None:
        response = signed_in(client, personas, "member").post(
            self.url(on_agenda), {"key": "R10:purpose.purpose:0123456789"}
        )
        assert response.status_code == 302
        assert not Opinion.objects.exists()

    def test_a_closed_consultation_takes_no_opinion(
        self, client: Client, personas: Personas, on_agenda: Consultation
    ) -> None:
        Consultation.objects.filter(pk=on_agenda.pk).update(status=Consultation.Status.CLOSED)
        response = signed_in(client, personas, "member").post(
            self.url(on_agenda), {"key": r10_finding().key}
        )
        assert response.status_code == 302
        assert not Opinion.objects.exists()

    @pytest.mark.parametrize("role", [r for r in EVERY_ROLE if r != "member"])
    def test_only_a_member_sitting_on_its_meeting_raises_it(
        self, client: Client, personas: Personas, on_agenda: Consultation, role: str
    ) -> None:
        response = signed_in(client, personas, role).post(
            self.url(on_agenda), {"key": r10_finding().key}
        )
        assert response.status_code == 403
        assert not Opinion.objects.exists()

    def test_signed_out_visitors_are_sent_to_sign_in(
        self, client: Client, on_agenda: Consultation
    ) -> None:
        assert sends_to_sign_in(client.post(self.url(on_agenda), {"key": r10_finding().key}))


# The meeting's pre-review --------------------------------------------------------------------


class TestTheMeetingSummary:
    def url(self, meeting: Meeting) -> str:
        return reverse(
            "review:meeting_summary",
            kwargs={
                "council": meeting.council.slug,
                "fiscal_year": meeting.fiscal_year,
                "number": meeting.number,
            },
        )

    def test_it_counts_each_consultations_open_findings_by_severity(
        self, client: Client, personas: Personas, meeting: Meeting, on_agenda: Consultation
    ) -> None:
        open_one = testing.make_consultation(personas.council, personas.shogai)
        testing.make_version(open_one, data=R10_RECORD, submitted=True)
        testing.put_on_agenda(meeting, open_one)
        response = signed_in(client, personas, "secretariat").get(self.url(meeting))
        assert response.status_code == 200
        rows = {row.consultation.pk: row for row in response.context["rows"]}
        assert set(rows) == {on_agenda.pk, open_one.pk}
        assert [n for _, _, n in rows[open_one.pk].counts] == [1, 0, 0]
        assert rows[open_one.pk].explanations == 0
        assert [n for _, _, n in rows[on_agenda.pk].counts] == [0, 0, 0]
        assert rows[on_agenda.pk].explanations == 1
        assert r10_text() in page_text(response)

    def test_a_meeting_that_answered_shows_the_version_it_answered(
        self, client: Client, personas: Personas, meeting: Meeting
    ) -> None:
        from mamori.consultations.models import Decision

        answered = testing.make_consultation(personas.council, personas.shogai)
        first = testing.make_version(answered, data=R10_RECORD, submitted=True)
        testing.make_version(answered, submitted=True)  # filed after the answer, complete
        testing.put_on_agenda(meeting, answered)
        Decision.objects.create(
            consultation=answered,
            meeting=meeting,
            decided_on=meeting.date,
            result=Decision.Result.APPROVED,
            answered_version=first,
        )
        response = signed_in(client, personas, "secretariat").get(self.url(meeting))
        [row] = [r for r in response.context["rows"] if r.consultation.pk == answered.pk]
        assert row.version == first
        must_fix = row.counts[0][2]
        assert must_fix == 1

    def test_the_meeting_page_links_to_it_for_the_secretariat(
        self, client: Client, personas: Personas, meeting: Meeting
    ) -> None:
        Minutes.objects.create(meeting=meeting)
        page = signed_in(client, personas, "secretariat").get(
            reverse(
                "council:meeting_detail",
                kwargs={"council": "kojin", "fiscal_year": 2009, "number": meeting.number},
            )
        )
        assert f'href="{self.url(meeting)}"' in page_text(page)

    @pytest.mark.parametrize("role", [r for r in EVERY_ROLE if r != "secretariat"])
    def test_only_the_secretariat_reads_it(
        self, client: Client, personas: Personas, meeting: Meeting, role: str
    ) -> None:
        assert signed_in(client, personas, role).get(self.url(meeting)).status_code == 403

    def test_signed_out_visitors_are_sent_to_sign_in(
        self, client: Client, meeting: Meeting
    ) -> None:
        assert sends_to_sign_in(client.get(self.url(meeting)))

    def test_an_unknown_meeting_is_not_found(self, client: Client, personas: Personas) -> None:
        url = reverse(
            "review:meeting_summary", kwargs={"council": "kojin", "fiscal_year": 2009, "number": 99}
        )
        assert signed_in(client, personas, "secretariat").get(url).status_code == 404


class TestTheRulesSeeWhatTheServiceSees:
    def test_the_page_builds_the_same_context_as_the_service(
        self, personas: Personas, on_agenda: Consultation
    ) -> None:
        on_agenda.kinds.add(ConsultationKind.objects.get(code="outsourcing"))
        for n in (1, 2):
            attachment = Attachment.objects.create(
                consultation=on_agenda,
                kind=Attachment.Kind.OTHER,
                title=f"資料{n}",
                file=f"consultations/{on_agenda.pk}/file{n}",
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
        later = testing.make_meeting(personas.council, date=dt.date(2009, 11, 5))
        testing.put_on_agenda(later, on_agenda)
        record = lifecycle.working_record(on_agenda)
        built = pages.context_from(
            on_agenda,
            record,
            kinds=list(on_agenda.kinds.all()),
            attachments=list(on_agenda.attachments.prefetch_related("facts")),
            agenda_items=list(on_agenda.agenda_items.select_related("meeting")),
        )
        assert built == services.context_for(on_agenda, record=record)
        assert built.meeting_date == dt.date(2009, 11, 5)
        assert len(built.facts) == 2
