"""Pages for rooms and cabinets: who may enter them, who did, and the door system's imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.consultations.attachments import megabytes
from mamori.core.access import department_ids_of, require
from mamori.core.http import AuthenticatedRequest
from mamori.ledger import access
from mamori.ledger.entries import MAX_ROWS, card_id_not_registered
from mamori.ledger.forms_rooms import (
    AuthorizationEndForm,
    AuthorizationForm,
    EntriesImportForm,
    EntryFilterForm,
    EntryForm,
    RoomForm,
)
from mamori.ledger.models import EntryRecord, Room, RoomAuthorization
from mamori.ledger.services import rooms as services

PAGE_SIZE = 50
# The room list counts the entries flagged within this many days.
FLAGGED_DAYS = 30
# Service error codes that belong to a form field.
ROOM_FIELDS = {
    "department": "department",
    "name": "name",
    "code": "code",
    "kind": "kind",
    "parent": "parent",
    "files": "kept_files",
}
AUTHORIZATION_FIELDS = {"user": "user", "person": "person_name", "valid_until": "valid_until"}
ENTRY_FIELDS = {"person": "person_name", "left_at": "left_time", "entered_at": "entered_time"}


def _posted(request: AuthenticatedRequest) -> Any:
    """The posted data, or None for a GET (an empty POST is still a submitted form)."""
    return request.POST if request.method == "POST" else None


def _add_error(form: Form, error: ValidationError, fields: dict[str, str]) -> None:
    """A service's refusal on the field it concerns (by its code), else on the form."""
    code = getattr(error, "code", None) or ""
    field = fields.get(code)
    form.add_error(field if field in form.fields else None, error)


def _room_url(room: Room | int) -> str:
    return reverse("ledger:room_detail", args=[room if isinstance(room, int) else room.pk])


@login_required
def room_list(request: AuthenticatedRequest) -> HttpResponse:
    """Rooms and cabinets the user sees, with the entries flagged lately."""
    since = timezone.now() - dt.timedelta(days=FLAGGED_DAYS)
    flagged = Q(entries__entered_at__gte=since) & (
        Q(entries__outside_hours=True) | Q(entries__unauthorized=True)
    )
    rooms = (
        access.rooms_visible_to(request.user)
        .annotate(flagged_count=Count("entries", filter=flagged, distinct=True))
        .order_by("department__name", "name", "id")
    )
    page = Paginator(rooms, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/room_list.html",
        {
            "page_obj": page,
            "rooms": page.object_list,
            "flagged_days": FLAGGED_DAYS,
            "may_manage": access.may_manage_room(request.user),
        },
    )


@login_required
def room_create(request: AuthenticatedRequest) -> HttpResponse:
    """Add a room or cabinet of one of the user's departments."""
    user = request.user
    require(access.may_manage_room(user))
    form = RoomForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            room = services.create_room(
                actor=user,
                department=data["department"],
                name=data["name"],
                code=data["code"],
                kind=data["kind"],
                parent=data["parent"],
                files=list(data["kept_files"]),
            )
        except ValidationError as error:
            _add_error(form, error, ROOM_FIELDS)
        else:
            messages.success(request, _("The room was added."))
            return redirect(_room_url(room))
    return render(request, "ledger/room_form.html", {"form": form})


def _entries(room: Room, filters: EntryFilterForm) -> Any:
    entries = EntryRecord.objects.filter(room=room).select_related("user")
    if not filters.is_valid():
        return entries
    data = filters.cleaned_data
    if data["since"]:
        entries = entries.filter(entered_at__date__gte=data["since"])
    if data["until"]:
        entries = entries.filter(entered_at__date__lte=data["until"])
    if data["flagged"]:
        entries = entries.filter(Q(outside_hours=True) | Q(unauthorized=True))
    return entries


