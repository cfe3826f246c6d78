"""Meeting-level rules (R35–R42): quorum, votes, closure grounds, the minutes' required items,
decisions, commitments and fiscal years, over the council's meeting data.

They look at a `council.Meeting` rather than a HandlingRecord, so they have their own registry
(`MEETING_RULES`) and are run with `meeting_findings(meeting)`, not by `evaluate`. Paths name
the meeting's parts: `meeting.place`, `decisions[12]`, `follow_ups[7].due_on`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_noop

from mamori.consultations.models import FollowUp, Opinion
from mamori.core import eras
from mamori.council.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Membership,
    Openness,
    StaffAttendee,
)
from mamori.review.rules import Finding, Severity

HIGASHIMURAYAMA_RULES = gettext_noop("Higashimurayama City council rules art. 3 (quorum, votes)")
CLOSED_MEETINGS = gettext_noop(
    "Chofu City; Nara Prefecture; FY2009 3rd meeting (closed under the Information Disclosure "
    "Ordinance art. 6)"
)
MINUTES_FORMAT = gettext_noop("The minutes formats of Hidaka City and Asahikawa City")
MINUTES_STRUCTURE = gettext_noop("The structure of councils' minutes (a conclusion per item)")
SEED_COMMITMENTS = gettext_noop(
    "FY2009 3rd meeting: the departments' commitments (to write it into the specification or "
    "the security agreement)"
)
TAKATSUKI_FOLLOW_UP = gettext_noop(
    "Takatsuki City (the answer confirmed at the next meeting; reports on approved types)"
)
FISCAL_YEARS = gettext_noop("Hidaka City and other councils' numbering by fiscal year")

MeetingCheck = Callable[[Meeting, dt.date], Iterable[Finding]]


@dataclass(frozen=True)
class MeetingRule:
    id: str
    title: str  # a msgid
    severity: Severity
    source: str  # a msgid
    check: MeetingCheck


MEETING_RULES: dict[str, MeetingRule] = {}


def meeting_rule(
    rule_id: str, *, title: str, severity: Severity, source: str
) -> Callable[[MeetingCheck], MeetingCheck]:
    """Register a meeting-level rule under its id (each id once)."""

    def register(check: MeetingCheck) -> MeetingCheck:
        if rule_id in MEETING_RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        MEETING_RULES[rule_id] = MeetingRule(rule_id, title, severity, source, check)
        return check

    return register


def meeting_findings(meeting: Meeting, *, today: dt.date | None = None) -> list[Finding]:
    """Every finding of the meeting-level rules on one meeting, most serious first."""
    today = today or timezone.localdate()
    findings = [f for r in MEETING_RULES.values() for f in r.check(meeting, today)]
    order = {Severity.MUST_FIX: 0, Severity.EXPLAIN: 1, Severity.NOTE: 2}
    return sorted(findings, key=lambda f: (order[f.severity], f.rule, f.path))


def _finding(rule_id: str, path: str, message: str, **params: str) -> Finding:
    registered = MEETING_RULES[rule_id]
    return Finding(
        rule_id, registered.severity, path, message, tuple(params.items()), registered.source
    )


@meeting_rule(
    "R35",
    title=gettext_noop("Fewer than half the members present"),
    severity=Severity.MUST_FIX,
    source=HIGASHIMURAYAMA_RULES,
)
def quorum(meeting: Meeting, today: dt.date) -> Iterator[Finding]:
    """The members present are not a majority of those serving: the meeting cannot decide."""
    attendances = meeting.attendances.all()
    if not attendances:
        return  # R38 asks for the attendance
    serving = Membership.objects.filter(council=meeting.council).serving_on(meeting.date).count()
    present = sum(1 for a in attendances if a.status == Attendance.Status.PRESENT)
    if present * 2 <= serving:
        yield _finding(
            "R35",
            "meeting.attendances",
            gettext_noop(
                "Only %(present)s of %(serving)s members are present: without a majority the "
                "meeting cannot be held."
            ),
            present=str(present),
            serving=str(serving),
        )


@meeting_rule(
    "R36",
    title=gettext_noop("A tie with no casting vote of the chair"),
    severity=Severity.EXPLAIN,
    source=HIGASHIMURAYAMA_RULES,
)
def tie_without_chair(meeting: Meeting, today: dt.date) -> Iterator[Finding]:
    """A vote is tied and the chair's decision is not recorded."""
    for decision in meeting.decisions.select_related("consultation"):
        tied = decision.votes_for is not None and decision.votes_for == decision.votes_against
        if tied and not decision.decided_by_chair:
            yield _finding(
                "R36",
                f"decisions[{decision.pk}]",
                gettext_noop(
                    "The vote on %(consultation)s is tied, and the chair's casting decision is "
                    "not recorded."
                ),
                consultation=decision.consultation.label,
            )


