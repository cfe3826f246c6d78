"""Entry records: the flags an entry carries (outside working hours, nobody authorized) and the
reader of a door system's CSV export.

An entry is outside working hours when it begins or ends before or after the city's working
hours (settings.MAMORI_WORKING_HOURS, local time), on a day the office is closed (weekends,
national holidays, 29 December to 3 January: core.business_days), or when the stay runs over
from one day to another (a night or a weekend inside counts, even if both ends fall within
hours). It is unauthorized when no authorization of the room, or of the room it stands in, is
valid on the day it began for that person, matched by user, else by card id, else — for an
authorization that has no card id — by the exact normalised name (text.search_key); an entry
matched only by name is not unauthorized, but is shown as 「カードID未登録」 so the card id gets
recorded.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.core.business_days import is_business_day
from mamori.ledger.models import EntryRecord, RoomAuthorization
from mamori.ledger.text import search_key

# Column names a door system's export may use, in Japanese or English, by the field they fill.
HEADERS = {
    "room_code": {"部屋コード", "room_code", "room code", "room"},
    "card_id": {"カードid", "カード番号", "card_id", "card id", "card"},
    "name": {"氏名", "name"},
    "entered_at": {"入室", "入室日時", "entered_at", "entered at", "entered"},
    "left_at": {"退室", "退室日時", "left_at", "left at", "left"},
}
REQUIRED_HEADERS = ("room_code", "entered_at")
# 2026/11/20 8:45, 2026-11-20 08:45:00, 2026-11-20T08:45 (seconds optional).
DATETIME = re.compile(
    r"(?P<y>\d{4})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})[ T]+"
    r"(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2}))?"
)
MAX_FIELD = {"room_code": 50, "card_id": 50, "name": 100}
# Entries one import may hold (a month of a busy door is a few thousand).
MAX_ROWS = 20_000


# Flags ----------------------------------------------------------------------------------------


@cache
def _parse_hours(text: str) -> tuple[dt.time, dt.time]:
    start, end = (part.strip() for part in text.split("-", 1))
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def working_hours() -> tuple[dt.time, dt.time]:
    """The office's working hours, as settings.MAMORI_WORKING_HOURS gives them ("08:30-17:15")."""
    return _parse_hours(settings.MAMORI_WORKING_HOURS)


def is_outside_hours(moment: dt.datetime) -> bool:
    """Whether a moment falls outside working hours, or on a day the office is closed."""
    local = timezone.localtime(moment)
    if not is_business_day(local.date()):
        return True
    start, end = working_hours()
    return not start <= local.time().replace(tzinfo=None) <= end


def entry_outside_hours(entered_at: dt.datetime, left_at: dt.datetime | None) -> bool:
    """An entry that began or ended outside working hours, or whose stay ran over from one day
    to another (so across a night, and any closed day, in between)."""
    if is_outside_hours(entered_at):
        return True
    if left_at is None:
        return False
    entered_day = timezone.localtime(entered_at).date()
    return is_outside_hours(left_at) or timezone.localtime(left_at).date() != entered_day


class Match(enum.Enum):
    """How an entry was matched to an authorization."""

    USER = "user"
    CARD = "card"
    NAME = "name"  # an authorization without a card id, by the person's normalised name


def _valid_on(authorization: RoomAuthorization, day: dt.date) -> bool:
    if authorization.valid_from > day:
        return False
    return authorization.valid_until is None or authorization.valid_until >= day


def _authorized_name(authorization: RoomAuthorization) -> str:
    """The name an authorization goes by: its person's name, else its user's name."""
    if authorization.person_name:
        return authorization.person_name
    user = authorization.user
    return str(getattr(user, "display_name", "") or "") if user is not None else ""


def authorization_matches(
    authorization: RoomAuthorization,
    day: dt.date,
    *,
    user_id: int | None,
    card_id: str,
    name: str = "",
) -> Match | None:
    """Whether an authorization is valid on the day and names the person: by user, by card,
    or (only when it has no card id) by exact normalised name."""
    if not _valid_on(authorization, day):
        return None
    if user_id is not None and authorization.user_id == user_id:
        return Match.USER
    if card_id and authorization.card_id == card_id:
        return Match.CARD
    key = search_key(name)
    if key and not authorization.card_id and search_key(_authorized_name(authorization)) == key:
        return Match.NAME
    return None


def match_entry(
    authorizations: Iterable[RoomAuthorization],
    entered_at: dt.datetime,
    *,
    user_id: int | None,
    card_id: str,
    name: str = "",
) -> Match | None:
    """The best match among the authorizations (user, then card, then name), or None."""
    day = timezone.localtime(entered_at).date()
    found = {
        authorization_matches(a, day, user_id=user_id, card_id=card_id, name=name)
        for a in authorizations
    }
    return next((m for m in Match if m in found), None)


def is_unauthorized(
    authorizations: Iterable[RoomAuthorization],
    entered_at: dt.datetime,
    *,
    user_id: int | None,
    card_id: str,
    name: str = "",
) -> bool:
    """Nobody among the authorizations (of the room and its parent) matches the entry."""
    match = match_entry(authorizations, entered_at, user_id=user_id, card_id=card_id, name=name)
    return match is None


def card_id_not_registered(entry: EntryRecord, authorizations: Iterable[RoomAuthorization]) -> bool:
    """An entry let in only because its name matches an authorization that has no card id:
    shown as 「カードID未登録」 rather than 「権限なし」."""
    if entry.unauthorized or entry.user_id is not None:
        return False
    match = match_entry(
        authorizations,
        entry.entered_at,
        user_id=None,
        card_id=entry.card_id,
        name=entry.person_name,
    )
    return match is Match.NAME


