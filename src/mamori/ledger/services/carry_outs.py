"""Carry-outs: requested, approved (or not) by the department, returned and checked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.audit.services import record_create, record_update, snapshot
from mamori.core import eras
from mamori.core.access import require
from mamori.ledger import access, rules
from mamori.ledger.models import CarryOut, Medium, PersonalInformationFile

# How far ahead a carry-out may be requested: further out, plans change and the request goes
# stale (ask again nearer the day).
MAX_DAYS_AHEAD = 30


class CarryOutNotAllowed(Exception):
    """The medium is not allowed by the answered HandlingRecord (its message says why)."""


def _text(value: str, field: str, message: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message}, code="required")
    if len(text) > limit:
        raise ValidationError(
            {field: _("Enter at most %(limit)d characters.") % {"limit": limit}},
            code="max_length",
        )
    return text


def _check_rule(file: PersonalInformationFile, medium: str) -> None:
    verdict = rules.carry_out_rule(file, medium)
    if verdict.refused:
        raise CarryOutNotAllowed(verdict.reason)


def _contract_for(file: PersonalInformationFile, carried_by: Any, contract: Any) -> Any:
    """The contract named, which must be the file's; for a contractor's carrier, the file's
    contract with the carrier's vendor (inferred when only one is in force)."""
    contracts = file.contracts.all()
    if contract is not None and not contracts.filter(pk=contract.pk).exists():
        raise ValidationError(
            {"contract": _("Choose one of the file's contracts.")}, code="contract"
        )
    vendor_id = access.vendor_id_of(carried_by)
    if vendor_id is None:
        return contract
    if contract is None:
        in_force = contracts.filter(access.contract_in_force_q(timezone.localdate()))
        mine = list(in_force.filter(vendor_id=vendor_id)[:2])
        contract = mine[0] if len(mine) == 1 else None
    if contract is None or contract.vendor_id != vendor_id:
        raise ValidationError(
            {"contract": _("Choose the contract under which the contractor carries the file out.")},
            code="contract",
        )
    return contract


def _check_when(leaves_at: dt.datetime, due_back_at: dt.datetime, contract: Any) -> None:
    """It leaves within the contract's period (when under one), not more than a month ahead,
    and comes back after it leaves."""
    if due_back_at <= leaves_at:
        raise ValidationError(
            {"due_back_at": _("The time it is due back must come after the time it leaves.")},
            code="due_before_leaving",
        )
    if leaves_at > timezone.now() + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError(
            {
                "leaves_at": _(
                    "A carry-out can be requested at most %(days)d days ahead: request it "
                    "nearer the day."
                )
                % {"days": MAX_DAYS_AHEAD}
            },
            code="too_far_ahead",
        )
    day = timezone.localdate(leaves_at)
    if contract is not None and not contract.starts_on <= day <= contract.ends_on:
        raise ValidationError(
            {
                "leaves_at": _(
                    "The day it leaves must fall within the contract's period (%(start)s to "
                    "%(end)s)."
                )
                % {
                    "start": eras.format_date(contract.starts_on),
                    "end": eras.format_date(contract.ends_on),
                }
            },
            code="contract_period",
        )


@transaction.atomic
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
    """Record a request to take the file out; refused (nothing recorded) when the answer
    does not allow the medium."""
    require(actor is None or access.may_record_carry_out(actor, file))
    if medium not in Medium.values:
        raise ValidationError({"medium": _("Choose paper or an electronic medium.")}, code="medium")
    _check_rule(file, medium)
    description = _text(description, "description", _("Say what is taken out."), 200)
    purpose = _text(purpose, "purpose", _("Say why it is taken out."), 300)
    destination = _text(destination, "destination", _("Say where it is taken."), 200)
    if record_count is None or record_count < 1:
        raise ValidationError(
            {"record_count": _("Enter the number of records, 1 or more.")}, code="record_count"
        )
    if carried_by is None or not access.may_see_personal_data(carried_by, file):
        raise ValidationError(
            {"carried_by": _("The person carrying it must be allowed to see the file's data.")},
            code="carrier",
        )
    contract = _contract_for(file, carried_by, contract)
    _check_when(leaves_at, due_back_at, contract)
    carry_out = CarryOut.objects.create(
        file=file,
        contract=contract,
        medium=medium,
        description=description,
        record_count=record_count,
        purpose=purpose,
        destination=destination,
        carried_by=carried_by,
        leaves_at=leaves_at,
        due_back_at=due_back_at,
        status=CarryOut.Status.REQUESTED,
        recorded_by=actor if actor is not None else carried_by,
        recorded_at=timezone.now(),
    )
    record_create(actor=actor, use_case="ledger.request_carry_out", obj=carry_out)
    return carry_out


