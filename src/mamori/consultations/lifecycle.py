"""The life of a consultation and of its HandlingRecord versions.

draft → submitted → (returned → submitted)… → accepted onto an agenda → under deliberation →
answered (or continued to a later meeting) → follow-ups open → closed; withdrawn from any
state before the answer. Each transition is one audited function that checks who may do it
and refuses an illegal move with a message before anything is written.

`actor=None` is the system itself (the demo loader, management commands); every view passes
the signed-in user.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.audit.writes import create_audited, update_audited
from mamori.consultations import handling
from mamori.consultations.models import (
    ChangeAssessment,
    Consultation,
    Decision,
    FollowUp,
    HandlingRecordVersion,
    Opinion,
)
from mamori.core.access import department_ids_of
from mamori.council.models import AgendaItem, Minutes

Status = Consultation.Status


class TransitionError(Exception):
    """A move the consultation's state does not allow; the message is for the user."""


class IncompleteRecordError(TransitionError):
    """The record lacks facts required for submission."""

    def __init__(self, message: str, missing: list[handling.Missing]) -> None:
        super().__init__(message)
        self.missing = missing


class FindingsOpenError(TransitionError):
    """Must-fix findings of the pre-review stand, neither fixed nor explained."""

    def __init__(self, message: str, findings: list[Any]) -> None:
        super().__init__(message)
        self.findings = findings  # mamori.review.rules.Finding


# The states each action may start from.
BEFORE_ANSWER = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.ON_AGENDA,
        Status.DELIBERATING,
        Status.CONTINUED,
    }
)
AFTER_ANSWER = frozenset({Status.ANSWERED, Status.FOLLOW_UP, Status.CLOSED})
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "edit_record": frozenset({Status.DRAFT, Status.RETURNED, Status.CONTINUED}) | AFTER_ANSWER,
    "submit": frozenset({Status.DRAFT, Status.RETURNED}),
    "file_version": frozenset({Status.CONTINUED}) | AFTER_ANSWER,
    "return": frozenset({Status.SUBMITTED}),
    "accept": frozenset({Status.SUBMITTED, Status.CONTINUED}),
    "deliberate": frozenset({Status.ON_AGENDA}),
    "decide": frozenset({Status.ON_AGENDA, Status.DELIBERATING}),
    "close": frozenset({Status.ANSWERED, Status.FOLLOW_UP}),
    "withdraw": BEFORE_ANSWER,
}


def may(consultation: Consultation, action: str) -> bool:
    """Whether the consultation's state allows the action (who may do it is checked apart)."""
    return consultation.status in ALLOWED_FROM[action]


def _check_state(consultation: Consultation, action: str) -> None:
    """Re-read the state under a row lock, then check it: a page loaded before another person
    moved the consultation must not move it again from the state it no longer has."""
    fresh = (
        Consultation.objects.select_for_update()
        .values("status", "answered_version_id")
        .get(pk=consultation.pk)
    )
    consultation.status = fresh["status"]
    consultation.answered_version_id = fresh["answered_version_id"]
    if not may(consultation, action):
        raise TransitionError(
            _("%(label)s is “%(status)s”: this cannot be done now.")
            % {"label": consultation.label, "status": consultation.get_status_display()}
        )


def is_system(actor: Any) -> bool:
    """Whether the actor is the system itself (the demo loader, commands): `actor=None`."""
    return actor is None


def is_department_staff_of(actor: Any, consultation: Consultation) -> bool:
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_department_staff
        and consultation.department_id in department_ids_of(actor)
    )


def _require_department(actor: Any, consultation: Consultation) -> None:
    if not (is_system(actor) or is_department_staff_of(actor, consultation)):
        raise PermissionDenied


def _require_secretariat(actor: Any) -> None:
    if not (is_system(actor) or (actor.is_authenticated and actor.is_secretariat)):
        raise PermissionDenied


def _set_status(actor: Any, consultation: Consultation, use_case: str, **fields: Any) -> None:
    update_audited(consultation, actor=actor, use_case=use_case, **fields)