# The door system's CSV ------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    """One row of a door system's export, read and checked (the room not yet looked up)."""

    line: int
    room_code: str
    card_id: str
    name: str
    entered_at: dt.datetime
    left_at: dt.datetime | None


@dataclass
class ParsedCsv:
    rows: list[EntryRow] = field(default_factory=list)
    # (line, message with its 「n行目：」 prefix); line 0 for the file as a whole.
    problems: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: int, message: str) -> None:
        self.problems.append((line, line_error(line, message) if line else message))

    @property
    def errors(self) -> list[str]:
        """Every problem, in line order."""
        return [message for _line, message in sorted(self.problems, key=lambda p: p[0])]


def line_error(line: int, message: str) -> str:
    return _("Line %(line)s: %(message)s") % {"line": line, "message": message}


def decode(data: bytes) -> str:
    """The text of an export: UTF-8 (with or without a BOM), else Shift_JIS (cp932).
    ValidationError for binary content or bytes that are neither."""
    if b"\x00" in data:
        raise ValidationError(
            _("This file is not a CSV text file: upload the door system's CSV export."),
            code="type",
        )
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("This file could not be read as UTF-8 or Shift_JIS text: save it as CSV and retry."),
        code="type",
    )


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _columns(header: list[str]) -> dict[str, int]:
    """Where each known column is, by field name; unknown columns are ignored."""
    names = [_normalized(cell).lower() for cell in header]
    columns: dict[str, int] = {}
    for key, aliases in HEADERS.items():
        for index, name in enumerate(names):
            if name in aliases and key not in columns:
                columns[key] = index
    return columns


def parse_datetime(text: str) -> dt.datetime | None:
    """A date and time as door systems write it, in local time unless it says otherwise;
    None when the text is not one."""
    text = _normalized(text)
    match = DATETIME.fullmatch(text)
    try:
        if match is not None:
            parts = {k: int(v) for k, v in match.groupdict(default="0").items()}
            value = dt.datetime(
                parts["y"], parts["m"], parts["d"], parts["hh"], parts["mm"], parts["ss"]
            )
        elif ":" in text:
            value = dt.datetime.fromisoformat(text)
        else:
            return None  # a date alone ("2026-11-20") is not read as midnight
    except ValueError:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _cell(row: list[str], columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    if index is None or index >= len(row):
        return ""
    return _normalized(row[index])


def _row(line: int, row: list[str], columns: dict[str, int]) -> tuple[EntryRow | None, list[str]]:
    """The row read and checked, or None and its problems (without the line prefix)."""
    errors: list[str] = []
    values = {key: _cell(row, columns, key) for key in HEADERS}
    if not values["room_code"]:
        errors.append(_("the room code is empty."))
    if not values["card_id"] and not values["name"]:
        errors.append(_("give the card id or the name of the person."))
    for key, limit in MAX_FIELD.items():
        if len(values[key]) > limit:
            errors.append(
                _("a value is too long (at most %(limit)s characters).") % {"limit": limit}
            )
    entered_at = parse_datetime(values["entered_at"]) if values["entered_at"] else None
    if not values["entered_at"]:
        errors.append(_("the time of entry is empty."))
    elif entered_at is None:
        errors.append(
            _("the time of entry “%(value)s” is not a date and time (e.g. 2026/11/20 8:45).")
            % {"value": values["entered_at"][:40]}
        )
    left_at = parse_datetime(values["left_at"]) if values["left_at"] else None
    if values["left_at"] and left_at is None:
        errors.append(
            _("the time of leaving “%(value)s” is not a date and time (e.g. 2026/11/20 17:30).")
            % {"value": values["left_at"][:40]}
        )
    if entered_at is not None and left_at is not None and left_at < entered_at:
        errors.append(_("the time of leaving is before the time of entry."))
    if errors or entered_at is None:
        return None, errors
    entry = EntryRow(
        line=line,
        room_code=values["room_code"],
        card_id=values["card_id"],
        name=values["name"],
        entered_at=entered_at,
        left_at=left_at,
    )
    return entry, []


def _too_many_rows() -> str:
    return _(
        "The file has more than %(max)s entries: split it into several files (for example "
        "by month) and import them one by one."
    ) % {"max": f"{MAX_ROWS:,}"}


def read_csv(data: bytes) -> ParsedCsv:
    """Every row of an export read and checked, with line-numbered errors (in Japanese);
    ValidationError when the file is not text. The first line is the header."""
    text = decode(data)
    parsed = ParsedCsv()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            parsed.add(0, _("The file is empty."))
            return parsed
        columns = _columns(header)
        missing = [key for key in REQUIRED_HEADERS if key not in columns]
        if missing:
            parsed.add(
                1,
                _(
                    "the header must name the columns 部屋コード (room_code) and 入室 "
                    "(entered_at); カードID (card_id), 氏名 (name) and 退室 (left_at) "
                    "may follow."
                ),
            )
            return parsed
        count = 0
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            if count > MAX_ROWS:
                parsed.add(0, _too_many_rows())
                return parsed
            line = reader.line_num
            entry, errors = _row(line, row, columns)
            for message in errors:
                parsed.add(line, message)
            if entry is not None:
                parsed.rows.append(entry)
    except csv.Error:
        parsed.add(reader.line_num, _("the line is not valid CSV (check the quotes)."))
    if not parsed.rows and not parsed.problems:
        parsed.add(0, _("The file has no entries after its header."))
    return parsed
