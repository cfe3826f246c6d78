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

from mamori.accounts.models import Role, User
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
    """Who a row that needs a person is credited to: the actor; for the system (actor None:
    the demo loader, commands) an active member of the staff of the department the row
    concerns, or with no department an active member of the secretariat, never a council
    member, an auditor or a contractor. `consultations.lifecycle.system_user` does not fit
    here: it takes a consultation and falls back to any user at all. ValidationError when
    nobody fits, rather than crediting the row to the wrong person."""
    if actor is not None:
        return actor
    users = User.objects.filter(is_active=True).order_by("pk")
    if department_id is not None:
        found = users.filter(role=Role.DEPARTMENT_STAFF, department_id=department_id).first()
    else:
        found = users.filter(role=Role.SECRETARIAT).first()
    if found is None:
        raise ValidationError(
            _("No member of the city's staff can be recorded as having done this."),
            code="no_person",
        )
    return found


def _locked[M: models.Model](obj: M) -> M:
    """Re-read the row under a lock (inside the use case's transaction) and put its values on
    the caller's instance, so that the state is checked and written on what the database
    holds now, not on a page loaded before another person moved it (as
    `consultations.lifecycle._check_state`)."""
    fresh = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(fresh, field.attname))
    return obj


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
