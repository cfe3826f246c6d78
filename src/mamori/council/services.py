"""Use cases that change meetings and minutes; each records itself in the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.audit.writes import create_audited, delete_audited, update_audited
from mamori.consultations.models import Consultation
from mamori.core import eras
from mamori.council.models import (
    AgendaItem,
    Attendance,
    Council,
    DisclosureGround,
    Meeting,
    Membership,
    Minutes,
    StaffAttendee,
)


@transaction.atomic
def create_meeting(
    *,
    actor: Any,
    council: Council,
    closure_grounds: list[DisclosureGround] | None = None,
    **fields: Any,
) -> Meeting:
    """Schedule a meeting; its fiscal year follows from its date."""
    fields["fiscal_year"] = eras.fiscal_year_of(fields["date"])
    meeting = create_audited(
        Meeting,
        actor=actor,
        use_case="council.create_meeting",
        council=council,
        m2m={"closure_grounds": list(closure_grounds or [])},
        **fields,
    )
    create_audited(Minutes, actor=actor, use_case="council.create_meeting", meeting=meeting)
    return meeting


@transaction.atomic
def update_meeting(
    *,
    actor: Any,
    meeting: Meeting,
    closure_grounds: list[DisclosureGround] | None = None,
    **fields: Any,
) -> Meeting:
    """Change a meeting's particulars."""
    if "date" in fields:
        fields["fiscal_year"] = eras.fiscal_year_of(fields["date"])
    return update_audited(
        meeting,
        actor=actor,
        use_case="council.update_meeting",
        m2m={"closure_grounds": closure_grounds},
        **fields,
    )


class AttendanceError(ValueError):
    """Attendance that cannot be: a member both present and absent, or not serving that day."""


@transaction.atomic
def record_attendance(
    *, actor: Any, meeting: Meeting, present: list[Membership], absent: list[Membership]
) -> None:
    """Record which members were present and which absent; others are left unrecorded."""
    both = {m.pk for m in present} & {m.pk for m in absent}
    if both:
        raise AttendanceError("present and absent at once")
    serving = set(meeting.council.memberships.serving_on(meeting.date).values_list("pk", flat=True))
    if not {m.pk for m in present + absent} <= serving:
        raise AttendanceError("not serving on the meeting date")
    wanted = {m.pk: Attendance.Status.PRESENT for m in present}
    wanted |= {m.pk: Attendance.Status.ABSENT for m in absent}
    existing = {a.membership_id: a for a in meeting.attendances.all()}
    for membership_id, attendance in existing.items():
        if membership_id not in wanted:
            delete_audited(attendance, actor=actor, use_case="council.record_attendance")
    for membership_id, status in wanted.items():
        if membership_id in existing:
            update_audited(
                existing[membership_id],
                actor=actor,
                use_case="council.record_attendance",
                status=status,
            )
        else:
            create_audited(
                Attendance,
                actor=actor,
                use_case="council.record_attendance",
                meeting=meeting,
                membership_id=membership_id,
                status=status,
            )


def add_staff_attendee(*, actor: Any, meeting: Meeting, **fields: Any) -> StaffAttendee:
    """Record a secretariat officer or a department's explaining official at the meeting."""
    fields.setdefault("order", meeting.staff.count() + 1)
    return create_audited(
        StaffAttendee, actor=actor, use_case="council.add_staff_attendee", meeting=meeting, **fields
    )


def remove_staff_attendee(*, actor: Any, attendee: StaffAttendee) -> None:
    """Take an officer off the meeting's attendance."""
    delete_audited(attendee, actor=actor, use_case="council.remove_staff_attendee")


def check_agenda_open(meeting: Meeting) -> None:
    """ValidationError while the meeting's minutes are published: the published minutes list
    the agenda's materials, so the agenda changes only after withdrawing them."""
    if Minutes.objects.filter(meeting=meeting, status=Minutes.Status.PUBLISHED).exists():
        raise ValidationError(
            _(
                "The minutes of this meeting are published: withdraw them from the public "
                "site before changing the agenda."
            )
        )