# Versions ------------------------------------------------------------------------------


def draft_version(consultation: Consultation) -> HandlingRecordVersion | None:
    """The version being edited, if any."""
    return consultation.record_versions.filter(submitted_at__isnull=True).first()


def latest_submitted_version(consultation: Consultation) -> HandlingRecordVersion | None:
    return consultation.record_versions.submitted().order_by("-number").first()


def working_record(consultation: Consultation) -> handling.HandlingRecord:
    """The draft if there is one, else a copy of the latest submitted version, else empty."""
    # One query: the draft (submitted_at empty) sorts first, then the newest version.
    version = consultation.record_versions.order_by(
        F("submitted_at").desc(nulls_first=True), "-number"
    ).first()
    return version.record() if version is not None else handling.HandlingRecord()


@transaction.atomic
def save_record_draft(
    *,
    actor: Any,
    consultation: Consultation,
    record: handling.HandlingRecord,
    note: str = "",
    at: dt.datetime | None = None,
) -> HandlingRecordVersion:
    """Save the department's draft of the record (a new draft version if none is open).

    `at` is for loading past records (the demo); pages and the API use the present time.
    """
    _require_department(actor, consultation)
    _check_state(consultation, "edit_record")
    data = handling.dump(record)
    now = at or timezone.now()
    draft = draft_version(consultation)
    if draft is None:
        last = consultation.record_versions.aggregate(n=Max("number"))["n"] or 0
        return create_audited(
            HandlingRecordVersion,
            actor=actor,
            use_case="consultations.save_record_draft",
            consultation=consultation,
            number=last + 1,
            data=data,
            note=note,
            created_by=actor if actor is not None else system_user(consultation),
            created_at=now,
            updated_at=now,
        )
    return update_audited(
        draft,
        actor=actor,
        use_case="consultations.save_record_draft",
        data=data,
        note=note or draft.note,
        updated_at=now,
    )


def system_user(consultation: Consultation) -> Any:
    """Who a row written by the system (the demo, commands) is credited to: a member of the
    department's staff, or failing that the first user; a row still needs a person to show."""
    from mamori.accounts.models import User

    user = User.objects.filter(department=consultation.department).order_by("pk").first()
    return user or User.objects.order_by("pk").first()


def _freeze(
    actor: Any, version: HandlingRecordVersion, use_case: str, at: dt.datetime | None
) -> HandlingRecordVersion:
    submitter = actor if actor is not None else version.created_by
    return update_audited(
        version,
        actor=actor,
        use_case=use_case,
        submitted_by=submitter,
        submitted_at=at or timezone.now(),
    )


def _complete_draft(consultation: Consultation) -> HandlingRecordVersion:
    draft = draft_version(consultation)
    if draft is None:
        raise TransitionError(_("There is no draft of the handling record to submit."))
    missing = handling.missing_for_submission(draft.record())
    if missing:
        raise IncompleteRecordError(
            _("The handling record is not complete: fill in the items listed below."), missing
        )
    return draft


def _require_findings_explained(consultation: Consultation) -> None:
    # Imported here: the review app builds on this module.
    from mamori.review.services import unexplained_must_fix

    findings = unexplained_must_fix(consultation)
    if findings:
        raise FindingsOpenError(
            _("Findings to fix stand: fix each one, or explain it to the council."), findings
        )


@transaction.atomic
def submit_consultation(
    *, actor: Any, consultation: Consultation, on: dt.date, at: dt.datetime | None = None
) -> Consultation:
    """Send the consultation with its complete record to the council; the version freezes."""
    _require_department(actor, consultation)
    _check_state(consultation, "submit")
    draft = _complete_draft(consultation)
    if not is_system(actor):
        # The demo loads past records as they were filed, before there was a pre-review.
        _require_findings_explained(consultation)
    _freeze(actor, draft, "consultations.submit_consultation", at)
    _set_status(
        actor,
        consultation,
        "consultations.submit_consultation",
        status=Status.SUBMITTED,
        submitted_on=on,
        status_reason="",
    )
    return consultation


