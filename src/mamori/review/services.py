"""Pre-review of consultations: build a rule context from the database, run the rules, keep
the departments' explanations, and tell what stands in the way of submission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from mamori.audit.writes import create_audited, update_audited
from mamori.consultations import handling, lifecycle
from mamori.consultations.models import AttachmentFact, Consultation, HandlingRecordVersion
from mamori.review.models import Explanation
from mamori.review.rules import Context, DeclaredFact, Finding, Severity, evaluate


def context_for(
    consultation: Consultation, *, record: handling.HandlingRecord | None = None
) -> Context:
    """The rules' view of a consultation: its working record (or the one given), the facts
    its attachments declare, its kinds, and the date of the meeting it is on, if any."""
    return context_of(
        consultation,
        record if record is not None else lifecycle.working_record(consultation),
        kind_codes=consultation.kinds.values_list("code", flat=True),
        facts=AttachmentFact.objects.filter(attachment__consultation=consultation)
        .select_related("attachment")
        .order_by("pk"),
        meeting_dates=consultation.agenda_items.values_list("meeting__date", flat=True),
    )


def context_of(
    consultation: Consultation,
    record: handling.HandlingRecord,
    *,
    kind_codes: Iterable[str],
    facts: Iterable[AttachmentFact],
    meeting_dates: Iterable[dt.date],
) -> Context:
    """A rule context from rows already in hand (facts in the order they were declared)."""
    dates = list(meeting_dates)
    return Context(
        record=record,
        kinds=frozenset(kind_codes),
        facts=tuple(
            DeclaredFact(fact.path, fact.value, fact.quote, fact.attachment.title)
            for fact in sorted(facts, key=lambda fact: fact.pk)
        ),
        meeting_date=max(dates) if dates else None,
        submitted_on=consultation.submitted_on,
    )


def review(
    consultation: Consultation, *, record: handling.HandlingRecord | None = None
) -> list[Finding]:
    """The findings of every rule on the consultation (its working record by default)."""
    return evaluate(context_for(consultation, record=record))


def current_version(consultation: Consultation) -> HandlingRecordVersion | None:
    """The version the department works on: its draft, else the latest submitted version."""
    return lifecycle.draft_version(consultation) or lifecycle.latest_submitted_version(consultation)


def legacy_key(finding: Finding) -> str:
    """The key of explanations written before findings had keys: any message of the rule on
    the field (migration 0003)."""
    return f"{finding.rule}:{finding.path}:"


def effective_explanations(
    rows: Iterable[Explanation], version: HandlingRecordVersion | None
) -> dict[str, Explanation]:
    """The explanations that stand on a version, by finding key: those written on it, and
    those of earlier versions it did not override (read-time inheritance, never copied).

    `rows` are the consultation's explanations with their versions loaded; an explanation
    written on a later version (a draft) never shows beside an earlier one.
    """
    if version is None:
        return {}
    standing = sorted(
        (row.version.number, row.pk, row)
        for row in rows
        if row.version is not None and row.version.number <= version.number
    )
    return {row.key: row for _number, _pk, row in standing}


def explanations_of(
    consultation: Consultation, version: HandlingRecordVersion | None
) -> dict[str, Explanation]:
    """The department's explanations standing on a version, by finding key."""
    if version is None:
        return {}
    rows = Explanation.objects.filter(
        consultation=consultation, version__number__lte=version.number
    ).select_related("version", "written_by")
    return effective_explanations(rows, version)


def explanation_for(explanations: dict[str, Explanation], finding: Finding) -> Explanation | None:
    """The explanation of a finding among the standing ones, if any."""
    return explanations.get(finding.key) or explanations.get(legacy_key(finding))


def unexplained_must_fix(
    consultation: Consultation,
    findings: list[Finding] | None = None,
    *,
    version: HandlingRecordVersion | None = None,
) -> list[Finding]:
    """The must-fix findings with no explanation on the version (by default the one being
    drafted): these block submission."""
    version = current_version(consultation) if version is None else version
    findings = (
        review(consultation, record=version.record() if version is not None else None)
        if findings is None
        else findings
    )
    explained = explanations_of(consultation, version)
    return [
        f
        for f in findings
        if f.severity == Severity.MUST_FIX and explanation_for(explained, f) is None
    ]


class NotEditableError(Exception):
    """The record has no draft: its findings can no longer be explained."""


@transaction.atomic
def explain_finding(
    *, actor: Any, consultation: Consultation, finding: Finding, text: str
) -> Explanation:
    """Record (or replace) the department's explanation of a finding, on the draft version:
    what was submitted with an earlier version stays as the council read it."""
    draft = lifecycle.draft_version(consultation)
    if draft is None:
        raise NotEditableError(f"{consultation} has no draft to explain findings on")
    existing = Explanation.objects.filter(version=draft, key=finding.key).first()
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
        version=draft,
        key=finding.key,
        rule=finding.rule,
        path=finding.path,
        text=text,
        written_by=actor,
        written_at=timezone.now(),
    )