@meeting_rule(
    "R37",
    title=gettext_noop("Closed to the public with no legal ground"),
    severity=Severity.MUST_FIX,
    source=CLOSED_MEETINGS,
)
def closure_without_ground(meeting: Meeting, today: dt.date) -> Iterator[Finding]:
    """The meeting, or an agenda item, is closed without the ordinance's article."""
    meeting_grounds = meeting.closure_grounds.exists()
    if meeting.openness != Openness.OPEN and not meeting_grounds:
        yield _finding(
            "R37",
            "meeting.closure_grounds",
            gettext_noop(
                "The meeting is closed to the public, but no article of the ordinance is given "
                "as the ground."
            ),
        )
    closed = meeting.agenda_items.filter(openness=AgendaItem.ItemOpenness.CLOSED)
    for item in closed.prefetch_related("closure_grounds"):
        if not item.closure_grounds.all() and not meeting_grounds:
            yield _finding(
                "R37",
                f"agenda[{item.order}].closure_grounds",
                gettext_noop(
                    "Agenda item %(order)s is closed to the public, but no article of the "
                    "ordinance is given as the ground."
                ),
                order=str(item.order),
            )


@meeting_rule(
    "R38",
    title=gettext_noop("The minutes lack a required item"),
    severity=Severity.EXPLAIN,
    source=MINUTES_FORMAT,
)
def minutes_items(meeting: Meeting, today: dt.date) -> Iterator[Finding]:
    """The place, the members' attendance or the secretariat is not recorded."""
    if not meeting.place.strip():
        yield _finding("R38", "meeting.place", gettext_noop("The place of the meeting is empty."))
    if not meeting.attendances.exists():
        yield _finding(
            "R38",
            "meeting.attendances",
            gettext_noop("The members' attendance is not recorded."),
        )
    if not meeting.staff.filter(capacity=StaffAttendee.Capacity.SECRETARIAT).exists():
        yield _finding(
            "R38",
            "meeting.staff",
            gettext_noop("The secretariat attending the meeting is not recorded."),
        )


@meeting_rule(
    "R39",
    title=gettext_noop("A consultation deliberated without a conclusion"),
    severity=Severity.EXPLAIN,
    source=MINUTES_STRUCTURE,
)
def deliberation_without_decision(meeting: Meeting, today: dt.date) -> Iterator[Finding]:
    """After the meeting, a consultation it deliberated has no decision (not even 継続審議)."""
    if meeting.date >= today:
        return
    decided = set(meeting.decisions.values_list("consultation_id", flat=True))
    items = meeting.agenda_items.filter(kind=AgendaItem.Kind.DELIBERATION)
    for item in items.prefetch_related("consultations"):
        for consultation in item.consultations.all():
            if consultation.pk not in decided:
                yield _finding(
                    "R39",
                    f"consultations[{consultation.key}]",
                    gettext_noop(
                        "%(consultation)s was deliberated but no decision is recorded: record "
                        "the answer, or that deliberation continues."
                    ),
                    consultation=consultation.label,
                )


@meeting_rule(
    "R40",
    title=gettext_noop("A promise in a response with no follow-up"),
    severity=Severity.EXPLAIN,
    source=SEED_COMMITMENTS,
)
def promise_without_follow_up(meeting: Meeting, today: dt.date) -> Iterator[Finding]:
    """A response promises something by a date, and no follow-up tracks it."""
    promised = Opinion.objects.filter(meeting=meeting, response__due_on__isnull=False)
    for opinion in promised.filter(follow_ups__isnull=True).select_related("consultation"):
        yield _finding(
            "R40",
            f"opinions[{opinion.pk}]",
            gettext_noop(
                "The response to opinion %(order)s on %(consultation)s promises an action by a "
                "date, but no follow-up tracks it."
            ),
            order=str(opinion.order),
            consultation=opinion.consultation.label,
        )


@meeting_rule(
    "R41",
    title=gettext_noop("A follow-up with no due date"),
    severity=Severity.EXPLAIN,
    source=TAKATSUKI_FOLLOW_UP,
)
def follow_up_without_due_date(meeting: Meeting, today: dt.date) -> Iterator[Finding]:
    """A commitment made at the meeting has no due date, so it cannot be tracked."""
    for follow_up in FollowUp.objects.filter(meeting=meeting, due_on__isnull=True):
        yield _finding(
            "R41",
            f"follow_ups[{follow_up.pk}].due_on",
            gettext_noop("The follow-up 「%(commitment)s」 has no due date."),
            commitment=str(follow_up),
        )


@meeting_rule(
    "R42",
    title=gettext_noop("The fiscal year does not match the date"),
    severity=Severity.MUST_FIX,
    source=FISCAL_YEARS,
)
def fiscal_year_matches_date(meeting: Meeting, today: dt.date) -> Iterator[Finding]:
    """The fiscal year is not the one the date falls in (January to March: the year before)."""
    expected = eras.fiscal_year_of(meeting.date)
    if meeting.fiscal_year != expected:
        yield _finding(
            "R42",
            "meeting.fiscal_year",
            gettext_noop(
                "The meeting is numbered in fiscal year %(numbered)s, but its date falls in "
                "fiscal year %(expected)s."
            ),
            numbered=eras.format_fiscal_year(meeting.fiscal_year),
            expected=eras.format_fiscal_year(expected),
        )
