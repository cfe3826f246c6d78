"""Files of the register and what consents refer to: recipients, item groups, purposes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from mamori.accounts.models import Department
from mamori.audit.services import record_create, record_delete
from mamori.audit.writes import create_audited, update_audited
from mamori.core.access import department_ids_of, require
from mamori.documents import letterhead
from mamori.ledger import access, rules
from mamori.ledger.models import (
    ConsentEvent,
    ItemGroup,
    PersonalInformationFile,
    Provision,
    ProvisionPurpose,
    Recipient,
)

# The fields of the register a page or the demo may set (contracts apart).
FILE_FIELDS = (
    "name",
    "agency_name",
    "purpose",
    "items",
    "data_subjects",
    "sources",
    "contains_special_care",
    "regular_recipients",
    "request_office",
    "special_procedures",
    "form",
    "anonymized_information",
    "retention",
    "remarks",
    "consultation",
    "decision",
    "expected_subjects",
    "published",
)


class SetupItemInUse(Exception):
    """A recipient, item group or purpose that consents or provisions refer to."""


def default_agency_name() -> str:
    """The public body keeping a city's files (行政機関等の名称): the mayor, as the letterhead
    names the office (東村山市長)."""
    return letterhead.load().city.mayor_title


def _may_keep(actor: Any, department: Department) -> bool:
    """The secretariat keeps the register; staff keep their own department's files."""
    if actor is None or actor.is_secretariat:
        return True
    return bool(actor.is_department_staff and department.pk in department_ids_of(actor))


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(FILE_FIELDS) - {"contracts"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _field_label(name: str) -> str:
    return str(getattr(PersonalInformationFile._meta.get_field(name), "verbose_name", name))


def _clean(file: PersonalInformationFile) -> None:
    """The model's own validation, each message prefixed with its field (constraints are
    checked separately with a message of our own)."""
    try:
        file.full_clean(
            exclude=["department", "consultation", "decision"], validate_constraints=False
        )
    except ValidationError as error:
        raise ValidationError(
            {
                name: [
                    text if name == NON_FIELD_ERRORS else f"{_field_label(name)}: {text}"
                    for text in texts
                ]
                for name, texts in error.message_dict.items()
            }
        ) from error


def _check_name(file: PersonalInformationFile) -> None:
    file.name = (file.name or "").strip()
    same = PersonalInformationFile.objects.filter(department_id=file.department_id, name=file.name)
    if file.pk is not None:
        same = same.exclude(pk=file.pk)
    if file.name and same.exists():
        raise ValidationError(
            {
                "name": _("The department already keeps a file named “%(name)s”.")
                % {"name": file.name}
            },
            code="duplicate_name",
        )


def _check_answer(file: PersonalInformationFile) -> None:
    """The consultation is the department's; the answer is one given to that consultation."""
    consultation, decision = file.consultation, file.decision
    if consultation is not None and consultation.department_id != file.department_id:
        raise ValidationError(
            {
                "consultation": _(
                    "%(consultation)s is not a consultation of the file's department."
                )
                % {"consultation": consultation.label}
            },
            code="department",
        )
    if decision is None:
        return
    if consultation is None or decision.consultation_id != consultation.pk:
        raise ValidationError(
            {"decision": _("Choose an answer given to the file's consultation.")},
            code="decision",
        )


def _check_contracts(department_id: int, contracts: list[Any]) -> None:
    for contract in contracts:
        if contract.department_id != department_id:
            raise ValidationError(
                {
                    "contracts": _("“%(title)s” is not a contract of the file's department.")
                    % {"title": contract.title}
                },
                code="contract_department",
            )


def _check_contracts_change(
    actor: Any, file: PersonalInformationFile, contracts: list[Any] | None
) -> None:
    """Only the file's department decides which contractors see its data (R12): anyone else
    may pass the contracts unchanged, never a different set."""
    if contracts is None or actor is None or access.may_change_file_contracts(actor, file):
        return
    current = set(file.contracts.values_list("pk", flat=True))
    require({contract.pk for contract in contracts} == current)


def _validate(file: PersonalInformationFile, contracts: list[Any] | None) -> None:
    _check_name(file)
    _clean(file)
    _check_answer(file)
    if contracts is not None:
        _check_contracts(file.department_id, contracts)


@transaction.atomic
def create_file(*, actor: Any, department: Department, **fields: Any) -> PersonalInformationFile:
    """fields: the model's fields (name, purpose, items, …) plus `contracts` (a list)."""
    _check_fields(fields)
    require(_may_keep(actor, department))
    contracts = list(fields.pop("contracts", None) or [])
    require(not contracts or actor is None or access.may_change_file_contracts(actor, None))
    file = PersonalInformationFile(department=department, **fields)
    file.agency_name = (file.agency_name or "").strip() or default_agency_name()
    _validate(file, contracts)
    values = {name: getattr(file, name) for name in FILE_FIELDS}
    return create_audited(
        PersonalInformationFile,
        actor=actor,
        use_case="ledger.create_file",
        m2m={"contracts": contracts},
        department=department,
        **values,
    )


@transaction.atomic
def update_file(*, actor: Any, file: PersonalInformationFile, **fields: Any) -> None:
    _check_fields(fields)
    require(actor is None or access.may_edit_file(actor, file))
    fresh = PersonalInformationFile.objects.select_for_update().get(pk=file.pk)
    contracts = fields.pop("contracts", None)
    contracts = list(contracts) if contracts is not None else None
    _check_contracts_change(actor, fresh, contracts)
    for name, value in fields.items():
        setattr(fresh, name, value)
    if "agency_name" in fields:
        fresh.agency_name = (fresh.agency_name or "").strip() or default_agency_name()
    _validate(fresh, contracts)
    changed = {name: getattr(fresh, name) for name in fields}
    # Put the stored values back so that the audit trail sees what changed.
    original = PersonalInformationFile.objects.get(pk=file.pk)
    update_audited(
        original,
        actor=actor,
        use_case="ledger.update_file",
        m2m={"contracts": contracts},
        **changed,
    )
    for name in changed:
        setattr(file, name, getattr(original, name))


def _unique_name[M: models.Model](model: type[M], file: PersonalInformationFile, name: str) -> str:
    text = (name or "").strip()
    if not text:
        raise ValidationError({"name": _("Enter a name.")}, code="required")
    if model._default_manager.filter(file=file, name=text).exists():
        raise ValidationError(
            {"name": _("“%(name)s” is already on this file.") % {"name": text}},
            code="duplicate_name",
        )
    return text


def _add[M: models.Model](
    model: type[M], *, actor: Any, file: PersonalInformationFile, use_case: str, **fields: Any
) -> M:
    require(actor is None or access.may_edit_file(actor, file))
    PersonalInformationFile.objects.select_for_update().get(pk=file.pk)
    fields["name"] = _unique_name(model, file, fields["name"])
    obj = model(file=file, **fields)
    try:
        obj.full_clean(exclude=["file"], validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    obj.save()
    record_create(actor=actor, use_case=use_case, obj=obj)
    return obj


@transaction.atomic
def add_recipient(
    *,
    actor: Any,
    file: PersonalInformationFile,
    name: str,
    legal_basis: str = "",
    written_consent_required: bool | None = None,
) -> Recipient:
    """written_consent_required None: as the answered HandlingRecord says for a recipient of
    that name (required when it says nothing)."""
    if written_consent_required is None:
        written_consent_required = rules.written_consent_required(file, name or "")
    return _add(
        Recipient,
        actor=actor,
        file=file,
        use_case="ledger.add_recipient",
        name=name,
        legal_basis=(legal_basis or "").strip(),
        written_consent_required=written_consent_required,
    )


@transaction.atomic
def add_item_group(
    *,
    actor: Any,
    file: PersonalInformationFile,
    name: str,
    items: str = "",
    special_care: bool = False,
) -> ItemGroup:
    return _add(
        ItemGroup,
        actor=actor,
        file=file,
        use_case="ledger.add_item_group",
        name=name,
        items=(items or "").strip(),
        special_care=special_care,
    )


@transaction.atomic
def add_purpose(*, actor: Any, file: PersonalInformationFile, name: str) -> ProvisionPurpose:
    return _add(ProvisionPurpose, actor=actor, file=file, use_case="ledger.add_purpose", name=name)


def _in_use(item: Recipient | ItemGroup | ProvisionPurpose) -> bool:
    if isinstance(item, Recipient):
        return (
            ConsentEvent.objects.filter(recipient=item).exists()
            or Provision.objects.filter(recipient=item).exists()
        )
    if isinstance(item, ItemGroup):
        return (
            ConsentEvent.objects.filter(item_group=item).exists()
            or Provision.objects.filter(item_groups=item).exists()
        )
    return (
        ConsentEvent.objects.filter(purpose=item).exists()
        or Provision.objects.filter(purpose=item).exists()
    )


@transaction.atomic
def delete_setup_item(*, actor: Any, item: Recipient | ItemGroup | ProvisionPurpose) -> None:
    """Refuse with SetupItemInUse when a consent or provision refers to it."""
    file = PersonalInformationFile.objects.select_for_update().get(pk=item.file_id)
    require(actor is None or access.may_edit_file(actor, file))
    if _in_use(item):
        raise SetupItemInUse(
            _("“%(name)s” is referred to by consents or provisions: it cannot be deleted.")
            % {"name": item.name}
        )
    kind = type(item).__name__.lower()
    record_delete(actor=actor, use_case=f"ledger.delete_{kind}", obj=item)
    item.delete()
