"""Carry-outs: requested, approved (or not) by the department, returned and checked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mamori.ledger.models import CarryOut, PersonalInformationFile


class CarryOutNotAllowed(Exception):
    """The medium is not allowed by the answered HandlingRecord (its message says why)."""


def request_carry_out(
    *,
    actor: Any,
    file: PersonalInformationFile,
    medium: str,
    description: str,
    record_count: int,
    purpose: str,
    destination: str,
    carried_by: Any,
    leaves_at: dt.datetime,
    due_back_at: dt.datetime,
    contract: Any = None,
) -> CarryOut:
    raise NotImplementedError


def approve_carry_out(*, actor: Any, carry_out: CarryOut) -> None:
    raise NotImplementedError


def refuse_carry_out(*, actor: Any, carry_out: CarryOut, reason: str) -> None:
    raise NotImplementedError


def return_carry_out(*, actor: Any, carry_out: CarryOut, returned_at: dt.datetime) -> None:
    raise NotImplementedError
