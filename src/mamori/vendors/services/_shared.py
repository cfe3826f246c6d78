"""Helpers that several of the vendors use cases share: role checks, who a row is credited
to, validation and stored-file clean-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.accounts.models import User
from mamori.consultations import handling
from mamori.consultations.models import HandlingRecordVersion
from mamori.core import eras
from mamori.vendors import access
from mamori.vendors.models import Contract, VendorDocument


def _require(actor: Any, check: Callable[..., bool], *objects: Any) -> None:
    """PermissionDenied unless the actor is the system or the check allows the actor."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or not check(actor, *objects):
        raise PermissionDenied


def _is_contractor_of(user: Any, contract: Contract) -> bool:
    own = access.vendor_of(user)
    return own is not None and own.pk == contract.vendor_id


def _edits_or_works_on(user: Any, contract: Contract) -> bool:
    return access.may_edit_contract(user, contract) or _is_contractor_of(user, contract)


def _is_secretariat(user: Any) -> bool:
    return bool(user.is_secretariat)


def _person(actor: Any, department_id: int | None = None) -> Any:
    """Who a row is credited to: the actor, or for the system a member of the department."""
    if actor is not None:
        return actor
    users = User.objects.order_by("pk")
    found = users.filter(department_id=department_id).first() if department_id else None
    return found or users.first()


def _today() -> dt.date:
    return timezone.localdate()


def _wareki(day: dt.date) -> str:
    return eras.format_date(day)


def _required_text(value: str, message: str, code: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(message, code=code)
    return text


def _clean(obj: models.Model) -> None:
    """Run the model's own validation, each message prefixed with the field it concerns, so
    that a database constraint never surfaces as an IntegrityError."""
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError(
            [
                text
                if name == NON_FIELD_ERRORS
                else _("%(field)s: %(message)s")
                % {"field": _verbose_name(obj, name), "message": text}
                for name, texts in error.message_dict.items()
                for text in texts
            ]
        ) from error


def _verbose_name(obj: models.Model, name: str) -> str:
    model_field = obj._meta.get_field(name)
    return str(getattr(model_field, "verbose_name", name))


def _check_choice(value: str, choices: Iterable[str], message: str, code: str) -> None:
    if value not in choices:
        raise ValidationError(message, code=code)


def _not_in_future(day: dt.date, message: str) -> None:
    if day > _today():
        raise ValidationError(message % {"date": _wareki(day)}, code="future")


def _delete_file(document: VendorDocument) -> None:
    if document.file.name:
        document.file.storage.delete(document.file.name)


@contextmanager
def _removed_on_failure(document: VendorDocument | None) -> Iterator[None]:
    """Delete the stored file again if the rest of the use case fails (its row rolls back)."""
    try:
        yield
    except BaseException:
        if document is not None:
            _delete_file(document)
        raise


def _parsed(version: HandlingRecordVersion | None) -> handling.HandlingRecord | None:
    """The answered record, or None when there is none or it no longer reads."""
    if version is None:
        return None
    try:
        return handling.parse(version.data)
    except handling.ValidationError:
        return None


def _check_live(contract: Contract) -> None:
    if contract.status != Contract.Status.LIVE:
        raise ValidationError(
            _("This contract has already ended: it cannot be changed."), code="not_live"
        )
