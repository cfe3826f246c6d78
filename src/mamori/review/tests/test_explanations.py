"""Explanations belong to the version they were written on and to one finding (its key); the
meeting's own findings show to the secretariat; the pages' work does not grow with the data."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations import anchors, handling, lifecycle
from mamori.consultations.models import (
    Attachment,
    AttachmentFact,
    Consultation,
    ConsultationKind,
    HandlingRecordVersion,
)
from mamori.consultations.tests.helpers import page_text, signed_in, url_of
from mamori.council.models import Meeting, Minutes
from mamori.review import pages, rules, services
from mamori.review.models import ChecklistAnswer, ChecklistQuestion, Explanation
from mamori.review.rules import Finding, Severity
from mamori.review.rules.meeting import meeting_findings

TODAY = dt.date(2026, 4, 1)
PATH = "carry_out.electronic.allowed"
# R10 on PATH, twice over: electronic carry-out allowed on a paper-only record…
PAPER_ONLY = testing.record_data(
    form={"medium": {"value": "paper"}},
    carry_out={"paper": {"allowed": {"value": True}}, "electronic": {"allowed": {"value": True}}},
)
# …and, on the same field, whether electronic media may leave not answered.
UNANSWERED = testing.record_data(
    form={"medium": {"value": "paper"}},
    carry_out={"paper": {"allowed": {"value": True}}, "electronic": {"allowed": {"value": None}}},
)
SUBMITTED_TEXT = "提出時の説明"
LATER_TEXT = "後の案で書き直した説明"


@pytest.fixture(autouse=True)
def only_r10() -> Iterator[None]:
    """Only R10 runs (and the rules a test registers), whatever other rules exist."""
    rules.load_rules()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "RULES", {"R10": rules.RULES["R10"]})
        yield


def r10_on(data: dict[str, Any]) -> Finding:
    """The one R10 finding on PATH a record raises."""
    record = handling.HandlingRecord.model_validate(data)
    [finding] = [f for f in rules.evaluate(rules.Context(record=record)) if f.path == PATH]
    return finding


def freeze(version: HandlingRecordVersion, by: Any) -> None:
    """Mark a draft version submitted, as lifecycle._freeze would (without its gate)."""
    HandlingRecordVersion.objects.filter(pk=version.pk).update(
        submitted_at=timezone.now(), submitted_by=by
    )


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    return testing.make_meeting(personas.council, fiscal_year=2009, number=3)


@pytest.fixture
def resubmitting(personas: Personas, meeting: Meeting) -> Consultation:
    """On the agenda: version 1 submitted with an explanation of R10, version 2 a draft."""
    consultation = testing.make_consultation(
        personas.council, personas.shogai, status=Consultation.Status.CONTINUED
    )
    first = testing.make_version(consultation, data=PAPER_ONLY, by=personas.staff)
    services.explain_finding(
        actor=personas.staff,
        consultation=consultation,
        finding=r10_on(PAPER_ONLY),
        text=SUBMITTED_TEXT,
    )
    freeze(first, personas.staff)
    testing.make_version(consultation, data=PAPER_ONLY, by=personas.staff)
    testing.put_on_agenda(meeting, consultation)
    return consultation


def versions(consultation: Consultation) -> tuple[HandlingRecordVersion, HandlingRecordVersion]:
    first, second = consultation.record_versions.order_by("number")
    return first, second


class TestExplanationsBelongToAVersion:
    def test_an_explanation_is_written_on_the_draft(
        self, personas: Personas, resubmitting: Consultation
    ) -> None:
        stored = services.explain_finding(
            actor=personas.staff,
            consultation=resubmitting,
            finding=r10_on(PAPER_ONLY),
            text=LATER_TEXT,
        )
        assert stored.version == lifecycle.draft_version(resubmitting)
        assert stored.key == r10_on(PAPER_ONLY).key

    def test_a_rewrite_on_a_later_draft_leaves_the_submitted_explanation_as_read(
        self, personas: Personas, resubmitting: Consultation
    ) -> None:
        services.explain_finding(
            actor=personas.staff,
            consultation=resubmitting,
            finding=r10_on(PAPER_ONLY),
            text=LATER_TEXT,
        )
        first, second = versions(resubmitting)
        key = r10_on(PAPER_ONLY).key
        assert services.explanations_of(resubmitting, first)[key].text == SUBMITTED_TEXT
        assert services.explanations_of(resubmitting, second)[key].text == LATER_TEXT
        assert Explanation.objects.count() == 2

    def test_members_do_not_see_an_explanation_written_on_the_draft(
        self, client: Client, personas: Personas, resubmitting: Consultation
    ) -> None:
        services.explain_finding(
            actor=personas.staff,
            consultation=resubmitting,
            finding=r10_on(PAPER_ONLY),
            text=LATER_TEXT,
        )
        response = signed_in(client, personas, "member").get(
            url_of("consultation_detail", resubmitting)
        )
        assert response.status_code == 200
        html = page_text(response)
        assert SUBMITTED_TEXT in html
        assert LATER_TEXT not in html

    def test_the_draft_inherits_the_submitted_explanation_until_it_writes_another(
        self, personas: Personas, resubmitting: Consultation
    ) -> None:
        assert services.unexplained_must_fix(resubmitting) == []
        _, second = versions(resubmitting)
        [item] = pages.items_of(resubmitting, second.record(), version=second, checklist=False)
        assert item.explanation == SUBMITTED_TEXT
        assert not Explanation.objects.filter(version=second).exists()  # read, not copied

    def test_a_draft_explanation_does_not_show_beside_the_meeting_summary(
        self, client: Client, personas: Personas, resubmitting: Consultation, meeting: Meeting
    ) -> None:
        services.explain_finding(
            actor=personas.staff,
            consultation=resubmitting,
            finding=r10_on(PAPER_ONLY),
            text=LATER_TEXT,
        )
        [row] = pages.meeting_review(meeting)
        assert row.version.number == 1
        assert row.explanations == 1
        assert services.explanations_of(resubmitting, row.version)[r10_on(PAPER_ONLY).key].text == (
            SUBMITTED_TEXT
        )

    def test_nothing_is_explained_without_a_draft(self, personas: Personas) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        testing.make_version(consultation, data=PAPER_ONLY, submitted=True, by=personas.staff)
        with pytest.raises(services.NotEditableError):
            services.explain_finding(
                actor=personas.staff,
                consultation=consultation,
                finding=r10_on(PAPER_ONLY),
                text=LATER_TEXT,
            )
        assert not Explanation.objects.exists()

    def test_an_explanation_from_before_keys_still_counts_for_its_rule_and_field(
        self, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        version = testing.make_version(consultation, data=PAPER_ONLY, by=personas.staff)
        Explanation.objects.create(
            consultation=consultation,
            version=version,
            key=f"R10:{PATH}:",  # as migration 0003 left it
            rule="R10",
            path=PATH,
            text=SUBMITTED_TEXT,
            written_by=personas.staff,
            written_at=timezone.now(),
        )
        assert services.unexplained_must_fix(consultation) == []


class TestAnExplanationCountsForOneFinding:
    def test_the_two_r10_findings_on_one_field_have_different_keys(self) -> None:
        assert r10_on(PAPER_ONLY).path == r10_on(UNANSWERED).path == PATH
        assert r10_on(PAPER_ONLY).key != r10_on(UNANSWERED).key

    def test_explaining_one_finding_does_not_open_the_gate_for_another_on_the_field(
        self, personas: Personas
    ) -> None:
        draft = testing.make_consultation(personas.council, personas.shogai, status="draft")
        version = testing.make_version(draft, data=UNANSWERED, by=personas.staff)
        services.explain_finding(
            actor=personas.staff, consultation=draft, finding=r10_on(UNANSWERED), text="理由"
        )
        assert services.unexplained_must_fix(draft) == []
        HandlingRecordVersion.objects.filter(pk=version.pk).update(data=PAPER_ONLY)
        assert [f.key for f in services.unexplained_must_fix(draft)] == [r10_on(PAPER_ONLY).key]
        with pytest.raises(lifecycle.FindingsOpenError):
            lifecycle.submit_consultation(actor=personas.staff, consultation=draft, on=TODAY)

    def test_the_explanation_form_names_the_finding_by_its_key(
        self, client: Client, personas: Personas
    ) -> None:
        draft = testing.make_consultation(personas.council, personas.shogai, status="draft")
        testing.make_version(draft, data=PAPER_ONLY, by=personas.staff)
        url = reverse("review:explain", kwargs={"council": "kojin", "key": draft.key})
        client = signed_in(client, personas, "staff")
        other = client.post(url, {"key": r10_on(UNANSWERED).key, "text": "理由"})
        assert other.status_code == 302
        assert not Explanation.objects.exists()
        client.post(url, {"key": r10_on(PAPER_ONLY).key, "text": "理由"})
        assert list(Explanation.objects.values_list("key", flat=True)) == [r10_on(PAPER_ONLY).key]


def summary_url(meeting: Meeting) -> str:
    return reverse(
        "review:meeting_summary",
        kwargs={"council": "kojin", "fiscal_year": meeting.fiscal_year, "number": meeting.number},
    )


class TestTheMeetingsOwnFindings:
    def test_the_summary_shows_the_meeting_level_findings(
        self, client: Client, personas: Personas, meeting: Meeting
    ) -> None:
        findings = meeting_findings(meeting)
        assert findings  # a bare meeting lacks its attendance and minutes
        response = signed_in(client, personas, "secretariat").get(summary_url(meeting))
        assert response.status_code == 200
        html = page_text(response)
        assert 'id="meeting-findings"' in html
        assert [i.rule for i in response.context["meeting_items"]] == [f.rule for f in findings]
        for finding in findings:
            assert finding.text() in html

    def test_htmx_gets_the_meeting_level_findings_alone(
        self, client: Client, personas: Personas, meeting: Meeting
    ) -> None:
        response = signed_in(client, personas, "secretariat").get(
            summary_url(meeting), headers={"HX-Request": "true"}
        )
        html = page_text(response)
        assert html.lstrip().startswith("<section")
        assert "<html" not in html
        assert meeting_findings(meeting)[0].text() in html

    def test_the_council_meeting_page_loads_them_for_the_secretariat_only(
        self, client: Client, personas: Personas, meeting: Meeting
    ) -> None:
        Minutes.objects.create(meeting=meeting)
        url = reverse(
            "council:meeting_detail",
            kwargs={"council": "kojin", "fiscal_year": 2009, "number": meeting.number},
        )
        secretariat = page_text(signed_in(client, personas, "secretariat").get(url))
        assert f'hx-get="{summary_url(meeting)}"' in secretariat
        client.logout()
        member = signed_in(client, personas, "member").get(url)
        assert member.status_code == 200
        assert 'id="meeting-findings"' not in page_text(member)


def agenda_of(personas: Personas, meeting: Meeting, size: int) -> None:
    """`size` consultations on the agenda, each with all a pre-review reads."""
    kind = ConsultationKind.objects.get(code="outsourcing")
    question, _created = ChecklistQuestion.objects.get_or_create(
        text="質問", defaults={"expected_answer": True}
    )
    question.kinds.add(kind)
    for _ in range(size):
        consultation = testing.make_consultation(personas.council, personas.shogai)
        consultation.kinds.add(kind)
        version = testing.make_version(consultation, data=PAPER_ONLY, by=personas.staff)
        services.explain_finding(
            actor=personas.staff, consultation=consultation, finding=r10_on(PAPER_ONLY), text="理由"
        )
        freeze(version, personas.staff)
        attachment = Attachment.objects.create(
            consultation=consultation,
            kind=Attachment.Kind.OTHER,
            title="資料",
            file=f"consultations/{consultation.pk}/file",
            original_name="資料.pdf",
            content_type="application/pdf",
            size=100,
            sha256="0" * 64,
            uploaded_by=personas.staff,
            uploaded_at=timezone.now(),
        )
        AttachmentFact.objects.create(
            attachment=attachment, path="outsourcing.support_method", value="remote"
        )
        ChecklistAnswer.objects.create(
            consultation=consultation,
            question=question,
            answer=False,
            explanation="",
            answered_by=personas.staff,
            answered_at=timezone.now(),
        )
        testing.put_on_agenda(meeting, consultation)


class TestQueriesDoNotGrowWithTheData:
    def count_summary_queries(self, client: Client, meeting: Meeting) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(summary_url(meeting))
        assert response.status_code == 200
        assert len(response.context["rows"]) == meeting.agenda_items.count()
        return len(queries.captured_queries)

    def test_the_meeting_summary_takes_as_many_queries_for_8_consultations_as_for_2(
        self, client: Client, personas: Personas, django_assert_max_num_queries: Any
    ) -> None:
        small = testing.make_meeting(personas.council, number=41)
        large = testing.make_meeting(personas.council, number=42)
        agenda_of(personas, small, 2)
        agenda_of(personas, large, 8)
        client = signed_in(client, personas, "secretariat")
        client.get(summary_url(small))  # warm the session and caches
        queries = self.count_summary_queries(client, small)
        with django_assert_max_num_queries(queries):
            response = client.get(summary_url(large))
        rows = response.context["rows"]
        assert len(rows) == 8
        assert all(row.explanations == 1 for row in rows)  # R10, explained
        assert all([n for _, _, n in row.counts] == [0, 1, 0] for row in rows)  # the checklist

    def test_the_record_and_its_anchors_are_read_once_per_page_not_once_per_finding(
        self, personas: Personas, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        version = testing.make_version(consultation, data=PAPER_ONLY, by=personas.staff)
        record = version.record()
        findings = [
            Finding("T99", Severity.NOTE, f"carry_out.{medium}.{name}", f"{medium} {name}")
            for medium in ("paper", "electronic")
            for name in ("allowed", "purpose", "approval")
        ]
        calls = {"dump": 0, "anchors": 0}
        dump, anchors_of = handling.dump, anchors.anchors_of

        def counting_dump(*args: Any, **kwargs: Any) -> Any:
            calls["dump"] += 1
            return dump(*args, **kwargs)

        def counting_anchors(*args: Any, **kwargs: Any) -> Any:
            calls["anchors"] += 1
            return anchors_of(*args, **kwargs)

        monkeypatch.setattr(handling, "dump", counting_dump)
        monkeypatch.setattr(anchors, "anchors_of", counting_anchors)
        items = pages.items_of(consultation, record, findings=findings, checklist=False)
        assert len(items) == 6
        assert calls == {"dump": 1, "anchors": 1}


class TestExplanationsFromBeforeVersions:
    def test_the_migration_gives_them_the_latest_submitted_version_and_a_legacy_key(
        self, personas: Personas
    ) -> None:
        from django.apps import apps

        migration = importlib.import_module("mamori.review.migrations.0003_explanation_version")
        consultation = testing.make_consultation(personas.council, personas.shogai)
        testing.make_version(consultation, data=PAPER_ONLY, submitted=True, by=personas.staff)
        second = testing.make_version(
            consultation, data=PAPER_ONLY, submitted=True, by=personas.staff
        )
        testing.make_version(consultation, data=PAPER_ONLY, by=personas.staff)  # a draft
        old = Explanation.objects.create(
            consultation=consultation,
            rule="R10",
            path=PATH,
            text=SUBMITTED_TEXT,
            written_by=personas.staff,
            written_at=timezone.now(),
        )
        migration.attach_to_versions(apps, None)
        old.refresh_from_db()
        assert (old.version, old.key) == (second, f"R10:{PATH}:")
        assert (
            services.explanation_for(
                services.explanations_of(consultation, second), r10_on(PAPER_ONLY)
            )
            == old
        )
