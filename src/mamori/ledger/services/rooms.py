"""Rooms and cabinets, who may enter them, and the entry records (typed in or imported)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.accounts.models import Department, Role, User
from mamori.audit.writes import create_audited, update_audited
from mamori.consultations.attachments import megabytes
from mamori.core.access import department_ids_of
from mamori.ledger import access, entries
from mamori.ledger.models import EntryRecord, PersonalInformationFile, Room, RoomAuthorization


@dataclass
class ImportReport:
    created: int = 0
    skipped_duplicates: int = 0
    flagged: int = 0
    errors: list[str] = field(default_factory=list)  # "line n: message", in Japanese


def _require(actor: Any, check: Callable[..., bool], *objects: Any) -> None:
    """PermissionDenied unless the actor is the system (None) or the check allows the actor."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or not check(actor, *objects):
        raise PermissionDenied


def _person(actor: Any, department_id: int) -> Any:
    """Who a row is credited to: the actor, or for the system (the demo, commands) an active
    member of the staff of the room's department; never anyone else."""
    if actor is not None:
        return actor
    found = (
        User.objects.filter(is_active=True, role=Role.DEPARTMENT_STAFF, department_id=department_id)
        .order_by("pk")
        .first()
    )
    if found is None:
        raise ValidationError(
            _("No member of the department's staff can be recorded as having done this."),
            code="no_person",
        )
    return found