@transaction.atomic
def file_version(
    *, actor: Any, consultation: Consultation, note: str, at: dt.datetime | None = None
) -> HandlingRecordVersion:
    """File a new version after the answer (or for a continued deliberation)."""
    _require_department(actor, consultation)
    _check_state(consultation, "file_version")
    if not note.strip():
        raise TransitionError(_("Say what changed in this version."))
    draft = _complete_draft(consultation)
    if not is_system(actor):
        # A version filed after the answer goes to the council as surely as the first one.
        _require_findings_explained(consultation)
    update_audited(draft, actor=actor, use_case="consultations.file_version", note=note)
    return _freeze(actor, draft, "consultations.file_version", at)


@transaction.atomic
def assess_change(
    *, actor: Any, version: HandlingRecordVersion, outcome: str, reason: str
) -> ChangeAssessment:
    """The secretariat's record of what a post-answer change needs."""
    _require_secretariat(actor)
    answered = version.consultation.answered_version
    if not version.is_submitted or answered is None or version.number <= answered.number:
        raise TransitionError(_("Only a version filed after the answer is assessed."))
    if not reason.strip():
        raise TransitionError(_("Give the reason for the assessment."))
    return create_audited(
        ChangeAssessment,
        actor=actor,
        use_case="consultations.assess_change",
        version=version,
        outcome=outcome,
        reason=reason,
        assessed_by=actor if actor is not None else version.created_by,
        assessed_at=timezone.now(),
    )


# Transitions ---------------------------------------------------------------------------


@transaction.atomic
def return_consultation(*, actor: Any, consultation: Consultation, reason: str) -> Consultation:
    """The secretariat sends a submitted consultation back for correction, saying why."""
    _require_secretariat(actor)
    _check_state(consultation, "return")
    if not reason.strip():
        raise TransitionError(_("Give the reason for returning it."))
    _set_status(
        actor,
        consultation,
        "consultations.return_consultation",
        status=Status.RETURNED,
        status_reason=reason,
    )
    return consultation


@transaction.atomic
def accept_consultation(
    *, actor: Any, consultation: Consultation, meeting: Any, title: str = ""
) -> Consultation:
    """The secretariat accepts a submitted (or continued) consultation onto a meeting's agenda."""
    from mamori.council.services import add_agenda_item

    _require_secretariat(actor)
    _check_state(consultation, "accept")
    if meeting.council_id != consultation.council_id:
        raise TransitionError(_("That meeting belongs to another council."))
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.is_published:
        raise TransitionError(_("The minutes of that meeting are published."))
    add_agenda_item(
        actor=actor,
        meeting=meeting,
        consultations=[consultation],
        kind=AgendaItem.Kind.DELIBERATION,
        title=title or str(consultation),
    )
    consultation.refresh_from_db(fields=["status"])
    return consultation


@transaction.atomic
def start_deliberation(*, actor: Any, consultation: Consultation) -> Consultation:
    """The meeting takes up the consultation."""
    _require_secretariat(actor)
    _check_state(consultation, "deliberate")
    _set_status(actor, consultation, "consultations.start_deliberation", status=Status.DELIBERATING)
    return consultation


@transaction.atomic
def record_decision(*, actor: Any, consultation: Consultation, **fields: Any) -> Decision:
    """Record the council's answer to the version under deliberation."""
    _require_secretariat(actor)
    _check_state(consultation, "decide")
    answered = latest_submitted_version(consultation)
    decision = create_audited(
        Decision,
        actor=actor,
        use_case="consultations.record_decision",
        consultation=consultation,
        answered_version=answered,
        **fields,
    )
    if decision.result == Decision.Result.CONTINUED:
        _set_status(actor, consultation, "consultations.record_decision", status=Status.CONTINUED)
    else:
        _set_status(
            actor,
            consultation,
            "consultations.record_decision",
            status=Status.ANSWERED,
            answered_version=answered,
        )
    return decision


