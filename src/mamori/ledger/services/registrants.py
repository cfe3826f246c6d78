"""Registrants: their encrypted personal data, and the audit of every view of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mamori.ledger.models import PersonalInformationFile, Registrant


def create_registrant(
    *,
    actor: Any,
    file: PersonalInformationFile,
    registration_number: str,
    name: str,
    registered_on: dt.date,
    name_kana: str = "",
    address: str = "",
    birth_date: dt.date | None = None,
    phone: str = "",
    notes: str = "",
) -> Registrant:
    raise NotImplementedError


def update_registrant(*, actor: Any, registrant: Registrant, **fields: Any) -> None:
    raise NotImplementedError


def record_view(
    *,
    actor: Any,
    purpose: str,
    registrant: Registrant | None = None,
    file: PersonalInformationFile | None = None,
    shown: list[str] | None = None,
) -> None:
    """An audit VIEW event: who saw whom (one registrant, or the registration numbers `shown`
    on a list of the file), when, and why."""
    raise NotImplementedError
