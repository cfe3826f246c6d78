"""Rooms and cabinets, who may enter them, and the entry records (typed in or imported)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mamori.accounts.models import Department
from mamori.ledger.models import EntryRecord, Room, RoomAuthorization


@dataclass
class ImportReport:
    created: int = 0
    skipped_duplicates: int = 0
    flagged: int = 0
    errors: list[str] = field(default_factory=list)  # "line n: message", in Japanese


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
    raise NotImplementedError


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
    raise NotImplementedError


def end_authorization(*, actor: Any, authorization: RoomAuthorization, on: dt.date) -> None:
    raise NotImplementedError


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
    raise NotImplementedError


def import_entries(*, actor: Any, data: bytes) -> ImportReport:
    """A door system's CSV export (UTF-8 or Shift_JIS); all-or-nothing per file."""
    raise NotImplementedError
