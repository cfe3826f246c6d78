"""The consent decision: may this registrant's data go to this recipient, for this purpose, on
this day? Asked before every provision (services.consents.record_provision).

For each item group asked for, the latest consent event effective on or before the day (by
effective date, then the time it was recorded, then its id) decides: the provision is allowed
only when every group's deciding event is a consent given that has not expired on that day. A
withdrawal applies from its effective date, so a provision dated before it is still covered.
Everything the decision needs (the names, the files they belong to, the deciding events) is
read in one query that uses the index on (registrant, recipient, purpose, item group,
effective date), written in SQL that runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from mamori.core import eras
from mamori.ledger.models import (
    ConsentEvent,
    ConsentStatus,
    ItemGroup,
    ProvisionPurpose,
    Recipient,
    Registrant,
)


class State:
    """Why an item group is not covered (or COVERED when it is)."""

    COVERED = "covered"
    NONE = "none"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    NOT_YET = "not_yet"


@dataclass(frozen=True)
class MissingConsent:
    """One item group the live consents do not cover, and why: `state` with the date of the
    deciding event (the refusal, the withdrawal, the expiry, or the later start of a consent;
    none when nothing was ever recorded)."""

    recipient: str
    item_group: str
    purpose: str
    state: str
    date: dt.date | None

    def sentence(self) -> str:
        """A sentence naming the consent that is missing, in the active language."""
        names = {"recipient": self.recipient, "items": self.item_group, "purpose": self.purpose}
        day = {"date": eras.format_date(self.date)} if self.date is not None else {}
        if self.state == State.REFUSED:
            text = _("Giving “%(items)s” to %(recipient)s (%(purpose)s) was refused on %(date)s.")
        elif self.state == State.WITHDRAWN:
            text = _(
                "Consent to giving “%(items)s” to %(recipient)s (%(purpose)s) was withdrawn "
                "on %(date)s."
            )
        elif self.state == State.EXPIRED:
            text = _(
                "Consent to giving “%(items)s” to %(recipient)s (%(purpose)s) was valid only "
                "until %(date)s."
            )
        elif self.state == State.NOT_YET:
            text = _(
                "Consent to giving “%(items)s” to %(recipient)s (%(purpose)s) applies only "
                "from %(date)s."
            )
        else:
            text = _(
                "No consent to giving “%(items)s” to %(recipient)s (%(purpose)s) has been recorded."
            )
        return text % (names | day)


@dataclass(frozen=True)
class ConsentDecision:
    """Whether a provision is covered by live consents and, if not, which are missing."""

    allowed: bool
    missing: tuple[MissingConsent, ...]

    def reason(self) -> str:
        """The missing consents, one sentence each; empty when the provision is allowed."""
        sentences = [missing.sentence() for missing in self.missing]
        # Japanese sentences follow one another without a space; others need one.
        return "".join(text if text.endswith("。") else text + " " for text in sentences).strip()


@dataclass(frozen=True)
class Deciding:
    """What an item group's history says on a day: its state and the date that goes with it."""

    state: str
    date: dt.date | None


def state_on(
    on: dt.date,
    latest: tuple[str, dt.date, dt.date | None] | None,
    next_given: dt.date | None = None,
) -> Deciding:
    """The state of one item group given its deciding event (status, effective date, expiry)
    and the start of the earliest consent given after the day, if any."""
    if latest is None:
        if next_given is not None:
            return Deciding(State.NOT_YET, next_given)
        return Deciding(State.NONE, None)
    status, effective_on, expires_on = latest
    if status == ConsentStatus.REFUSED:
        return Deciding(State.REFUSED, effective_on)
    if status == ConsentStatus.WITHDRAWN:
        return Deciding(State.WITHDRAWN, effective_on)
    if expires_on is not None and expires_on < on:
        return Deciding(State.EXPIRED, expires_on)
    return Deciding(State.COVERED, effective_on)


def state_from_history(on: dt.date, events: Iterable[ConsentEvent]) -> Deciding:
    """The state of one item group from its events (any order), by the rule of `decide`; for
    pages that already hold the whole history."""
    deciding: ConsentEvent | None = None
    next_given: dt.date | None = None
    for event in events:
        if event.effective_on > on:
            if event.status == ConsentStatus.GIVEN and (
                next_given is None or event.effective_on < next_given
            ):
                next_given = event.effective_on
        elif deciding is None or _order_key(event) > _order_key(deciding):
            deciding = event
    if deciding is None:
        return state_on(on, None, next_given)
    return state_on(on, (deciding.status, deciding.effective_on, deciding.expires_on))


def _order_key(event: ConsentEvent) -> tuple[dt.date, dt.datetime, int]:
    return (event.effective_on, event.recorded_at, event.pk or 0)


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


