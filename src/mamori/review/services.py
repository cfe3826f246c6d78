"""Pre-review of consultations: build a rule context from the database, run the rules, keep
the departments' explanations, and tell what stands in the way of submission."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from mamori.audit.writes import create_audited, update_audited
from mamori.consultations import handling, lifecycle
from mamori.consultations.models import AttachmentFact, Consultation
from mamori.review.models import Explanation
from mamori.review.rules import Context, DeclaredFact, Finding, Severity, evaluate


def context_for(
    consultation: Consultation, *, record: handling.HandlingRecord | None = None
) -> Context:
    """The rules' view of a consultation: its working record (or the one given), the facts
    its attachments declare, its kinds, and the date of the meeting it is on, if any."""
    facts = tuple(
        DeclaredFact(fact.path, fact.value, fact.quote, fact.attachment.title)
        for fact in AttachmentFact.objects.filter(attachment__consultation=consultation)
        .select_related("attachment")
        .order_by("pk")
    )
    meeting_date = (
        consultation.agenda_items.order_by("-meeting__date")
        .values_list("meeting__date", flat=True)
        .first()
    )
    return Context(
        record=record if record is not None else lifecycle.working_record(consultation),
        kinds=frozenset(consultation.kinds.values_list("code", flat=True)),
        facts=facts,
        meeting_date=meeting_date,
        submitted_on=consultation.submitted_on,
    )


def review(
    consultation: Consultation, *, record: handling.HandlingRecord | None = None
) -> list[Finding]:
    """The findings of every rule on the consultation (its working record by default)."""
    return evaluate(context_for(consultation, record=record))


def explanations_of(consultation: Consultation) -> dict[tuple[str, str], Explanation]:
    """The department's explanations, by (rule, path)."""
    return {(e.rule, e.path): e for e in consultation.finding_explanations.all()}


def unexplained_must_fix(
    consultation: Consultation, findings: list[Finding] | None = None
) -> list[Finding]:
    """The must-fix findings with no explanation: these block submission."""
    findings = review(consultation) if findings is None else findings
    explained = explanations_of(consultation)
    return [
        f for f in findings if f.severity == Severity.MUST_FIX and (f.rule, f.path) not in explained
    ]


@transaction.atomic
def explain_finding(
    *, actor: Any, consultation: Consultation, rule: str, path: str, text: str
) -> Explanation:
    """Record (or replace) the department's explanation of a finding."""
    existing = Explanation.objects.filter(consultation=consultation, rule=rule, path=path).first()
    if existing is not None:
        return update_audited(
            existing,
            actor=actor,
            use_case="review.explain_finding",
            text=text,
            written_by=actor,
            written_at=timezone.now(),
        )
    return create_audited(
        Explanation,
        actor=actor,
        use_case="review.explain_finding",
        consultation=consultation,
        rule=rule,
        path=path,
        text=text,
        written_by=actor,
        written_at=timezone.now(),
    )