@login_required
def room_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A room: who may enter it, and its entries (by period, flagged ones only)."""
    user = request.user
    room = access.get_room_for_user(user, pk)
    filters = EntryFilterForm(request.GET or None)
    entries = _entries(room, filters).order_by("-entered_at", "-id")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    allowed = services.authorizations_of(room)
    rows = [(entry, card_id_not_registered(entry, allowed)) for entry in page.object_list]
    return render(
        request,
        "ledger/room_detail.html",
        {
            "room": room,
            "files": list(room.files.all()),
            "children": list(room.children.all()),
            "authorizations": list(
                RoomAuthorization.objects.filter(room=room)
                .select_related("user")
                .order_by("-valid_from", "id")
            ),
            "filters": filters,
            "page_obj": page,
            "entries": page.object_list,
            "entry_rows": rows,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "may_manage": access.may_manage_room(user, room),
            "may_record": access.may_record_entry(user, room),
            "end_form": AuthorizationEndForm(initial={"on": timezone.localdate()}),
        },
    )


@login_required
def authorization_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Allow a person into the room."""
    user = request.user
    room = access.get_room_for_user(user, pk)
    require(access.may_manage_room(user, room))
    form = AuthorizationForm(_posted(request), room=room)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.authorize(
                actor=user,
                room=room,
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                user=data["user"],
                person_name=data["person_name"] if data["user"] is None else "",
                card_id=data["card_id"],
            )
        except ValidationError as error:
            _add_error(form, error, AUTHORIZATION_FIELDS)
        else:
            messages.success(request, _("The authorization to enter was added."))
            return redirect(_room_url(room) + "#authorizations")
    return render(request, "ledger/authorization_form.html", {"room": room, "form": form})


@login_required
@require_POST
def authorization_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """End an authorization on a given last day."""
    user = request.user
    authorization = get_object_or_404(RoomAuthorization.objects.select_related("room"), pk=pk)
    room = access.get_room_for_user(user, authorization.room_id)
    require(access.may_manage_room(user, room))
    form = AuthorizationEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the last day of the authorization."))
        return redirect(_room_url(room) + "#authorizations")
    try:
        services.end_authorization(
            actor=user, authorization=authorization, on=form.cleaned_data["on"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The authorization was ended."))
    return redirect(_room_url(room) + "#authorizations")


@login_required
def entry_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record that someone entered the room (and left it)."""
    user = request.user
    room = access.get_room_for_user(user, pk)
    require(access.may_record_entry(user, room))
    form = EntryForm(_posted(request), room=room)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entered_at, left_at = EntryForm.moments(data)
        try:
            entry = services.record_entry(
                actor=user,
                room=room,
                entered_at=entered_at,  # type: ignore[arg-type]  # the form requires it
                left_at=left_at,
                user=data["user"],
                person_name=data["person_name"],
                card_id=data["card_id"],
            )
        except ValidationError as error:
            _add_error(form, error, ENTRY_FIELDS)
        else:
            if entry.flagged:
                messages.warning(request, _("The entry was recorded and flagged: see the list."))
            else:
                messages.success(request, _("The entry was recorded."))
            return redirect(_room_url(room) + "#entries")
    return render(request, "ledger/entry_form.html", {"room": room, "form": form})


@login_required
def entries_import(request: AuthenticatedRequest) -> HttpResponse:
    """Import a door system's CSV export: every row checked, nothing saved if any fails."""
    user = request.user
    require(access.may_manage_room(user))
    form = EntriesImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    report = None
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        limit = settings.MAMORI_MAX_UPLOAD_BYTES
        if (uploaded.size or 0) > limit:
            form.add_error(
                "file",
                _("The file is too large: attach a file of %(limit)s MB or less.")
                % {"limit": megabytes(limit)},
            )
        else:
            try:
                report = services.import_entries(actor=user, data=uploaded.read())
            except ValidationError as error:
                form.add_error("file", error)
    return render(
        request,
        "ledger/entries_import.html",
        {
            "form": form,
            "report": report,
            "max_rows": f"{MAX_ROWS:,}",
            "rooms": Room.objects.filter(department_id__in=department_ids_of(user)).order_by(
                "code"
            ),
        },
    )
