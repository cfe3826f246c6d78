"""The consultation's life: who may move it, from which states, and what each move records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.consultations import lifecycle
from mamori.consultations.models import (
    ChangeAssessment,
    Consultation,
    Decision,
    FollowUp,
    HandlingRecordVersion,
)
from mamori.council.models import Meeting

Status = Consultation.Status
ROLES = ["secretariat", "staff", "other_staff", "member", "chair", "contractor", "auditor"]
TODAY = dt.date(2009, 7, 30)


def consultation_in(personas: Personas, status: str, *, draft: bool = True) -> Consultation:
    consultation = testing.make_consultation(personas.council, personas.shogai, status=status)
    if status != Status.DRAFT:
        testing.make_version(consultation, submitted=True, by=personas.staff)
    if draft:
        testing.make_version(consultation, by=personas.staff)
    return consultation


def meeting_of(personas: Personas) -> Meeting:
    return testing.make_meeting(personas.council, date=dt.date(2009, 8, 6))


# Each action: the state it starts from, who may take it, and how to call it.
Action = Callable[[Any, Consultation, Personas], object]
ACTIONS: dict[str, tuple[str, set[str], Action]] = {
    "submit": (
        Status.DRAFT,
        {"staff"},
        lambda actor, c, p: lifecycle.submit_consultation(actor=actor, consultation=c, on=TODAY),
    ),
    "return": (
        Status.SUBMITTED,
        {"secretariat"},
        lambda actor, c, p: lifecycle.return_consultation(
            actor=actor, consultation=c, reason="記載漏れがあります"
        ),
    ),
    "accept": (
        Status.SUBMITTED,
        {"secretariat"},
        lambda actor, c, p: lifecycle.accept_consultation(
            actor=actor, consultation=c, meeting=meeting_of(p)
        ),
    ),
    "deliberate": (
        Status.ON_AGENDA,
        {"secretariat"},
        lambda actor, c, p: lifecycle.start_deliberation(actor=actor, consultation=c),
    ),
    "decide": (
        Status.DELIBERATING,
        {"secretariat"},
        lambda actor, c, p: lifecycle.record_decision(
            actor=actor, consultation=c, decided_on=TODAY, result=Decision.Result.APPROVED
        ),
    ),
    "close": (
        Status.ANSWERED,
        {"secretariat"},
        lambda actor, c, p: lifecycle.close_consultation(actor=actor, consultation=c),
    ),
    "withdraw": (
        Status.SUBMITTED,
        {"secretariat", "staff"},
        lambda actor, c, p: lifecycle.withdraw_consultation(
            actor=actor, consultation=c, reason="事業を中止したため"
        ),
    ),
    "file_version": (
        Status.ANSWERED,
        {"staff"},
        lambda actor, c, p: lifecycle.file_version(
            actor=actor, consultation=c, note="受託者が決まったため"
        ),
    ),
}
EXPECTED_STATUS = {
    "submit": Status.SUBMITTED,
    "return": Status.RETURNED,
    "accept": Status.ON_AGENDA,
    "deliberate": Status.DELIBERATING,
    "decide": Status.ANSWERED,
    "close": Status.CLOSED,
    "withdraw": Status.WITHDRAWN,
    "file_version": Status.ANSWERED,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_transition_is_allowed_to_its_roles_only(
    personas: Personas, action: str, role: str
) -> None:
    start, allowed, call = ACTIONS[action]
    consultation = consultation_in(personas, start)
    events = AuditEvent.objects.count()
    actor = getattr(personas, role)
    if role in allowed:
        call(actor, consultation, personas)
        consultation.refresh_from_db()
        assert consultation.status == EXPECTED_STATUS[action]
        assert AuditEvent.objects.count() > events
    else:
        with pytest.raises(PermissionDenied):
            call(actor, consultation, personas)
        consultation.refresh_from_db()
        assert consultation.status == start
        assert AuditEvent.objects.count() == events


# States each action may NOT start from.
@pytest.mark.parametrize(
    ("action", "status"),
    [
        (action, status)
        for action in ACTIONS
        for status in Status.values
        if status not in lifecycle.ALLOWED_FROM[action]
    ],
)
def test_an_illegal_transition_is_refused_and_changes_nothing(
    personas: Personas, action: str, status: str
) -> None:
    _, allowed, call = ACTIONS[action]
    consultation = consultation_in(personas, status)
    actor = personas.secretariat if "secretariat" in allowed else personas.staff
    events = AuditEvent.objects.count()
    with pytest.raises(lifecycle.TransitionError):
        call(actor, consultation, personas)
    consultation.refresh_from_db()
    assert consultation.status == status
    assert AuditEvent.objects.count() == events


class TestSubmitting:
    def test_it_freezes_the_draft_version(self, personas: Personas) -> None:
        consultation = consultation_in(personas, Status.DRAFT)
        lifecycle.submit_consultation(actor=personas.staff, consultation=consultation, on=TODAY)
        version = consultation.record_versions.get()
        assert version.is_submitted
        assert version.submitted_by == personas.staff
        assert consultation.submitted_on == TODAY

    def test_an_incomplete_record_is_refused_with_the_missing_facts(
        self, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(
            personas.council, personas.shogai, status=Status.DRAFT
        )
        testing.make_version(consultation, data={"purpose": {"purpose": {"value": "x"}}})
        with pytest.raises(lifecycle.IncompleteRecordError) as caught:
            lifecycle.submit_consultation(actor=personas.staff, consultation=consultation, on=TODAY)
        assert "purpose.legal_basis" in [m.path for m in caught.value.missing]
        assert not consultation.record_versions.get().is_submitted

    def test_without_a_record_it_is_refused(self, personas: Personas) -> None:
        consultation = testing.make_consultation(
            personas.council, personas.shogai, status=Status.DRAFT
        )
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.submit_consultation(actor=personas.staff, consultation=consultation, on=TODAY)

    def test_a_returned_consultation_is_corrected_in_a_new_version(
        self, personas: Personas
    ) -> None:
        consultation = consultation_in(personas, Status.SUBMITTED, draft=False)
        lifecycle.return_consultation(
            actor=personas.secretariat, consultation=consultation, reason="提供先の同意が不明"
        )
        assert consultation.status_reason == "提供先の同意が不明"
        record = lifecycle.working_record(consultation)
        version = lifecycle.save_record_draft(
            actor=personas.staff, consultation=consultation, record=record
        )
        assert version.number == 2
        lifecycle.submit_consultation(actor=personas.staff, consultation=consultation, on=TODAY)
        assert consultation.status == Status.SUBMITTED
        assert consultation.status_reason == ""


class TestDrafting:
    def test_staff_of_another_department_may_not_save_a_draft(self, personas: Personas) -> None:
        consultation = consultation_in(personas, Status.DRAFT, draft=False)
        with pytest.raises(PermissionDenied):
            lifecycle.save_record_draft(
                actor=personas.other_staff,
                consultation=consultation,
                record=lifecycle.working_record(consultation),
            )

    def test_saving_twice_updates_the_one_draft(self, personas: Personas) -> None:
        consultation = consultation_in(personas, Status.DRAFT, draft=False)
        record = lifecycle.working_record(consultation)
        first = lifecycle.save_record_draft(
            actor=personas.staff, consultation=consultation, record=record
        )
        record.purpose.purpose.value = "変更後の目的"
        second = lifecycle.save_record_draft(
            actor=personas.staff, consultation=consultation, record=record
        )
        assert first.pk == second.pk
        second.refresh_from_db()
        assert second.data["purpose"]["purpose"]["value"] == "変更後の目的"

    def test_the_record_cannot_change_while_the_council_holds_it(self, personas: Personas) -> None:
        consultation = consultation_in(personas, Status.ON_AGENDA, draft=False)
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.save_record_draft(
                actor=personas.staff,
                consultation=consultation,
                record=lifecycle.working_record(consultation),
            )


class TestTheAnswer:
    def test_the_decision_points_to_the_version_answered(self, personas: Personas) -> None:
        consultation = consultation_in(personas, Status.DELIBERATING, draft=False)
        decision = lifecycle.record_decision(
            actor=personas.secretariat,
            consultation=consultation,
            decided_on=TODAY,
            result=Decision.Result.APPROVED,
        )
        version = consultation.record_versions.get()
        assert decision.answered_version == version
        assert consultation.answered_version == version

    def test_a_continued_deliberation_goes_to_a_later_meeting(self, personas: Personas) -> None:
        consultation = consultation_in(personas, Status.ON_AGENDA, draft=False)
        lifecycle.record_decision(
            actor=personas.secretariat,
            consultation=consultation,
            decided_on=TODAY,
            result=Decision.Result.CONTINUED,
        )
        assert consultation.status == Status.CONTINUED
        later = testing.make_meeting(personas.council, date=dt.date(2009, 10, 1))
        lifecycle.accept_consultation(
            actor=personas.secretariat, consultation=consultation, meeting=later
        )
        assert consultation.status == Status.ON_AGENDA
        assert later.agenda_items.filter(consultations=consultation).exists()

    def test_follow_ups_open_and_close_the_consultation(self, personas: Personas) -> None:
        from mamori.consultations import services

        consultation = consultation_in(personas, Status.ANSWERED, draft=False)
        follow_up = services.create_follow_up(
            actor=personas.secretariat,
            consultation=consultation,
            commitment="仕様書に明記する",
            owner=personas.shogai,
        )
        consultation.refresh_from_db()
        assert consultation.status == Status.FOLLOW_UP
        services.complete_follow_up(
            actor=personas.staff, follow_up=follow_up, evidence="仕様書第5条", on=TODAY
        )
        consultation.refresh_from_db()
        assert consultation.status == Status.CLOSED
        assert FollowUp.objects.get().status == FollowUp.Status.DONE

    def test_it_cannot_be_closed_while_follow_ups_are_open(self, personas: Personas) -> None:
        consultation = consultation_in(personas, Status.FOLLOW_UP, draft=False)
        FollowUp.objects.create(
            consultation=consultation, commitment="明記する", owner=personas.shogai
        )
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.close_consultation(actor=personas.secretariat, consultation=consultation)


class TestChangesAfterTheAnswer:
    def answered(self, personas: Personas) -> Consultation:
        consultation = consultation_in(personas, Status.DELIBERATING, draft=False)
        lifecycle.record_decision(
            actor=personas.secretariat,
            consultation=consultation,
            decided_on=TODAY,
            result=Decision.Result.APPROVED,
        )
        return consultation

    def file_new_version(self, personas: Personas, consultation: Consultation) -> Any:
        record = lifecycle.working_record(consultation)
        record.outsourcing.contractor.value = "社会福祉法人あおば会"
        lifecycle.save_record_draft(actor=personas.staff, consultation=consultation, record=record)
        return lifecycle.file_version(
            actor=personas.staff, consultation=consultation, note="受託者決定"
        )

    def test_a_new_version_marks_it_changed_since_the_answer(self, personas: Personas) -> None:
        consultation = self.answered(personas)
        assert not Consultation.objects.changed_since_answer().exists()
        version = self.file_new_version(personas, consultation)
        assert version.number == 2 and version.is_submitted
        assert list(Consultation.objects.changed_since_answer()) == [consultation]

    def test_the_secretariats_assessment_clears_the_mark(self, personas: Personas) -> None:
        consultation = self.answered(personas)
        version = self.file_new_version(personas, consultation)
        lifecycle.assess_change(
            actor=personas.secretariat,
            version=version,
            outcome=ChangeAssessment.Outcome.REPORT,
            reason="受託者の決定を次回報告",
        )
        assert not Consultation.objects.changed_since_answer().exists()

    def test_only_the_secretariat_assesses(self, personas: Personas) -> None:
        consultation = self.answered(personas)
        version = self.file_new_version(personas, consultation)
        with pytest.raises(PermissionDenied):
            lifecycle.assess_change(
                actor=personas.staff, version=version, outcome="nothing", reason="x"
            )

    def test_the_answered_version_itself_is_not_assessed(self, personas: Personas) -> None:
        consultation = self.answered(personas)
        assert consultation.answered_version is not None
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.assess_change(
                actor=personas.secretariat,
                version=consultation.answered_version,
                outcome="nothing",
                reason="x",
            )

    def test_a_new_version_needs_a_note(self, personas: Personas) -> None:
        consultation = self.answered(personas)
        lifecycle.save_record_draft(
            actor=personas.staff,
            consultation=consultation,
            record=lifecycle.working_record(consultation),
        )
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.file_version(actor=personas.staff, consultation=consultation, note=" ")
        assert HandlingRecordVersion.objects.filter(submitted_at__isnull=True).exists()


class TestTwoPeopleAtOnce:
    def test_a_page_loaded_before_another_persons_move_cannot_move_it_again(
        self, personas: Personas
    ) -> None:
        consultation = consultation_in(personas, Status.SUBMITTED, draft=False)
        first = Consultation.objects.get(pk=consultation.pk)
        second = Consultation.objects.get(pk=consultation.pk)
        meeting = meeting_of(personas)
        lifecycle.accept_consultation(
            actor=personas.secretariat, consultation=first, meeting=meeting
        )
        events = AuditEvent.objects.count()
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.accept_consultation(
                actor=personas.secretariat, consultation=second, meeting=meeting
            )
        assert meeting.agenda_items.count() == 1
        assert AuditEvent.objects.count() == events
        assert second.status == Status.ON_AGENDA  # the refusal tells the truth about the state

    def test_a_meeting_of_another_council_is_refused(self, personas: Personas) -> None:
        consultation = consultation_in(personas, Status.SUBMITTED, draft=False)
        elsewhere = testing.make_meeting(testing.make_council(slug="elsewhere"))
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.accept_consultation(
                actor=personas.secretariat, consultation=consultation, meeting=elsewhere
            )
        assert not elsewhere.agenda_items.exists()


def test_a_response_that_fails_leaves_the_opinion_open(personas: Personas) -> None:
    from django.db import IntegrityError

    from mamori.consultations import services

    consultation = consultation_in(personas, Status.ON_AGENDA, draft=False)
    opinion = testing.make_opinion(consultation, member=personas.member)
    with pytest.raises(IntegrityError):
        services.record_response(actor=personas.staff, opinion=opinion, text="回答")
    opinion.refresh_from_db()
    assert opinion.state == opinion.State.OPEN


def test_a_version_filed_after_the_answer_passes_the_same_pre_review_gate(
    personas: Personas,
) -> None:
    consultation = consultation_in(personas, Status.DELIBERATING, draft=False)
    lifecycle.record_decision(
        actor=personas.secretariat,
        consultation=consultation,
        decided_on=TODAY,
        result=Decision.Result.APPROVED,
    )
    record = lifecycle.working_record(consultation)
    record.items[0].special_care = True  # R26: special-care data with no reason given
    record.purpose.special_care_reason.value = None
    lifecycle.save_record_draft(actor=personas.staff, consultation=consultation, record=record)
    with pytest.raises(lifecycle.FindingsOpenError):
        lifecycle.file_version(actor=personas.staff, consultation=consultation, note="変更")
    assert consultation.record_versions.submitted().count() == 1
