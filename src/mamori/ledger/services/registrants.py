"""Registrants: their encrypted personal data, and the audit of every view of it.

Validation messages name the field and, at most, the registration number: never the value of
a field that names or describes the person (messages reach logs and screens of other people).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.audit.services import Action, record, record_create, record_update, snapshot
from mamori.ledger import access
from mamori.ledger.models import PersonalInformationFile, Registrant
from mamori.ledger.text import clean

# The fields a person may change on a registrant, and the longest text each may hold (the
# encrypted columns have no length of their own).
TEXT_LIMITS = {
    "registration_number": 30,
    "name": 100,
    "name_kana": 100,
    "address": 300,
    "phone": 30,
    "notes": 2000,
}
DATE_FIELDS = ("birth_date", "registered_on", "left_on")
EDITABLE = frozenset({*TEXT_LIMITS, *DATE_FIELDS})
PURPOSE_LIMIT = 200
_PHONE = re.compile(r"^[0-9+()\- ]*$")


def _field_label(name: str) -> str:
    return str(getattr(Registrant._meta.get_field(name), "verbose_name", name))


def clean_values(values: dict[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Normalise and check the given fields of a registrant; ValidationError lists every
    problem (naming the field, never its value)."""
    today = today or timezone.localdate()
    cleaned: dict[str, Any] = {}
    errors: list[ValidationError] = []
    for name, value in values.items():
        try:
            cleaned[name] = _clean_one(name, value, today)
        except ValidationError as error:
            errors.append(error)
    registered_on, left_on = cleaned.get("registered_on"), cleaned.get("left_on")
    if registered_on and left_on and left_on < registered_on:
        errors.append(
            ValidationError(
                _("The registration cannot end before it began."), code="left_before_registered"
            )
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_one(name: str, value: Any, today: dt.date) -> Any:
    if name in DATE_FIELDS:
        return _clean_date(name, value, today)
    text = clean(value)
    if name in {"registration_number", "name"} and not text:
        raise ValidationError(
            _("%(field)s is required.") % {"field": _field_label(name)}, code="required"
        )
    if len(text) > TEXT_LIMITS[name]:
        raise ValidationError(
            _("%(field)s is too long: %(limit)s characters at most.")
            % {"field": _field_label(name), "limit": TEXT_LIMITS[name]},
            code="too_long",
        )
    if name == "registration_number" and any(ch.isspace() for ch in text):
        raise ValidationError(
            _("The registration number cannot contain spaces."), code="number_spaces"
        )
    if name == "phone" and not _PHONE.match(text):
        raise ValidationError(
            _("Enter the telephone number with digits and hyphens only."), code="phone"
        )
    return text


def _clean_date(name: str, value: Any, today: dt.date) -> dt.date | None:
    if value in (None, ""):
        if name == "registered_on":
            raise ValidationError(
                _("%(field)s is required.") % {"field": _field_label(name)}, code="required"
            )
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise ValidationError(
            _("%(field)s is not a date.") % {"field": _field_label(name)}, code="not_date"
        )
    if name in {"birth_date", "registered_on"} and value > today:
        raise ValidationError(
            _("%(field)s cannot be in the future.") % {"field": _field_label(name)},
            code="future",
        )
    return value


def _duplicate(number: str) -> ValidationError:
    return ValidationError(
        _("Registration number %(number)s is already used in this file.") % {"number": number},
        code="duplicate_number",
    )


def _check_number_free(
    file: PersonalInformationFile, number: str, exclude_pk: int | None = None
) -> None:
    taken = Registrant.objects.filter(file=file, registration_number=number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise _duplicate(number)


def _require_personal_data(actor: Any, file: PersonalInformationFile) -> None:
    """The system (actor None: commands, the demo) may; a person only as access.py allows."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or not access.may_see_personal_data(
        actor, file
    ):
        raise PermissionDenied


def _locked(registrant: Registrant) -> Registrant:
    """Re-read the row under a lock, its values put on the caller's instance."""
    fresh = Registrant.objects.select_for_update().get(pk=registrant.pk)
    for field in Registrant._meta.concrete_fields:
        setattr(registrant, field.attname, getattr(fresh, field.attname))
    return registrant


@transaction.atomic
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
    """Register a person in a file; the registration number is unique within the file."""
    _require_personal_data(actor, file)
    values = clean_values(
        {
            "registration_number": registration_number,
            "name": name,
            "name_kana": name_kana,
            "address": address,
            "phone": phone,
            "notes": notes,
            "birth_date": birth_date,
            "registered_on": registered_on,
        }
    )
    _check_number_free(file, values["registration_number"])
    try:
        with transaction.atomic():
            registrant = Registrant.objects.create(file=file, **values)
    except IntegrityError as error:  # the same number saved meanwhile by someone else
        raise _duplicate(values["registration_number"]) from error
    record_create(actor=actor, use_case="ledger.create_registrant", obj=registrant)
    return registrant


@transaction.atomic
def update_registrant(*, actor: Any, registrant: Registrant, **fields: Any) -> None:
    """Change some of a registrant's items; only those whose value really changed are
    written (so the audit trail names exactly those, encrypted ones as "[encrypted]")."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"update_registrant() cannot change {', '.join(sorted(unknown))}")
    _require_personal_data(actor, registrant.file)
    _locked(registrant)
    values = clean_values(fields)
    changed = {k: v for k, v in values.items() if getattr(registrant, k) != v}
    if not changed:
        return
    merged = {"registered_on": registrant.registered_on, "left_on": registrant.left_on} | changed
    clean_values({"registered_on": merged["registered_on"], "left_on": merged["left_on"]})
    if "registration_number" in changed:
        _check_number_free(registrant.file, changed["registration_number"], registrant.pk)
    before = snapshot(registrant)
    for name, value in changed.items():
        setattr(registrant, name, value)
    try:
        with transaction.atomic():
            registrant.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as error:
        raise _duplicate(changed["registration_number"]) from error
    record_update(actor=actor, use_case="ledger.update_registrant", obj=registrant, before=before)


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
    if (registrant is None) == (file is None):
        raise TypeError("record_view() takes either a registrant or a file")
    reason = clean(purpose)
    if not reason:
        raise ValidationError(_("Enter why you are looking at this data."), code="no_purpose")
    if len(reason) > PURPOSE_LIMIT:
        raise ValidationError(
            _("The purpose is too long: %(limit)s characters at most.") % {"limit": PURPOSE_LIMIT},
            code="purpose_too_long",
        )
    if registrant is not None:
        seen, numbers = registrant.file, [registrant.registration_number]
        use_case, obj = "ledger.view_registrant", cast(models.Model, registrant)
    elif file is not None:
        seen, numbers = file, list(shown or [])
        use_case, obj = "ledger.view_registrant_list", file
    _require_personal_data(actor, seen)
    record(
        actor=actor,
        action=Action.VIEW,
        use_case=use_case,
        obj=obj,
        object_repr=", ".join(numbers),
        changes={"purpose": reason, "shown": numbers},
    )