def follow_ups_changed(*, actor: Any, consultation: Consultation) -> None:
    """Move an answered consultation between answered, follow-ups open and closed."""
    if consultation.status not in AFTER_ANSWER:
        return
    open_exists = FollowUp.objects.filter(consultation=consultation).open().exists()
    if open_exists and consultation.status != Status.FOLLOW_UP:
        _set_status(actor, consultation, "consultations.follow_ups", status=Status.FOLLOW_UP)
    elif not open_exists and consultation.status == Status.FOLLOW_UP:
        _set_status(actor, consultation, "consultations.follow_ups", status=Status.CLOSED)


@transaction.atomic
def close_consultation(*, actor: Any, consultation: Consultation) -> Consultation:
    """Close an answered consultation whose follow-ups are all done."""
    _require_secretariat(actor)
    _check_state(consultation, "close")
    if FollowUp.objects.filter(consultation=consultation).open().exists():
        raise TransitionError(_("Follow-ups are still open."))
    _set_status(actor, consultation, "consultations.close_consultation", status=Status.CLOSED)
    return consultation


@transaction.atomic
def withdraw_consultation(*, actor: Any, consultation: Consultation, reason: str) -> Consultation:
    """The department (or the secretariat) withdraws a consultation before the answer."""
    if not (is_system(actor) or actor.is_secretariat):
        _require_department(actor, consultation)
    _check_state(consultation, "withdraw")
    if not reason.strip():
        raise TransitionError(_("Give the reason for withdrawing it."))
    _set_status(
        actor,
        consultation,
        "consultations.withdraw_consultation",
        status=Status.WITHDRAWN,
        status_reason=reason,
    )
    return consultation


# Opinions ------------------------------------------------------------------------------


@transaction.atomic
def close_opinion(*, actor: Any, opinion: Opinion) -> Opinion:
    """The member who raised it, the chair or the secretariat closes an opinion."""
    if not is_system(actor):
        own = actor.is_council_member and opinion.member_id == actor.pk
        chair = actor.is_council_member and _chairs(actor, opinion)
        if not (own or chair or actor.is_secretariat):
            raise PermissionDenied
    if opinion.state == Opinion.State.CLOSED:
        raise TransitionError(_("This opinion is already closed."))
    return update_audited(
        opinion,
        actor=actor,
        use_case="consultations.close_opinion",
        state=Opinion.State.CLOSED,
        closed_by=actor,
        closed_at=timezone.now(),
    )


def _chairs(actor: Any, opinion: Opinion) -> bool:
    from mamori.council.models import Membership

    return Membership.objects.filter(
        council_id=opinion.consultation.council_id, member=actor, role=Membership.Role.CHAIR
    ).exists()


@transaction.atomic
def promise_to_follow_up(*, actor: Any, opinion: Opinion) -> FollowUp:
    """Turn the promise in a department's response into a follow-up, in one step."""
    _require_secretariat_or_department(actor, opinion.consultation)
    response = getattr(opinion, "response", None)
    if response is None:
        raise TransitionError(_("This opinion has no response to turn into a follow-up."))
    if opinion.follow_ups.exists():
        raise TransitionError(_("A follow-up already tracks this promise."))
    decision = opinion.consultation.decisions.order_by("-decided_on", "-pk").first()
    follow_up = create_audited(
        FollowUp,
        actor=actor,
        use_case="consultations.promise_to_follow_up",
        consultation=opinion.consultation,
        decision=decision,
        opinion=opinion,
        meeting=opinion.meeting,
        commitment=response.text,
        owner=response.department,
        due_on=response.due_on,
    )
    follow_ups_changed(actor=actor, consultation=opinion.consultation)
    return follow_up


def _require_secretariat_or_department(actor: Any, consultation: Consultation) -> None:
    if not (is_system(actor) or actor.is_secretariat):
        _require_department(actor, consultation)
