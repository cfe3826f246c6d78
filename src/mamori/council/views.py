"""Pages for meetings and their minutes, and the public minutes site."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.council import access, minutes, services
from mamori.council.forms import (
    AgendaItemForm,
    AttendanceForm,
    MeetingForm,
    StaffAttendeeForm,
)
from mamori.council.models import Meeting
from mamori.documents import publication
from mamori.documents.access import check_numbers
from mamori.documents.models import PublishedMinutes
from mamori.documents.redaction import materials_for

MEETING_FIELDS = [
    "number",
    "date",
    "start_time",
    "end_time",
    "place",
    "openness",
    "closure_reason",
    "observers",
    "contact",
]
AGENDA_FIELDS = ["order", "kind", "title", "report", "openness", "closure_reason", "note"]


def _meeting_url(meeting: Meeting, name: str = "meeting_detail") -> str:
    return reverse(
        f"council:{name}",
        kwargs={
            "council": meeting.council.slug,
            "fiscal_year": meeting.fiscal_year,
            "number": meeting.number,
        },
    )


@login_required
def meeting_list(request: AuthenticatedRequest) -> HttpResponse:
    """Meetings the user may see, newest first."""
    meetings = (
        access.meetings_visible_to(request.user)
        .select_related("minutes")
        .annotate(items=Count("agenda_items", distinct=True))
    )
    return render(request, "council/meeting_list.html", {"meetings": meetings})


@login_required
def meeting_create(request: AuthenticatedRequest) -> HttpResponse:
    """Schedule a meeting (the secretariat)."""
    require(request.user.is_secretariat)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = services.create_meeting(
            actor=request.user,
            council=data["council"],
            closure_grounds=list(data["closure_grounds"]),
            **{name: data[name] for name in MEETING_FIELDS},
        )
        messages.success(request, _("The meeting was created."))
        return redirect(_meeting_url(meeting))
    return render(request, "council/meeting_form.html", {"form": form})


@login_required
def meeting_detail(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """A meeting's particulars, attendance, agenda and quorum."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number)
    doc = minutes.compose(meeting)
    items = meeting.agenda_items.prefetch_related("consultations").select_related("report")
    context: dict[str, Any] = {
        "meeting": meeting,
        "doc": doc,
        "items": items,
        "serving": doc.members_serving,
        "present": len(doc.members_present),
        "ties": meeting.decisions.filter(decided_by_chair=True).select_related("consultation"),
        "staff_form": StaffAttendeeForm(),
        "staff": meeting.staff.select_related("department"),
        "can_manage": request.user.is_secretariat,
    }
    return render(request, "council/meeting_detail.html", context)


