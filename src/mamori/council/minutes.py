"""The minutes as a document, composed from a meeting's records in a bounded number of queries.

One document model feeds every format (web page, the export command, later Word and PDF).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from mamori.accounts.models import Department
from mamori.consultations.models import Consultation, Decision, Opinion
from mamori.core import eras
from mamori.council.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Membership,
    Openness,
    StaffAttendee,
)


@dataclass
class Exchange:
    """A member's opinion and the department's response, as a pair."""

    opinion: str
    response: str
    responder: str = ""


@dataclass
class ConsultationSection:
    """What the minutes say about one consultation deliberated."""

    label: str
    title: str
    department: str
    department_short: str
    decision: str
    tie_note: str
    attached_opinions: str
    exchanges: list[Exchange] = field(default_factory=list)


@dataclass
class ReportSection:
    """A report: its subject, the reporting department's explanation and the earlier answer."""

    title: str
    department: str
    department_short: str
    explanation: str
    related: str


@dataclass
class ItemSection:
    """One agenda item in the account of proceedings (会議経過)."""

    number: int
    kind: str
    title: str
    closed: bool
    closure_reason: str
    note: str
    consultations: list[ConsultationSection] = field(default_factory=list)
    report: ReportSection | None = None


@dataclass
class MinutesDocument:
    """Everything the minutes show, in order."""

    title: str
    held: str
    place: str
    members_present: list[str]
    members_absent: list[str]
    secretariat: list[str]
    explainers: list[str]
    openness: str
    closure_reason: str
    closure_grounds: list[str]
    observers: int
    items: list[ItemSection]
    contact: str
    materials_published: bool
    materials_reason: str
    members_serving: int
    quorum_met: bool
    is_published: bool


def _member_label(membership: Membership) -> str:
    suffix = {
        Membership.Role.CHAIR: "会長",
        Membership.Role.VICE_CHAIR: "会長職務代理",
        Membership.Role.MEMBER: "委員",
    }[Membership.Role(membership.role)]
    return f"{membership.member.display_name or membership.member.get_username()}{suffix}"


OPENNESS_LABELS = {
    Openness.OPEN: "傍聴可",
    Openness.PARTLY_CLOSED: "一部傍聴不可",
    Openness.CLOSED: "傍聴不可",
}


def load_meeting(meeting: Meeting) -> Meeting:
    """The meeting with everything the minutes need fetched in a fixed number of queries."""
    opinions = (
        Opinion.objects.filter(meeting=meeting)
        .select_related("response__department")
        .order_by("order", "id")
    )
    decisions = Decision.objects.filter(meeting=meeting).order_by("id")
    consultations = (
        Consultation.objects.select_related("department__parent")
        .prefetch_related(
            Prefetch("opinions", queryset=opinions, to_attr="meeting_opinions"),
            Prefetch("decisions", queryset=decisions, to_attr="meeting_decisions"),
        )
        .order_by("number")
    )
    return (
        Meeting.objects.select_related("council", "minutes")
        .prefetch_related(
            "closure_grounds",
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("membership__member"),
            ),
            Prefetch("staff", queryset=StaffAttendee.objects.select_related("department")),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related(
                    "report__department__parent",
                    "report__related_decision__consultation",
                ).prefetch_related(
                    Prefetch("consultations", queryset=consultations), "closure_grounds"
                ),
            ),
        )
        .get(pk=meeting.pk)
    )


def _department_name(department: Department) -> str:
    parent = department.parent
    return f"{parent.name}{department.name}" if parent is not None else department.name