def _text(value: str, limit: int, message: str, code: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(message, code=code)
    if len(text) > limit:
        raise ValidationError(
            _("Enter at most %(limit)s characters.") % {"limit": limit}, code=code
        )
    return text


# Rooms ----------------------------------------------------------------------------------------


@transaction.atomic
def create_room(
    *,
    actor: Any,
    department: Department,
    name: str,
    code: str,
    kind: str = Room.Kind.ROOM,
    parent: Room | None = None,
    files: list[Any] | None = None,
) -> Room:
    """Add a room or cabinet of one of the actor's departments, with its door-system code."""
    _require(actor, access.may_manage_room)
    if actor is not None and department.pk not in department_ids_of(actor):
        raise ValidationError(_("Choose one of your own departments."), code="department")
    name = _text(name, 200, _("Enter the name of the room or cabinet."), "name")
    code = _text(code, 50, _("Enter the door system's code of the room."), "code")
    if kind not in Room.Kind.values:
        raise ValidationError(_("Choose whether it is a room or a cabinet."), code="kind")
    if Room.objects.filter(code=code).exists():
        raise ValidationError(
            _("Another room already has the door system code %(code)s.") % {"code": code},
            code="code",
        )
    if parent is not None and parent.department_id != department.pk:
        raise ValidationError(
            _("The room it stands in must belong to the same department."), code="parent"
        )
    kept: list[PersonalInformationFile] = list(files or [])
    if any(file.department_id != department.pk for file in kept):
        raise ValidationError(
            _("Only files of the room's department can be kept in it."), code="files"
        )
    return create_audited(
        Room,
        actor=actor,
        use_case="ledger.create_room",
        m2m={"files": kept},
        department=department,
        name=name,
        code=code,
        kind=kind,
        parent=parent,
    )


def _has_role_there(user: Any, room: Room) -> bool:
    """Staff of the room's department, or a contractor user of a file kept in the room."""
    if user.is_department_staff:
        return room.department_id in department_ids_of(user)
    if user.is_contractor:
        return access.rooms_visible_to(user).filter(pk=room.pk).exists()
    return False


@transaction.atomic
def authorize(
    *,
    actor: Any,
    room: Room,
    valid_from: dt.date,
    user: Any = None,
    person_name: str = "",
    card_id: str = "",
    valid_until: dt.date | None = None,
) -> RoomAuthorization:
    """Allow a person into a room: a user with a role there, or someone by name and card id."""
    _require(actor, access.may_manage_room, room)
    person_name = _text(person_name, 100, "", "person_name", required=False)
    card_id = _text(card_id, 50, "", "card_id", required=False)
    if user is not None and not _has_role_there(user, room):
        raise ValidationError(
            _(
                "This user has no role in this room: only staff of its department and "
                "contractor users of a file kept in it can be authorized."
            ),
            code="user",
        )
    if user is None and not (person_name and card_id):
        raise ValidationError(
            _("Choose a user, or enter the person's name and card id."), code="person"
        )
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(_("The last day cannot be before the first day."), code="valid_until")
    return create_audited(
        RoomAuthorization,
        actor=actor,
        use_case="ledger.authorize",
        room=room,
        user=user,
        person_name=person_name,
        card_id=card_id,
        valid_from=valid_from,
        valid_until=valid_until,
    )


@transaction.atomic
def end_authorization(*, actor: Any, authorization: RoomAuthorization, on: dt.date) -> None:
    """End an authorization: `on` becomes the last day it is valid."""
    _require(actor, access.may_manage_room, authorization.room)
    fresh = RoomAuthorization.objects.select_for_update().get(pk=authorization.pk)
    authorization.valid_from, authorization.valid_until = fresh.valid_from, fresh.valid_until
    if on < authorization.valid_from:
        raise ValidationError(_("The last day cannot be before the first day."), code="valid_until")
    if authorization.valid_until is not None and authorization.valid_until <= on:
        raise ValidationError(
            _("This authorization already ends on or before that day."), code="ended"
        )
    update_audited(authorization, actor=actor, use_case="ledger.end_authorization", valid_until=on)


# Entries --------------------------------------------------------------------------------------


def _authorizations(room: Room) -> list[RoomAuthorization]:
    """The authorizations that let people into the room: its own and its parent room's."""
    room_ids = [room.pk] + ([room.parent_id] if room.parent_id else [])
    return list(RoomAuthorization.objects.filter(room_id__in=room_ids))


def _entry_fields(
    *,
    room: Room,
    entered_at: dt.datetime,
    left_at: dt.datetime | None,
    user: Any,
    person_name: str,
    card_id: str,
    authorizations: list[RoomAuthorization],
) -> dict[str, Any]:
    """The entry's values checked, with its flags computed."""
    if entered_at is None:
        raise ValidationError(_("Enter when the person entered."), code="entered_at")
    if left_at is not None and left_at < entered_at:
        raise ValidationError(
            _("The time of leaving must be after the time of entry."), code="left_at"
        )
    person_name = _text(person_name, 100, "", "person_name", required=False)
    card_id = _text(card_id, 50, "", "card_id", required=False)
    if user is None and not (person_name or card_id):
        raise ValidationError(
            _("Choose a user, or enter the person's name or card id."), code="person"
        )
    return {
        "room": room,
        "user": user,
        "person_name": person_name,
        "card_id": card_id,
        "entered_at": entered_at,
        "left_at": left_at,
        "outside_hours": entries.entry_outside_hours(entered_at, left_at),
        "unauthorized": entries.is_unauthorized(
            authorizations, entered_at, user_id=user.pk if user else None, card_id=card_id
        ),
    }


@transaction.atomic
def record_entry(
    *,
    actor: Any,
    room: Room,
    entered_at: dt.datetime,
    left_at: dt.datetime | None = None,
    user: Any = None,
    person_name: str = "",
    card_id: str = "",
    source: str = EntryRecord.Source.MANUAL,
) -> EntryRecord:
    """Flags outside_hours and unauthorized are computed here."""
    _require(actor, access.may_record_entry, room)
    if source not in EntryRecord.Source.values:
        raise ValidationError(_("Unknown source of the entry."), code="source")
    values = _entry_fields(
        room=room,
        entered_at=entered_at,
        left_at=left_at,
        user=user,
        person_name=person_name,
        card_id=card_id,
        authorizations=_authorizations(room),
    )
    return create_audited(
        EntryRecord,
        actor=actor,
        use_case="ledger.record_entry",
        source=source,
        recorded_by=_person(actor, room.department_id),
        recorded_at=timezone.now(),
        **values,
    )


def _import_rooms(
    actor: Any, rows: list[entries.EntryRow], report: ImportReport
) -> dict[str, Room]:
    """The rooms the rows name, each checked as one the actor manages; errors by line."""
    codes = {row.room_code for row in rows}
    rooms = {room.code: room for room in Room.objects.filter(code__in=codes)}
    for row in rows:
        room = rooms.get(row.room_code)
        if room is None:
            message = _("no room has the door system code %(code)s.")
        elif actor is not None and not access.may_manage_room(actor, room):
            message = _("the room %(code)s is not one of your department's rooms.")
        else:
            continue
        report.errors.append(entries.line_error(row.line, message % {"code": row.room_code}))
    return rooms


def _check_upload(data: bytes) -> None:
    limit = settings.MAMORI_MAX_UPLOAD_BYTES
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(data) > limit:
        raise ValidationError(
            _("The file is too large: attach a file of %(limit)s MB or less.")
            % {"limit": megabytes(limit)},
            code="too_large",
        )


@transaction.atomic
def import_entries(*, actor: Any, data: bytes) -> ImportReport:
    """A door system's CSV export (UTF-8 or Shift_JIS); all-or-nothing per file."""
    if actor is not None:
        _require(actor, access.may_manage_room)
    _check_upload(data)
    parsed = entries.read_csv(data)
    report = ImportReport(errors=list(parsed.errors))
    rooms = _import_rooms(actor, parsed.rows, report)
    if report.errors:
        return report
    authorizations = {room.pk: _authorizations(room) for room in rooms.values()}
    seen: set[tuple[int, str, dt.datetime]] = set()
    for row in parsed.rows:
        room = rooms[row.room_code]
        key = (room.pk, row.card_id, row.entered_at)
        duplicate = EntryRecord.objects.filter(
            room=room, card_id=row.card_id, entered_at=row.entered_at
        ).exists()
        if key in seen or duplicate:
            report.skipped_duplicates += 1
            continue
        seen.add(key)
        try:
            values = _entry_fields(
                room=room,
                entered_at=row.entered_at,
                left_at=row.left_at,
                user=None,
                person_name=row.name,
                card_id=row.card_id,
                authorizations=authorizations[room.pk],
            )
        except ValidationError as error:
            report.errors.extend(entries.line_error(row.line, m) for m in error.messages)
            continue
        entry = create_audited(
            EntryRecord,
            actor=actor,
            use_case="ledger.import_entries",
            source=EntryRecord.Source.IMPORT,
            recorded_by=_person(actor, room.department_id),
            recorded_at=timezone.now(),
            **values,
        )
        report.created += 1
        report.flagged += int(entry.flagged)
    if report.errors:
        # Nothing is kept when any row fails.
        transaction.set_rollback(True)
        report.created = report.flagged = report.skipped_duplicates = 0
    return report