@login_required
def meeting_edit(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """Change a meeting's particulars (the secretariat)."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_meeting(
            actor=request.user,
            meeting=meeting,
            closure_grounds=list(data["closure_grounds"]),
            **{name: data[name] for name in MEETING_FIELDS},
        )
        messages.success(request, _("The meeting was saved."))
        return redirect(_meeting_url(meeting))
    return render(request, "council/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
def meeting_attendance(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """Record which members were present and absent (the secretariat)."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    current: dict[str, list[int]] = defaultdict(list)
    for attendance in meeting.attendances.all():
        current[attendance.status].append(attendance.membership_id)
    form = AttendanceForm(
        request.POST or None,
        meeting=meeting,
        initial={"present": current["present"], "absent": current["absent"]},
    )
    if request.method == "POST" and form.is_valid():
        services.record_attendance(
            actor=request.user,
            meeting=meeting,
            present=list(form.cleaned_data["present"]),
            absent=list(form.cleaned_data["absent"]),
        )
        messages.success(request, _("The attendance was saved."))
        return redirect(_meeting_url(meeting))
    return render(request, "council/meeting_attendance.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def staff_add(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """Add a secretariat officer or explaining official to the meeting."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    form = StaffAttendeeForm(request.POST)
    if form.is_valid():
        services.add_staff_attendee(actor=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("The officer was added."))
    else:
        messages.error(request, _("Enter the officer's capacity, name and title."))
    return redirect(_meeting_url(meeting))


@login_required
@require_POST
def staff_remove(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int, pk: int
) -> HttpResponse:
    """Remove an officer from the meeting."""
    check_numbers(pk)
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    attendee = meeting.staff.filter(pk=pk).first()
    if attendee is not None:
        services.remove_staff_attendee(actor=request.user, attendee=attendee)
        messages.success(request, _("The officer was removed."))
    return redirect(_meeting_url(meeting))


def _agenda_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in AGENDA_FIELDS}


def _agenda_closed(request: AuthenticatedRequest, meeting: Meeting) -> HttpResponse | None:
    """Back to the meeting, with the reason, when its agenda cannot change now."""
    try:
        services.check_agenda_open(meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_meeting_url(meeting))
    return None


@login_required
def agenda_item_create(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """Add an item to the agenda (the secretariat), not while the minutes are published."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    closed = _agenda_closed(request, meeting)
    if closed is not None:
        return closed
    form = AgendaItemForm(
        request.POST or None,
        meeting=meeting,
        initial={"order": services.next_agenda_order(meeting)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_agenda_item(
                actor=request.user,
                meeting=meeting,
                consultations=list(data["consultations"]),
                closure_grounds=list(data["closure_grounds"]),
                **_agenda_values(data),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_meeting_url(meeting))
        messages.success(request, _("The agenda item was added."))
        return redirect(_meeting_url(meeting))
    return render(request, "council/agendaitem_form.html", {"form": form, "meeting": meeting})


@login_required
def agenda_item_edit(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int, order: int
) -> HttpResponse:
    """Change an agenda item, its consultations, openness or note (the secretariat), not while
    the minutes are published."""
    check_numbers(order)
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    item = access.get_agenda_item_for_user(request.user, meeting, order)
    closed = _agenda_closed(request, meeting)
    if closed is not None:
        return closed
    form = AgendaItemForm(request.POST or None, instance=item, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_agenda_item(
                actor=request.user,
                item=item,
                consultations=list(data["consultations"]),
                closure_grounds=list(data["closure_grounds"]),
                **_agenda_values(data),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_meeting_url(meeting))
        messages.success(request, _("The agenda item was saved."))
        return redirect(_meeting_url(meeting))
    return render(
        request, "council/agendaitem_form.html", {"form": form, "meeting": meeting, "item": item}
    )


@login_required
def minutes_draft(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """The minutes as composed from the records: for the secretariat and the members."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number)
    context = {
        "meeting": meeting,
        "doc": minutes.compose(meeting),
        "can_manage": request.user.is_secretariat,
        "snapshot": publication.current_snapshot(meeting.minutes),
        "materials": materials_for(meeting),
        "public_url": reverse(
            "council:public_minutes_detail",
            kwargs={"council": council, "fiscal_year": fiscal_year, "number": number},
        ),
    }
    return render(request, "council/minutes_draft.html", context)


@login_required
def minutes_edit(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """The publication of the materials is decided per material, with the reason, on the
    materials page (one place, so the minutes cannot contradict themselves)."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    return redirect(
        reverse(
            "documents:materials",
            kwargs={"council": council, "fiscal_year": meeting.fiscal_year, "number": number},
        )
    )


@login_required
@require_POST
def minutes_publish(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """Publish the minutes at their public address (the secretariat); refused, with the
    reason, when they are published already or a material is undecided."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    try:
        services.publish_minutes(actor=request.user, minutes=meeting.minutes)
    except publication.PublicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The minutes were published."))
    return redirect(_meeting_url(meeting, "minutes_draft"))


@login_required
@require_POST
def minutes_withdraw(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """Take the minutes off the public site (the secretariat)."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    services.withdraw_minutes(actor=request.user, minutes=meeting.minutes)
    messages.success(request, _("The minutes were withdrawn from the public site."))
    return redirect(_meeting_url(meeting, "minutes_draft"))


def public_minutes_list(request: HttpRequest) -> HttpResponse:
    """Published minutes by fiscal year (newest first), each as a web page, PDF and Word file;
    `?year=2009` shows one fiscal year."""
    snapshots = publication.public_snapshots()
    years: dict[int, list[PublishedMinutes]] = defaultdict(list)
    for snapshot in snapshots:
        years[snapshot.minutes.meeting.fiscal_year].append(snapshot)
    chosen = _year_of(request.GET.get("year", ""))
    shown = {chosen: years.get(chosen, [])} if chosen is not None else dict(years)
    context = {"years": shown, "all_years": list(years), "chosen": chosen}
    return render(request, "council/public_minutes_list.html", context)


def _year_of(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) == 4 else None


def public_minutes_detail(
    request: HttpRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """Published minutes at their stable public address: the snapshot as it was published
    (withheld text marked), its files and the meeting's materials."""
    check_numbers(fiscal_year, number)
    snapshot = publication.get_public_snapshot(council, fiscal_year, number)
    if snapshot is None:
        raise Http404
    context = {
        "snapshot": snapshot,
        "meeting": snapshot.minutes.meeting,
        "title": snapshot.title or snapshot.minutes.meeting.title,
        # Rendered by documents.render_html from the redacted document, every text escaped.
        "content": mark_safe(snapshot.html),  # noqa: S308
        "materials": publication.published_materials(snapshot),
        "pdf_size": snapshot.pdf_size or publication.file_size(snapshot.pdf),
        "docx_size": snapshot.docx_size or publication.file_size(snapshot.docx),
    }
    return render(request, "council/public_minutes_detail.html", context)