def compose(meeting: Meeting) -> MinutesDocument:
    """Compose the minutes of a meeting from its records."""
    meeting = load_meeting(meeting)
    attendances = sorted(
        meeting.attendances.all(), key=lambda a: (a.membership.order, a.membership_id)
    )
    present = [a for a in attendances if a.status == Attendance.Status.PRESENT]
    absent = [a for a in attendances if a.status == Attendance.Status.ABSENT]
    staff = list(meeting.staff.all())
    serving = meeting.council.memberships.serving_on(meeting.date).count()
    minutes = meeting.minutes
    return MinutesDocument(
        title=meeting.title,
        held=f"{eras.format_date(meeting.date, weekday=True)}"
        f"{eras.format_time_range(meeting.start_time, meeting.end_time)}",
        place=meeting.place,
        members_present=[_member_label(a.membership) for a in present],
        members_absent=[_member_label(a.membership) for a in absent],
        secretariat=[
            f"{s.name}{s.title}" for s in staff if s.capacity == StaffAttendee.Capacity.SECRETARIAT
        ],
        explainers=[
            f"{s.name}{s.title}" for s in staff if s.capacity == StaffAttendee.Capacity.EXPLAINER
        ],
        openness=OPENNESS_LABELS[Openness(meeting.openness)],
        closure_reason=meeting.closure_reason,
        closure_grounds=[str(g) for g in meeting.closure_grounds.all()],
        observers=meeting.observers,
        items=[_item_section(item, meeting) for item in meeting.agenda_items.all()],
        contact=meeting.contact or meeting.council.contact,
        materials_published=minutes.materials_published,
        materials_reason=minutes.materials_reason,
        members_serving=serving,
        quorum_met=len(present) * 2 > serving,
        is_published=minutes.is_published,
    )


def _item_section(item: AgendaItem, meeting: Meeting) -> ItemSection:
    closed = item.openness == AgendaItem.ItemOpenness.CLOSED or (
        item.openness == AgendaItem.ItemOpenness.AS_MEETING and meeting.openness == Openness.CLOSED
    )
    section = ItemSection(
        number=item.order,
        kind=item.kind,
        title=item.title,
        closed=closed,
        closure_reason=item.closure_reason,
        note=item.note,
    )
    for consultation in item.consultations.all():
        if item.kind == AgendaItem.Kind.DELIBERATION:
            section.consultations.append(_consultation_section(consultation))
        else:
            section.consultations.append(_consultation_heading(consultation))
    if item.report is not None:
        report = item.report
        related = ""
        if report.related_decision is not None:
            decision = report.related_decision
            related = _("Answered %(verdict)s on %(date)s (%(label)s).") % {
                "verdict": f"「{decision.verdict}」",
                "date": eras.format_date(decision.decided_on),
                "label": decision.consultation.label,
            }
        section.report = ReportSection(
            title=report.title,
            department=_department_name(report.department),
            department_short=report.department.name,
            explanation=report.explanation,
            related=related,
        )
    return section


def _consultation_heading(consultation: Consultation) -> ConsultationSection:
    return ConsultationSection(
        label=consultation.label,
        title=consultation.title,
        department=_department_name(consultation.department),
        department_short=consultation.department.name,
        decision="",
        tie_note="",
        attached_opinions="",
    )


def _consultation_section(consultation: Consultation) -> ConsultationSection:
    decisions: list[Decision] = getattr(consultation, "meeting_decisions", [])
    decision = decisions[-1] if decisions else None
    tie_note = ""
    if decision is not None and decision.decided_by_chair:
        tie_note = _("The votes were tied (%(votes)s each); the chair decided.") % {
            "votes": decision.votes_for
        }
    exchanges = []
    for opinion in getattr(consultation, "meeting_opinions", []):
        response = getattr(opinion, "response", None)
        responder = ""
        if response is not None and response.show_department:
            responder = response.department.name
        exchanges.append(
            Exchange(
                opinion=opinion.text,
                response=response.text if response is not None else "",
                responder=responder,
            )
        )
    section = _consultation_heading(consultation)
    section.exchanges = exchanges
    if decision is not None:
        section.decision = decision.sentence
        section.tie_note = tie_note
        section.attached_opinions = decision.attached_opinions
    return section
