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
from mamori.audit.services import Action, record
from mamori.audit.writes import create_audited, update_audited
from mamori.consultations.attachments import megabytes
from mamori.core.access import department_ids_of
from mamori.ledger import access, entries
from mamori.ledger.models import EntryRecord, PersonalInformationFile, Room, RoomAuthorization
from mamori.ledger.text import search_key


@dataclass
class ImportReport:
    created: int = 0
    skipped_duplicates: int = 0
    flagged: int = 0
    # Entries matched by name to an authorization that has no card id (「カードID未登録」).
    matched_by_name: int = 0
    errors: list[str] = field(default_factory=list)  # "line n: message", in Japanese


# Clocks of door systems and PCs drift a little: a few minutes ahead is still "now".
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
IMPORT_USE_CASE = "ledger.import_entries"


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
    if user is not None and not access.may_record_entry(user, room):
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


def authorizations_of(room: Room) -> list[RoomAuthorization]:
    """The authorizations that let people into the room: its own and its parent room's."""
    room_ids = [room.pk] + ([room.parent_id] if room.parent_id else [])
    return list(RoomAuthorization.objects.filter(room_id__in=room_ids).select_related("user"))


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
    if entered_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(_("The time of entry cannot be in the future."), code="entered_at")
    if left_at is not None and left_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError(_("The time of leaving cannot be in the future."), code="left_at")
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
            authorizations,
            entered_at,
            user_id=user.pk if user else None,
            card_id=card_id,
            name=person_name,
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
        authorizations=authorizations_of(room),
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
    actor: Any, rows: list[entries.EntryRow], problems: list[tuple[int, str]]
) -> dict[str, Room]:
    """The rooms the rows name, each checked as one the actor manages; problems by line."""
    codes = {row.room_code for row in rows}
    rooms = {room.code: room for room in Room.objects.filter(code__in=codes)}
    managed = department_ids_of(actor) if actor is not None else None
    for row in rows:
        room = rooms.get(row.room_code)
        if room is None:
            message = _("no room has the door system code %(code)s.")
        elif managed is not None and room.department_id not in managed:
            message = _("the room %(code)s is not one of your department's rooms.")
        else:
            continue
        problems.append((row.line, entries.line_error(row.line, message % {"code": row.room_code})))
    return rooms


DuplicateKey = tuple[str, str, dt.datetime]


def _duplicate_key(card_id: str, name: str, entered_at: dt.datetime) -> DuplicateKey:
    """Same card and minute; for a row without a card, same normalised name and minute (two
    people without cards entering together are two entries)."""
    return (card_id, "" if card_id else search_key(name), entered_at)


def _existing_keys(room: Room, rows: list[entries.EntryRow]) -> set[DuplicateKey]:
    """The entries already recorded for the room within the rows' time window: one query."""
    times = [row.entered_at for row in rows]
    stored = EntryRecord.objects.filter(
        room=room, entered_at__gte=min(times), entered_at__lte=max(times)
    ).values_list("card_id", "person_name", "entered_at")
    return {_duplicate_key(card, name, at) for card, name, at in stored}


def _new_entries(
    actor: Any,
    room: Room,
    rows: list[entries.EntryRow],
    report: ImportReport,
    problems: list[tuple[int, str]],
) -> list[EntryRecord]:
    """The room's rows as unsaved entries, duplicates skipped, flags computed."""
    seen = _existing_keys(room, rows)
    authorizations = authorizations_of(room)
    recorded_by = _person(actor, room.department_id)
    now = timezone.now()
    created: list[EntryRecord] = []
    for row in rows:
        key = _duplicate_key(row.card_id, row.name, row.entered_at)
        if key in seen:
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
                authorizations=authorizations,
            )
        except ValidationError as error:
            problems.extend((row.line, entries.line_error(row.line, m)) for m in error.messages)
            continue
        entry = EntryRecord(
            source=EntryRecord.Source.IMPORT, recorded_by=recorded_by, recorded_at=now, **values
        )
        report.flagged += int(entry.flagged)
        report.matched_by_name += int(entries.card_id_not_registered(entry, authorizations))
        created.append(entry)
    return created


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
    """A door system's CSV export (UTF-8 or Shift_JIS); all-or-nothing per file. Duplicates are
    looked up with one query per room, the entries written in bulk, and the import is one
    audit event with its counts (never names or card ids)."""
    if actor is not None:
        _require(actor, access.may_manage_room)
    _check_upload(data)
    parsed = entries.read_csv(data)
    problems = list(parsed.problems)
    rooms = _import_rooms(actor, parsed.rows, problems)
    report = ImportReport()
    created: list[EntryRecord] = []
    by_room: dict[str, list[entries.EntryRow]] = {}
    for row in parsed.rows:
        by_room.setdefault(row.room_code, []).append(row)
    if not problems:
        for code, rows in by_room.items():
            created += _new_entries(actor, rooms[code], rows, report, problems)
    if problems:
        # Nothing is kept when any row fails.
        return ImportReport(errors=[m for _line, m in sorted(problems, key=lambda p: p[0])])
    EntryRecord.objects.bulk_create(created, batch_size=1000)
    report.created = len(created)
    if created:
        _record_import(actor, report, sorted(by_room))
    return report


def _record_import(actor: Any, report: ImportReport, codes: list[str]) -> None:
    record(
        actor=actor,
        action=Action.CREATE,
        use_case=IMPORT_USE_CASE,
        object_repr=_("Door system import: %(count)s entries") % {"count": report.created},
        changes={
            "created": report.created,
            "skipped_duplicates": report.skipped_duplicates,
            "flagged": report.flagged,
            "matched_by_name": report.matched_by_name,
            "rooms": codes,
        },
    )