def _locked(carry_out: CarryOut) -> CarryOut:
    """Re-read the row under a lock and put its values on the caller's instance, so a stale
    page or a double click acts on what the database holds now."""
    fresh = CarryOut.objects.select_for_update().get(pk=carry_out.pk)
    for field in CarryOut._meta.concrete_fields:
        setattr(carry_out, field.attname, getattr(fresh, field.attname))
    return carry_out


def _check_requested(carry_out: CarryOut) -> None:
    if carry_out.status != CarryOut.Status.REQUESTED:
        raise ValidationError(
            _("This carry-out is no longer awaiting approval (it is “%(status)s”).")
            % {"status": carry_out.get_status_display()},
            code="not_requested",
        )


def _save(
    actor: Any, carry_out: CarryOut, use_case: str, before: dict[str, Any], **values: Any
) -> None:
    for name, value in values.items():
        setattr(carry_out, name, value)
    carry_out.save(update_fields=list(values))
    record_update(actor=actor, use_case=use_case, obj=carry_out, before=before)


@transaction.atomic
def approve_carry_out(*, actor: Any, carry_out: CarryOut) -> None:
    """The department approves: the file is out from then."""
    require(actor is not None and access.may_approve_carry_out(actor, carry_out.file))
    _locked(carry_out)
    _check_requested(carry_out)
    if carry_out.carried_by_id == actor.pk:
        raise ValidationError(
            _("You cannot approve a carry-out you carry yourself: ask another member of staff."),
            code="own",
        )
    _check_rule(carry_out.file, carry_out.medium)
    before = snapshot(carry_out)
    _save(
        actor,
        carry_out,
        "ledger.approve_carry_out",
        before,
        status=CarryOut.Status.OUT,
        approved_by=actor,
        approved_at=timezone.now(),
    )


@transaction.atomic
def refuse_carry_out(*, actor: Any, carry_out: CarryOut, reason: str) -> None:
    require(actor is not None and access.may_approve_carry_out(actor, carry_out.file))
    text = (reason or "").strip()
    if not text:
        raise ValidationError({"reason": _("Say why it is not approved.")}, code="reason")
    _locked(carry_out)
    _check_requested(carry_out)
    before = snapshot(carry_out)
    _save(
        actor,
        carry_out,
        "ledger.refuse_carry_out",
        before,
        status=CarryOut.Status.REFUSED,
        refusal_reason=text,
        refused_by=actor,
    )


@transaction.atomic
def return_carry_out(*, actor: Any, carry_out: CarryOut, returned_at: dt.datetime) -> None:
    """The department checks that what left came back."""
    require(actor is not None and access.may_approve_carry_out(actor, carry_out.file))
    _locked(carry_out)
    if carry_out.status != CarryOut.Status.OUT:
        raise ValidationError(
            _("Only a carry-out that is out can be returned (this one is “%(status)s”).")
            % {"status": carry_out.get_status_display()},
            code="not_out",
        )
    if returned_at > timezone.now():
        raise ValidationError(
            {"returned_at": _("The time of return cannot be in the future.")}, code="future"
        )
    if returned_at < carry_out.leaves_at:
        raise ValidationError(
            {"returned_at": _("The time of return cannot come before the time it left.")},
            code="before_leaving",
        )
    before = snapshot(carry_out)
    _save(
        actor,
        carry_out,
        "ledger.return_carry_out",
        before,
        status=CarryOut.Status.RETURNED,
        returned_at=returned_at,
        return_checked_by=actor,
    )