@cache
def _sql(group_count: int) -> str:
    """The decision's one query, written out: the ORM takes several milliseconds to compile
    it, the database well under one to run it (bench/ledger_consent.py). The deciding event
    is found by the index on (registrant, recipient, purpose, item group, effective date)."""
    events = _table(ConsentEvent)
    groups = ", ".join(["%s"] * group_count)
    # Only the models' table names and placeholders are put in the text.
    return f"""
        SELECT g.id, g.name, g.file_id, reg.file_id, rec.file_id, rec.name, pur.file_id,
               pur.name, ev.status, ev.effective_on, ev.expires_on,
               (SELECT MIN(later.effective_on) FROM {events} later
                 WHERE later.registrant_id = %s AND later.recipient_id = %s
                   AND later.purpose_id = %s AND later.item_group_id = g.id
                   AND later.effective_on > %s AND later.status = %s)
          FROM {_table(ItemGroup)} g
          LEFT JOIN {_table(Registrant)} reg ON reg.id = %s
          LEFT JOIN {_table(Recipient)} rec ON rec.id = %s
          LEFT JOIN {_table(ProvisionPurpose)} pur ON pur.id = %s
          LEFT JOIN {events} ev ON ev.id = (
               SELECT latest.id FROM {events} latest
                WHERE latest.registrant_id = %s AND latest.recipient_id = %s
                  AND latest.purpose_id = %s AND latest.item_group_id = g.id
                  AND latest.effective_on <= %s
                ORDER BY latest.effective_on DESC, latest.recorded_at DESC, latest.id DESC
                LIMIT 1)
         WHERE g.id IN ({groups})
         ORDER BY g.id
    """  # noqa: S608


def _date(value: Any) -> dt.date | None:
    """A date column as the driver returns it (SQLite: ISO text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class _Row:
    group_id: int
    group_name: str
    group_file: int
    registrant_file: int | None
    recipient_file: int | None
    recipient_name: str
    purpose_file: int | None
    purpose_name: str
    status: str | None
    effective_on: dt.date | None
    expires_on: dt.date | None
    next_given: dt.date | None


def _rows(
    *, registrant_id: int, recipient_id: int, purpose_id: int, group_ids: Sequence[int], on: dt.date
) -> list[_Row]:
    """One row per item group asked for: its name and file, the file of the registrant, the
    recipient's and the purpose's names and files, and the group's deciding event."""
    day = connection.ops.adapt_datefield_value(on)
    asked = [registrant_id, recipient_id, purpose_id]
    params = [
        *asked,
        day,
        ConsentStatus.GIVEN.value,
        *asked,
        *asked,
        day,
        *group_ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sql(len(group_ids)), params)
        fetched = cursor.fetchall()
    return [_row(row) for row in fetched]


def _row(row: Sequence[Any]) -> _Row:
    return _Row(
        group_id=row[0],
        group_name=row[1],
        group_file=row[2],
        registrant_file=row[3],
        recipient_file=row[4],
        recipient_name=row[5] or "",
        purpose_file=row[6],
        purpose_name=row[7] or "",
        status=row[8],
        effective_on=_date(row[9]),
        expires_on=_date(row[10]),
        next_given=_date(row[11]),
    )


def _check_same_file(rows: list[_Row], group_ids: Sequence[int]) -> None:
    """ValueError unless the registrant, the recipient, the purpose and every group exist and
    belong to one file (the message names ids only: it may reach a log)."""
    if len(rows) != len(group_ids):
        raise ValueError("an item group does not exist")
    file_id = rows[0].registrant_file
    if file_id is None:
        raise ValueError("the registrant does not exist")
    if rows[0].recipient_file != file_id:
        raise ValueError("the recipient is not one of the registrant's file")
    if rows[0].purpose_file != file_id:
        raise ValueError("the purpose is not one of the registrant's file")
    if any(row.group_file != file_id for row in rows):
        raise ValueError("an item group is not one of the registrant's file")


def decide(
    *,
    registrant_id: int,
    recipient_id: int,
    purpose_id: int,
    item_group_ids: Iterable[int],
    on: dt.date,
) -> ConsentDecision:
    """Whether live consents cover giving these item groups to the recipient for the purpose
    on the day; ValueError when they are not all of the registrant's file, or none is asked."""
    group_ids = list(dict.fromkeys(int(pk) for pk in item_group_ids))
    if not group_ids:
        raise ValueError("no item group asked for")
    rows = _rows(
        registrant_id=registrant_id,
        recipient_id=recipient_id,
        purpose_id=purpose_id,
        group_ids=group_ids,
        on=on,
    )
    _check_same_file(rows, group_ids)
    missing = []
    for row in rows:
        latest = (
            (row.status, row.effective_on, row.expires_on)
            if row.status is not None and row.effective_on is not None
            else None
        )
        deciding = state_on(on, latest, row.next_given)
        if deciding.state != State.COVERED:
            missing.append(
                MissingConsent(
                    recipient=row.recipient_name,
                    item_group=row.group_name,
                    purpose=row.purpose_name,
                    state=deciding.state,
                    date=deciding.date,
                )
            )
    return ConsentDecision(allowed=not missing, missing=tuple(missing))