def next_agenda_order(meeting: Meeting) -> int:
    last = meeting.agenda_items.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def add_agenda_item(
    *,
    actor: Any,
    meeting: Meeting,
    consultations: list[Consultation] | None = None,
    closure_grounds: list[DisclosureGround] | None = None,
    **fields: Any,
) -> AgendaItem:
    """Add an item to the meeting's agenda; consultations on it are then on an agenda (not while
    the meeting's minutes are published)."""
    check_agenda_open(meeting)
    fields.setdefault("order", next_agenda_order(meeting))
    item = create_audited(
        AgendaItem,
        actor=actor,
        use_case="council.add_agenda_item",
        meeting=meeting,
        m2m={
            "consultations": list(consultations or []),
            "closure_grounds": list(closure_grounds or []),
        },
        **fields,
    )
    _mark_on_agenda(actor, consultations or [])
    return item


@transaction.atomic
def update_agenda_item(
    *,
    actor: Any,
    item: AgendaItem,
    consultations: list[Consultation] | None = None,
    closure_grounds: list[DisclosureGround] | None = None,
    **fields: Any,
) -> AgendaItem:
    """Change an agenda item, its consultations or its openness."""
    check_agenda_open(item.meeting)
    _mark_on_agenda(actor, consultations or [])
    return update_audited(
        item,
        actor=actor,
        use_case="council.update_agenda_item",
        m2m={"consultations": consultations, "closure_grounds": closure_grounds},
        **fields,
    )


def _mark_on_agenda(actor: Any, consultations: list[Consultation]) -> None:
    for consultation in consultations:
        # Accepting a submitted (or continued) consultation onto an agenda: see
        # consultations.lifecycle.accept_consultation, which calls add_agenda_item.
        if consultation.status in (Consultation.Status.SUBMITTED, Consultation.Status.CONTINUED):
            update_audited(
                consultation,
                actor=actor,
                use_case="council.add_agenda_item",
                status=Consultation.Status.ON_AGENDA,
            )


@transaction.atomic
def update_minutes(*, actor: Any, minutes: Minutes, **fields: Any) -> Minutes:
    """Change what the minutes say about publishing the meeting's materials (not while they
    are published: withdraw them first)."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.is_published:
        raise ValidationError(
            _(
                "The minutes are published: withdraw them from the public site "
                "before changing what is withheld."
            )
        )
    return update_audited(minutes, actor=actor, use_case="council.update_minutes", **fields)


def publish_minutes(*, actor: Any, minutes: Minutes, now: dt.datetime | None = None) -> Minutes:
    """Publish the minutes at their public address: a snapshot of them as they now stand,
    withheld text and materials marked, is what the public reads (and what its search finds).

    Rendering takes seconds, so it happens outside any transaction; the short transaction that
    follows locks the minutes and publishes only if they are still a draft and what is withheld
    is still what was rendered (PublicationError otherwise, and nothing is kept)."""
    from mamori.documents import publication

    publication.check_publishable(minutes)
    rendering = publication.render_for_publication(minutes)
    files = publication.store_files(minutes, rendering)
    try:
        with transaction.atomic():
            locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
            publication.check_publishable(locked)
            if publication.publication_state(locked) != rendering.state:
                raise publication.PublicationError(
                    _(
                        "What is withheld changed while the minutes were being prepared. "
                        "Check the words and materials withheld, then publish again."
                    )
                )
            locked = update_audited(
                locked,
                actor=actor,
                use_case="council.publish_minutes",
                status=Minutes.Status.PUBLISHED,
                published_at=now or timezone.now(),
                published_by=actor,
            )
            publication.create_snapshot(
                actor=actor,
                minutes=locked,
                rendering=rendering,
                files=files,
                published_at=locked.published_at or timezone.now(),
            )
    except BaseException:
        files.delete()
        raise
    return locked


@transaction.atomic
def withdraw_minutes(*, actor: Any, minutes: Minutes) -> Minutes:
    """Take published minutes back to draft (they and their files leave the public site)."""
    from mamori.documents import publication

    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    publication.withdraw_snapshots(actor=actor, minutes=minutes)
    return update_audited(
        minutes,
        actor=actor,
        use_case="council.withdraw_minutes",
        status=Minutes.Status.DRAFT,
        published_at=None,
        published_by=None,
    )


def create_council(*, actor: Any, **fields: Any) -> Council:
    """Set up a council."""
    return create_audited(Council, actor=actor, use_case="council.create_council", **fields)


def appoint_member(*, actor: Any, council: Council, **fields: Any) -> Membership:
    """Give a person a seat on the council for a term."""
    return create_audited(
        Membership, actor=actor, use_case="council.appoint_member", council=council, **fields
    )
