"""Use cases for consultations, opinions, responses, decisions, follow-ups and reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max

from mamori.audit.writes import create_audited, update_audited
from mamori.consultations import lifecycle
from mamori.consultations.models import (
    Consultation,
    ConsultationKind,
    FollowUp,
    Opinion,
    Report,
    Response,
)
from mamori.council.models import Council


def numbering_scope(council: Council, fiscal_year: int) -> int:
    """The scope a consultation number is unique in: its fiscal year, or 0 when continuous."""
    if council.consultation_numbering == Council.Numbering.CONTINUOUS:
        return 0
    return fiscal_year


def number_is_taken(
    council: Council, fiscal_year: int, number: int, *, exclude: int | None = None
) -> bool:
    """Whether another consultation already has this number."""
    taken = Consultation.objects.filter(
        council=council, numbering_scope=numbering_scope(council, fiscal_year), number=number
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    return taken.exists()


def next_number(council: Council, fiscal_year: int) -> int:
    """The next free consultation number."""
    scope = numbering_scope(council, fiscal_year)
    last = Consultation.objects.filter(council=council, numbering_scope=scope).aggregate(
        n=Max("number")
    )["n"]
    return (last or 0) + 1


@transaction.atomic
def create_consultation(
    *, actor: Any, council: Council, kinds: list[ConsultationKind] | None = None, **fields: Any
) -> Consultation:
    """Open a consultation for a department (a draft until it is submitted)."""
    fields.setdefault("number", next_number(council, fields["fiscal_year"]))
    consultation = create_audited(
        Consultation,
        actor=actor,
        use_case="consultations.create_consultation",
        council=council,
        numbering_scope=numbering_scope(council, fields["fiscal_year"]),
        m2m={"kinds": list(kinds or [])},
        **fields,
    )
    return consultation


@transaction.atomic
def update_consultation(
    *,
    actor: Any,
    consultation: Consultation,
    kinds: list[ConsultationKind] | None = None,
    **fields: Any,
) -> Consultation:
    """Change a consultation's number, title, department, kinds or summary."""
    if "fiscal_year" in fields:
        fields["numbering_scope"] = numbering_scope(consultation.council, fields["fiscal_year"])
    return update_audited(
        consultation,
        actor=actor,
        use_case="consultations.update_consultation",
        m2m={"kinds": kinds},
        **fields,
    )


def record_opinion(*, actor: Any, consultation: Consultation, **fields: Any) -> Opinion:
    """Record a member's opinion on a consultation, after those already recorded."""
    last = consultation.opinions.aggregate(n=Max("order"))["n"]
    fields.setdefault("order", (last or 0) + 1)
    return create_audited(
        Opinion,
        actor=actor,
        use_case="consultations.record_opinion",
        consultation=consultation,
        **fields,
    )


def update_opinion(*, actor: Any, opinion: Opinion, **fields: Any) -> Opinion:
    """Change an opinion's text or kind."""
    return update_audited(opinion, actor=actor, use_case="consultations.update_opinion", **fields)


@transaction.atomic
def record_response(*, actor: Any, opinion: Opinion, **fields: Any) -> Response:
    """Record (or replace) the department's response to an opinion."""
    existing = Response.objects.filter(opinion=opinion).first()
    if opinion.state == Opinion.State.OPEN:
        update_audited(
            opinion,
            actor=actor,
            use_case="consultations.record_response",
            state=Opinion.State.ANSWERED,
        )
    if existing is not None:
        return update_audited(
            existing, actor=actor, use_case="consultations.record_response", **fields
        )
    return create_audited(
        Response, actor=actor, use_case="consultations.record_response", opinion=opinion, **fields
    )


@transaction.atomic
def create_follow_up(*, actor: Any, **fields: Any) -> FollowUp:
    """Record a commitment made to the council, with its owner."""
    follow_up = create_audited(
        FollowUp, actor=actor, use_case="consultations.create_follow_up", **fields
    )
    _follow_ups_changed(actor, follow_up)
    return follow_up


def _follow_ups_changed(actor: Any, follow_up: FollowUp) -> None:
    if follow_up.consultation is not None:
        lifecycle.follow_ups_changed(actor=actor, consultation=follow_up.consultation)


@transaction.atomic
def complete_follow_up(*, actor: Any, follow_up: FollowUp, evidence: str, on: dt.date) -> FollowUp:
    """Mark a commitment as kept, with the evidence."""
    follow_up = update_audited(
        follow_up,
        actor=actor,
        use_case="consultations.complete_follow_up",
        status=FollowUp.Status.DONE,
        evidence=evidence,
        done_on=on,
    )
    _follow_ups_changed(actor, follow_up)
    return follow_up


@transaction.atomic
def reopen_follow_up(*, actor: Any, follow_up: FollowUp) -> FollowUp:
    """Open a commitment again."""
    follow_up = update_audited(
        follow_up,
        actor=actor,
        use_case="consultations.reopen_follow_up",
        status=FollowUp.Status.OPEN,
        done_on=None,
    )
    _follow_ups_changed(actor, follow_up)
    return follow_up


def create_report(*, actor: Any, council: Council, **fields: Any) -> Report:
    """Record a matter reported to the council."""
    return create_audited(
        Report, actor=actor, use_case="consultations.create_report", council=council, **fields
    )
