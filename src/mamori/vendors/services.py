"""Use cases of the vendors app: one audited function each (see DESIGN.md).

Every function takes a keyword-only ``actor``, checks the actor's role through
``mamori.vendors.access``, runs in one transaction, writes through
``mamori.audit.writes`` and raises ``ValidationError`` (a Japanese message) on bad input
or ``PermissionDenied`` on a role that may not do it. Nothing is half-saved on error; a
file stored before a failed write is deleted again. ``actor=None`` is the system itself
(the demo loader, commands), as in the consultations app: it passes every role check and
rows that need a person are credited to a member of the department's staff.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.accounts.models import User
from mamori.audit.writes import create_audited, delete_audited, update_audited
from mamori.consultations import handling
from mamori.consultations.attachments import check_file, clean_name, name_for_type
from mamori.consultations.models import Consultation, Decision, HandlingRecordVersion
from mamori.core import business_days, eras
from mamori.vendors import access
from mamori.vendors.models import (
    Certification,
    Clause,
    Contract,
    ContractBasis,
    DataHolding,
    DocumentRequest,
    EntityKind,
    Handover,
    Medium,
    ProcurementMethod,
    ReturnErasure,
    SubcontractApproval,
    Vendor,
    VendorContact,
    VendorDocument,
    VendorUser,
)

APPROVING_RESULTS = (Decision.Result.APPROVED, Decision.Result.CONDITIONALLY_APPROVED)

# What the HandlingRecord's safeguards promise, as the clause kind of a contract that keeps
# the promise. transport_protection, device_repair_disposal, periodic_report and
# purpose_limitation have no clause kind of their own among the nine the contract records,
# so they are left out rather than forced onto a kind that does not say the same thing.
SAFEGUARD_CLAUSES: dict[str, Clause.Kind] = {
    "confidentiality": Clause.Kind.CONFIDENTIALITY,
    "staff_confidentiality": Clause.Kind.CONFIDENTIALITY,
    "penalty_equal_to_staff": Clause.Kind.PENALTY,
    "breach_sanctions": Clause.Kind.PENALTY,
    "subcontracting_approval": Clause.Kind.SUBCONTRACTING,
    "copy_prohibition": Clause.Kind.COPY_CARRY_OUT,
    "carry_out_control": Clause.Kind.COPY_CARRY_OUT,
    "return_or_erasure_paper": Clause.Kind.RETURN_ERASURE,
    "return_or_erasure_electronic": Clause.Kind.RETURN_ERASURE,
    "erasure_certificate": Clause.Kind.RETURN_ERASURE,
    "handover_via_city": Clause.Kind.RETURN_ERASURE,
    "incident_reporting": Clause.Kind.INCIDENT_REPORT,
    "audit_rights": Clause.Kind.AUDIT,
    "staff_training": Clause.Kind.TRAINING,
    "staff_list": Clause.Kind.WORK_LOCATION,
}

HANDOVER_STEPS: dict[str, tuple[Handover.Status, Handover.Status]] = {
    # step: (status it needs, status it leads to)
    "received": (Handover.Status.PENDING, Handover.Status.RECEIVED),
    "checked": (Handover.Status.RECEIVED, Handover.Status.CHECKED),
    "handed_over": (Handover.Status.CHECKED, Handover.Status.HANDED_OVER),
}
HANDOVER_ORDER = list(HANDOVER_STEPS)
# Characters people type between the digits of a 法人番号 (after NFKC): spaces and dashes.
SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー]")


# Helpers -------------------------------------------------------------------------------------


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


# Reads ---------------------------------------------------------------------------------------


def normalize_corporate_number(text: str) -> str:
    """A 法人番号 as 13 ASCII digits (full-width digits, spaces and hyphens accepted), or
    ValidationError: wrong length, non-digits, or a wrong check digit (the first digit:
    9 − (Σ Pn·Qn mod 9), Pn the n-th digit counted from the right of the other 12,
    Qn 1 for odd n and 2 for even n)."""
    digits = SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    if not re.fullmatch(r"[0-9]*", digits):
        raise ValidationError(
            _("Enter the corporate number in digits only."), code="corporate_number_digits"
        )
    if len(digits) != 13:
        raise ValidationError(
            _("A corporate number has 13 digits: %(count)s were entered.") % {"count": len(digits)},
            code="corporate_number_length",
        )
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        raise ValidationError(
            _(
                "The check digit (the first digit) of this corporate number does not match "
                "the other digits: check the number for a typo."
            ),
            code="corporate_number_check_digit",
        )
    return digits


def corporate_number_check_digit(body: str) -> int:
    """The check digit of the 12 digits that follow it (法人番号の指定等に関する省令 第2条)."""
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(body), start=1))
    return 9 - total % 9


@dataclass(frozen=True)
class ClauseGap:
    """A clause the answered record promised that the contract lacks."""

    kind: Clause.Kind
    consultation: Consultation
    # Titles (translated) of the record's safeguards that promised it.
    promised_by: tuple[str, ...]


def _promised_kinds(record: handling.HandlingRecord) -> dict[Clause.Kind, list[str]]:
    """The clause kinds the record promises, each with the titles of the promising safeguards."""
    promised: dict[Clause.Kind, list[str]] = {}
    for name, kind in SAFEGUARD_CLAUSES.items():
        if getattr(record.safeguards, name).present is True:
            title = handling.Safeguards.model_fields[name].title or name
            promised.setdefault(kind, []).append(_(title))
    return promised


def clause_gaps(contract: Contract) -> list[ClauseGap]:
    """Clauses promised (present=True) by the answered HandlingRecord of any consultation
    the contract rests on but absent (or not recorded) on the contract. The record's
    safeguards map to clause kinds in SAFEGUARD_CLAUSES."""
    present = {clause.kind for clause in contract.clauses.all() if clause.present}
    gaps = []
    for basis in contract.bases.all():
        record = _parsed(basis.answered_version)
        if record is None:
            continue
        promised = _promised_kinds(record)
        for kind in Clause.Kind:
            if kind in promised and kind not in present:
                gaps.append(ClauseGap(kind, basis.consultation, tuple(promised[kind])))
    return gaps


@dataclass
class SubcontractNode:
    """One sub-contractor of a contract's chain, with those under it."""

    approval: SubcontractApproval
    depth: int
    children: list[SubcontractNode] = field(default_factory=list)


def _subcontracts_of(contract: Contract) -> list[SubcontractApproval]:
    """The contract's sub-contract entries by id: prefetched ones if there, else one query."""
    if "subcontracts" in getattr(contract, "_prefetched_objects_cache", {}):
        return sorted(contract.subcontracts.all(), key=lambda approval: approval.pk)
    return list(
        SubcontractApproval.objects.filter(contract=contract)
        .select_related("subcontractor", "parent", "request_document", "approved_by")
        .order_by("id")
    )


def subcontract_tree(contract: Contract) -> list[SubcontractNode]:
    """The contract's sub-contractors as a tree (roots: directly under the contractor), in
    one query whatever the depth."""
    approvals = _subcontracts_of(contract)
    children: dict[int | None, list[SubcontractApproval]] = {}
    for approval in approvals:
        children.setdefault(approval.parent_id, []).append(approval)

    def grow(approval: SubcontractApproval, depth: int) -> SubcontractNode:
        node = SubcontractNode(approval, depth)
        node.children = [grow(child, depth + 1) for child in children.get(approval.pk, [])]
        return node

    return [grow(root, 0) for root in children.get(None, [])]


def walk(nodes: list[SubcontractNode]) -> Iterator[SubcontractNode]:
    """The nodes of a tree, each before those under it."""
    for node in nodes:
        yield node
        yield from walk(node.children)


@dataclass(frozen=True)
class SubcontractFlag:
    """A sub-contractor working without an approval on file."""

    name: str
    approval: SubcontractApproval | None
    # "not_approved" (entry without approval date), "no_request" (no 承認願 filed),
    # "not_in_contract" (named in the answered record's sub-contractors, absent here).
    reason: str


def _comparable_name(name: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", name))


def _names_match(named: str, legal_name: str) -> bool:
    a, b = _comparable_name(named), _comparable_name(legal_name)
    return bool(a and b) and (a in b or b in a)


def subcontract_flags(contract: Contract) -> list[SubcontractFlag]:
    """Sub-contractors working without an approval on file, at any depth of the chain."""
    flags = []
    entries = [node.approval for node in walk(subcontract_tree(contract))]
    for approval in entries:
        name = approval.subcontractor.legal_name
        if not approval.is_approved:
            flags.append(SubcontractFlag(name, approval, "not_approved"))
            if approval.request_document_id is None:
                flags.append(SubcontractFlag(name, approval, "no_request"))
    named: list[str] = []
    for basis in contract.bases.all():
        record = _parsed(basis.answered_version)
        for row in record.outsourcing.subcontractors if record else []:
            if row.name and row.name not in named:
                named.append(row.name)
    for name in named:
        if not any(_names_match(name, entry.subcontractor.legal_name) for entry in entries):
            flags.append(SubcontractFlag(name, None, "not_in_contract"))
    return flags


@dataclass(frozen=True)
class ContractFlags:
    contract: Contract
    clause_gaps: list[ClauseGap]
    subcontract_flags: list[SubcontractFlag]


def contract_flags_for_consultation(consultation: Consultation) -> list[ContractFlags]:
    """The contracts resting on a consultation, each with its clause gaps and unapproved
    sub-contractors, for the consultation's page."""
    contracts = (
        Contract.objects.filter(bases__consultation=consultation)
        .distinct()
        .select_related("vendor", "department")
        .prefetch_related(
            Prefetch(
                "bases",
                queryset=ContractBasis.objects.select_related("consultation", "answered_version"),
            ),
            "clauses",
            Prefetch(
                "subcontracts",
                queryset=SubcontractApproval.objects.select_related("subcontractor"),
            ),
        )
        .order_by("starts_on", "id")
    )
    return [
        ContractFlags(contract, clause_gaps(contract), subcontract_flags(contract))
        for contract in contracts
    ]


def erasure_due_on(ended_on: dt.date) -> dt.date:
    """The due date of a return or erasure: settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS
    business days (core.business_days) after the day the contract ended."""
    return business_days.add_business_days(ended_on, settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS)


# Vendors -------------------------------------------------------------------------------------

VENDOR_FIELDS = frozenset(
    {"legal_name", "entity_kind", "corporate_number", "address", "capital_yen"}
)


def _vendor_fields(fields: dict[str, Any], *, exclude: int | None = None) -> dict[str, Any]:
    """The vendor's fields checked and tidied: name required, kind known, number unique."""
    unknown = set(fields) - VENDOR_FIELDS
    if unknown:
        raise TypeError(f"unknown vendor fields: {sorted(unknown)}")
    cleaned = dict(fields)
    if "legal_name" in cleaned:
        cleaned["legal_name"] = _required_text(
            cleaned["legal_name"], _("Enter the vendor's legal name."), "legal_name"
        )
    if "entity_kind" in cleaned:
        _check_choice(
            cleaned["entity_kind"],
            EntityKind.values,
            _("Choose the kind of entity."),
            "entity_kind",
        )
    if "address" in cleaned:
        cleaned["address"] = (cleaned["address"] or "").strip()
    if cleaned.get("capital_yen") is not None and cleaned["capital_yen"] < 0:
        raise ValidationError(_("The capital cannot be negative."), code="capital")
    if "corporate_number" in cleaned:
        number = (cleaned["corporate_number"] or "").strip()
        cleaned["corporate_number"] = normalize_corporate_number(number) if number else ""
        _check_unique_number(cleaned["corporate_number"], exclude)
    return cleaned


def _check_unique_number(number: str, exclude: int | None) -> None:
    if not number:
        return
    holders = Vendor.objects.filter(corporate_number=number)
    if exclude is not None:
        holders = holders.exclude(pk=exclude)
    holder = holders.first()
    if holder is not None:
        raise ValidationError(
            _("Another vendor (%(name)s) already has the corporate number %(number)s.")
            % {"name": holder.legal_name, "number": number},
            code="corporate_number_taken",
        )


@transaction.atomic
def create_vendor(
    *,
    actor: Any,
    legal_name: str,
    entity_kind: str,
    corporate_number: str = "",
    address: str = "",
    capital_yen: int | None = None,
) -> Vendor:
    """Add a vendor; the corporate number is normalized and checked, and unique."""
    _require(actor, access.may_edit_vendor, Vendor())
    fields: dict[str, Any] = _vendor_fields(
        {
            "legal_name": legal_name,
            "entity_kind": entity_kind,
            "corporate_number": corporate_number,
            "address": address,
            "capital_yen": capital_yen,
        }
    )
    _clean(Vendor(**fields))
    return create_audited(Vendor, actor=actor, use_case="vendors.create_vendor", **fields)


@transaction.atomic
def update_vendor(*, actor: Any, vendor: Vendor, **fields: Any) -> Vendor:
    """Change a vendor's name, kind, corporate number, address or capital."""
    _require(actor, access.may_edit_vendor, vendor)
    cleaned = _vendor_fields(fields, exclude=vendor.pk)
    candidate = copy.copy(vendor)
    for name, value in cleaned.items():
        setattr(candidate, name, value)
    _clean(candidate)
    return update_audited(vendor, actor=actor, use_case="vendors.update_vendor", **cleaned)


@transaction.atomic
def add_contact(
    *, actor: Any, vendor: Vendor, name: str, title: str = "", phone: str = "", email: str = ""
) -> VendorContact:
    """Add a person to call at a vendor."""
    _require(actor, access.may_edit_vendor, vendor)
    fields: dict[str, Any] = {
        "vendor": vendor,
        "name": _required_text(name, _("Enter the contact's name."), "name"),
        "title": (title or "").strip(),
        "phone": (phone or "").strip(),
        "email": (email or "").strip(),
    }
    _clean(VendorContact(**fields))
    return create_audited(VendorContact, actor=actor, use_case="vendors.add_contact", **fields)


@transaction.atomic
def remove_contact(*, actor: Any, contact: VendorContact) -> None:
    """Remove a person to call."""
    _require(actor, access.may_edit_vendor, contact.vendor)
    delete_audited(contact, actor=actor, use_case="vendors.remove_contact")


@transaction.atomic
def link_contractor_user(*, actor: Any, user: Any, vendor: Vendor) -> VendorUser:
    """The secretariat ties a contractor user to its vendor (a user has at most one)."""
    _require(actor, _is_secretariat)
    if not user.is_contractor:
        raise ValidationError(
            _("Only a user with the contractor role can be tied to a vendor."), code="role"
        )
    existing = VendorUser.objects.filter(user=user).select_related("vendor").first()
    if existing is not None:
        raise ValidationError(
            _("This user is already tied to %(vendor)s.") % {"vendor": existing.vendor},
            code="already_linked",
        )
    return create_audited(
        VendorUser, actor=actor, use_case="vendors.link_contractor_user", user=user, vendor=vendor
    )


def _may_store(user: Any, vendor: Vendor, contract: Contract | None) -> bool:
    if contract is not None:
        return _edits_or_works_on(user, contract)
    return access.may_add_certification(user, vendor)


@transaction.atomic
def store_document(
    *,
    actor: Any,
    vendor: Vendor,
    kind: str,
    title: str,
    uploaded_file: File[Any],
    contract: Contract | None = None,
    at: dt.datetime | None = None,
) -> VendorDocument:
    """Check a file by content and size (consultations.attachments.check_file), store it
    under a random name, record it, audited; the file is removed if the row is not saved."""
    _require(actor, _may_store, vendor, contract)
    _check_choice(kind, VendorDocument.Kind.values, _("Choose the kind of document."), "kind")
    if contract is not None and contract.vendor_id != vendor.pk:
        raise ValidationError(
            _("The document must belong to the contractor of the contract."), code="vendor"
        )
    checked = check_file(uploaded_file)
    original_name = name_for_type(clean_name(uploaded_file.name), checked.content_type)
    file_field: models.FileField = VendorDocument._meta.get_field("file")
    name = file_field.generate_filename(VendorDocument(vendor=vendor), original_name)
    stored = file_field.storage.save(name, uploaded_file, max_length=file_field.max_length)
    try:
        return create_audited(
            VendorDocument,
            actor=actor,
            use_case="vendors.store_document",
            vendor=vendor,
            contract=contract,
            kind=kind,
            title=(title or "").strip()[:200] or original_name[:200],
            file=stored,
            original_name=original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=_person(actor, contract.department_id if contract else None),
            uploaded_at=at or timezone.now(),
        )
    except BaseException:
        # The row was not written: leave no file without a row behind.
        file_field.storage.delete(stored)
        raise


@transaction.atomic
def add_certification(
    *,
    actor: Any,
    vendor: Vendor,
    kind: str,
    valid_from: dt.date,
    expires_on: dt.date,
    name: str = "",
    number: str = "",
    evidence_file: File[Any] | None = None,
) -> Certification:
    """Record a certification with its validity and evidence; an expiry before the start is
    refused; a name is required for kind "other"."""
    _require(actor, access.may_add_certification, vendor)
    _check_choice(kind, Certification.Kind.values, _("Choose the certification."), "kind")
    name, number = (name or "").strip(), (number or "").strip()
    if kind == Certification.Kind.OTHER and not name:
        raise ValidationError(_("Enter the name of the certification."), code="name")
    if expires_on < valid_from:
        raise ValidationError(
            _("The expiry date (%(expires)s) is before the start of validity (%(start)s).")
            % {"expires": _wareki(expires_on), "start": _wareki(valid_from)},
            code="expiry_before_start",
        )
    fields: dict[str, Any] = {
        "vendor": vendor,
        "kind": kind,
        "name": name,
        "number": number,
        "valid_from": valid_from,
        "expires_on": expires_on,
    }
    _clean(Certification(**fields))
    evidence = None
    if evidence_file is not None:
        label = name or str(Certification.Kind(kind).label)
        evidence = store_document(
            actor=actor,
            vendor=vendor,
            kind=VendorDocument.Kind.CERTIFICATION_EVIDENCE,
            title=label,
            uploaded_file=evidence_file,
        )
    with _removed_on_failure(evidence):
        return create_audited(
            Certification,
            actor=actor,
            use_case="vendors.add_certification",
            evidence=evidence,
            **fields,
        )


@transaction.atomic
def remove_certification(*, actor: Any, certification: Certification) -> None:
    """Remove a certification recorded in error (its evidence file stays on record)."""
    _require(actor, access.may_edit_vendor, certification.vendor)
    delete_audited(certification, actor=actor, use_case="vendors.remove_certification")


# Contracts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    """What a contract rests on in one consultation."""

    consultation: Consultation
    decision: Decision
    version: HandlingRecordVersion


def _answer_of(consultation: Consultation, department_id: int) -> _Answer:
    """The consultation's latest 可 or 条件付き可 answer and the version answered, or refusal."""
    if consultation.department_id != department_id:
        raise ValidationError(
            _("%(consultation)s is not a consultation of the contract's department.")
            % {"consultation": consultation.label},
            code="department",
        )
    decision = (
        consultation.decisions.filter(result__in=APPROVING_RESULTS)
        .select_related("answered_version")
        .order_by("-decided_on", "-id")
        .first()
    )
    if decision is None:
        raise ValidationError(
            _("%(consultation)s has no answer of 可 or 条件付き可: a contract cannot rest on it.")
            % {"consultation": consultation.label},
            code="not_approved",
        )
    version = consultation.answered_version or decision.answered_version
    if version is None:
        raise ValidationError(
            _("%(consultation)s has no answered version of its handling record.")
            % {"consultation": consultation.label},
            code="no_answered_version",
        )
    return _Answer(consultation, decision, version)


def _check_period(starts_on: dt.date, ends_on: dt.date, answered_on: dt.date | None) -> None:
    if answered_on is not None and starts_on < answered_on:
        raise ValidationError(
            _("The contract period starts before the answer (%(date)s).")
            % {"date": _wareki(answered_on)},
            code="starts_before_answer",
        )
    if ends_on < starts_on:
        raise ValidationError(
            _("The contract period ends (%(end)s) before it starts (%(start)s).")
            % {"end": _wareki(ends_on), "start": _wareki(starts_on)},
            code="ends_before_start",
        )


def _check_contract_fields(fields: dict[str, Any]) -> None:
    fields["title"] = _required_text(fields["title"], _("Enter the contract's title."), "title")
    fields["number"] = (fields.get("number") or "").strip()
    _check_choice(
        fields["procurement_method"],
        ProcurementMethod.values,
        _("Choose the procurement method."),
        "procurement_method",
    )


def _proposed_holdings(answer: _Answer) -> list[dict[str, Any]]:
    """The data the contractor will hold, from the answered record's form and storage."""
    record = _parsed(answer.version)
    if record is None:
        return []
    medium = record.form.medium.value
    title = answer.consultation.title
    holdings: list[dict[str, Any]] = []
    if medium in (handling.Medium.PAPER, handling.Medium.BOTH):
        holdings.append(
            {
                "medium": Medium.PAPER,
                "description": (_("%(title)s (paper)") % {"title": title})[:200],
                "location": (record.form.paper.location.value or "")[:200],
            }
        )
    if medium in (handling.Medium.ELECTRONIC, handling.Medium.BOTH):
        location = (
            record.form.electronic.location.value
            or record.outsourcing.data_storage_location.value
            or ""
        )
        holdings.append(
            {
                "medium": Medium.ELECTRONIC,
                "description": (_("%(title)s (electronic data)") % {"title": title})[:200],
                "location": location[:200],
            }
        )
    return holdings


@transaction.atomic
def create_contract(
    *,
    actor: Any,
    department: Any,
    vendor: Vendor,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    procurement_method: str,
    consultations: list[Consultation],
    number: str = "",
    previous_contract: Contract | None = None,
) -> Contract:
    """Record a contract on the consultations it rests on. Each must be answered with a
    可 or 条件付き可 decision; the contract must not start before the latest answer's date
    nor end before it starts. ContractBasis rows keep the decision and the answered
    version; DataHolding rows are proposed from the answered records' form (paper /
    electronic with their storage location); a Clause row per kind, absent."""
    _require(actor, access.may_edit_contract, Contract(department=department))
    fields: dict[str, Any] = {
        "title": title,
        "number": number,
        "procurement_method": procurement_method,
    }
    _check_contract_fields(fields)
    unique = list({consultation.pk: consultation for consultation in consultations}.values())
    if not unique:
        raise ValidationError(
            _("Choose the consultation(s) the contract rests on."), code="no_consultation"
        )
    answers = [_answer_of(consultation, department.pk) for consultation in unique]
    _check_period(starts_on, ends_on, max(answer.decision.decided_on for answer in answers))
    if previous_contract is not None and previous_contract.department_id != department.pk:
        raise ValidationError(
            _("The contract replaced must be a contract of the same department."),
            code="previous_contract",
        )
    fields |= {
        "department": department,
        "vendor": vendor,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "previous_contract": previous_contract,
    }
    _clean(Contract(**fields))
    use_case = "vendors.create_contract"
    contract = create_audited(Contract, actor=actor, use_case=use_case, **fields)
    for answer in answers:
        create_audited(
            ContractBasis,
            actor=actor,
            use_case=use_case,
            contract=contract,
            consultation=answer.consultation,
            decision=answer.decision,
            answered_version=answer.version,
        )
    for kind in Clause.Kind:
        create_audited(Clause, actor=actor, use_case=use_case, contract=contract, kind=kind)
    for answer in answers:
        for holding in _proposed_holdings(answer):
            create_audited(
                DataHolding, actor=actor, use_case=use_case, contract=contract, **holding
            )
    return contract


CONTRACT_FIELDS = frozenset({"title", "number", "starts_on", "ends_on", "procurement_method"})


def _latest_answer_date(contract: Contract) -> dt.date | None:
    dates = [
        basis.decision.decided_on
        for basis in contract.bases.select_related("decision")
        if basis.decision is not None
    ]
    return max(dates, default=None)


def _check_live(contract: Contract) -> None:
    if contract.status != Contract.Status.LIVE:
        raise ValidationError(
            _("This contract has already ended: it cannot be changed."), code="not_live"
        )


@transaction.atomic
def update_contract(*, actor: Any, contract: Contract, **fields: Any) -> Contract:
    """Change title, number, period or procurement of a live contract, with the same checks."""
    _require(actor, access.may_edit_contract, contract)
    unknown = set(fields) - CONTRACT_FIELDS
    if unknown:
        raise TypeError(f"unknown contract fields: {sorted(unknown)}")
    _check_live(contract)
    merged = {name: getattr(contract, name) for name in CONTRACT_FIELDS} | fields
    _check_contract_fields(merged)
    _check_period(merged["starts_on"], merged["ends_on"], _latest_answer_date(contract))
    candidate = copy.copy(contract)
    for name, value in merged.items():
        setattr(candidate, name, value)
    _clean(candidate)
    changes = {name: merged[name] for name in fields}
    return update_audited(contract, actor=actor, use_case="vendors.update_contract", **changes)


@transaction.atomic
def set_clauses(
    *, actor: Any, contract: Contract, clauses: dict[str, tuple[bool, str]]
) -> list[Clause]:
    """Record each clause kind as present (with its article, required) or absent."""
    _require(actor, access.may_edit_contract, contract)
    existing = {clause.kind: clause for clause in contract.clauses.all()}
    use_case = "vendors.set_clauses"
    for kind, (present, reference) in clauses.items():
        _check_choice(kind, Clause.Kind.values, _("Choose a kind of clause."), "clause_kind")
        reference = (reference or "").strip()[:100] if present else ""
        if present and not reference:
            raise ValidationError(
                _("Enter the article of the clause “%(clause)s”.")
                % {"clause": Clause.Kind(kind).label},
                code="reference",
            )
        clause = existing.get(kind)
        if clause is None:
            existing[kind] = create_audited(
                Clause,
                actor=actor,
                use_case=use_case,
                contract=contract,
                kind=kind,
                present=bool(present),
                reference=reference,
            )
        else:
            update_audited(
                clause, actor=actor, use_case=use_case, present=bool(present), reference=reference
            )
    order = list(Clause.Kind.values)
    return sorted(existing.values(), key=lambda clause: order.index(clause.kind))


@transaction.atomic
def add_holding(
    *, actor: Any, contract: Contract, medium: str, description: str, location: str = ""
) -> DataHolding:
    """Record a kind of personal data the contractor holds, and where."""
    _require(actor, access.may_edit_contract, contract)
    _check_choice(medium, Medium.values, _("Choose paper or electronic data."), "medium")
    fields: dict[str, Any] = {
        "contract": contract,
        "medium": medium,
        "description": _required_text(
            description, _("Describe the data the contractor holds."), "description"
        ),
        "location": (location or "").strip(),
    }
    _clean(DataHolding(**fields))
    return create_audited(DataHolding, actor=actor, use_case="vendors.add_holding", **fields)


@transaction.atomic
def remove_holding(*, actor: Any, holding: DataHolding) -> None:
    """Remove a kind of data recorded in error (tasks opened from it keep their copy)."""
    _require(actor, access.may_edit_contract, holding.contract)
    delete_audited(holding, actor=actor, use_case="vendors.remove_holding")


def _tiers_above(parent: SubcontractApproval | None) -> list[SubcontractApproval]:
    tiers = []
    while parent is not None:
        tiers.append(parent)
        parent = parent.parent
    return tiers


@transaction.atomic
def add_subcontract(
    *,
    actor: Any,
    contract: Contract,
    subcontractor: Vendor,
    scope: str,
    parent: SubcontractApproval | None = None,
    consultation: Consultation | None = None,
    request_file: File[Any] | None = None,
) -> SubcontractApproval:
    """Record a sub-contractor under the contractor (or under another sub-contractor of the
    same contract), with the contractor's 承認願 if filed. The contractor's own users may
    record one (their request); the department approves it."""
    _require(actor, _edits_or_works_on, contract)
    scope = _required_text(scope, _("Describe the work sub-contracted."), "scope")
    if parent is not None and parent.contract_id != contract.pk:
        raise ValidationError(
            _("The tier above must be a sub-contractor of the same contract."), code="parent"
        )
    above = [tier.subcontractor_id for tier in _tiers_above(parent)]
    if subcontractor.pk == contract.vendor_id or subcontractor.pk in above:
        raise ValidationError(
            _(
                "%(name)s already works on this contract above this tier: "
                "it cannot be its own sub-contractor."
            )
            % {"name": subcontractor.legal_name},
            code="cycle",
        )
    siblings = SubcontractApproval.objects.filter(
        contract=contract, parent=parent, subcontractor=subcontractor
    )
    if siblings.exists():
        raise ValidationError(
            _("%(name)s is already recorded at this tier.") % {"name": subcontractor.legal_name},
            code="duplicate",
        )
    if consultation is not None and consultation.department_id != contract.department_id:
        raise ValidationError(
            _("%(consultation)s is not a consultation of the contract's department.")
            % {"consultation": consultation.label},
            code="department",
        )
    document = None
    if request_file is not None:
        document = store_document(
            actor=actor,
            vendor=contract.vendor,
            contract=contract,
            kind=VendorDocument.Kind.APPROVAL_REQUEST,
            title=_("Sub-outsourcing approval request: %(name)s")
            % {"name": subcontractor.legal_name},
            uploaded_file=request_file,
        )
    with _removed_on_failure(document):
        return create_audited(
            SubcontractApproval,
            actor=actor,
            use_case="vendors.add_subcontract",
            contract=contract,
            parent=parent,
            subcontractor=subcontractor,
            scope=scope,
            consultation=consultation,
            request_document=document,
        )


@transaction.atomic
def approve_subcontract(
    *, actor: Any, approval: SubcontractApproval, approved_on: dt.date
) -> SubcontractApproval:
    """The department (or secretariat) approves: needs the 承認願 on file, and the parent
    tier approved first."""
    _require(actor, access.may_edit_contract, approval.contract)
    if approval.is_approved:
        raise ValidationError(_("This sub-contractor is already approved."), code="approved")
    if approval.request_document_id is None:
        raise ValidationError(
            _("The contractor's approval request (承認願) is not on file: it is needed first."),
            code="no_request",
        )
    parent = approval.parent
    if parent is not None and not parent.is_approved:
        raise ValidationError(
            _("Approve the tier above (%(name)s) first.") % {"name": parent.subcontractor},
            code="parent_not_approved",
        )
    _not_in_future(approved_on, _("The approval date (%(date)s) is in the future."))
    if parent is not None and parent.approved_on and approved_on < parent.approved_on:
        raise ValidationError(
            _("The approval date is before the approval of the tier above (%(date)s).")
            % {"date": _wareki(parent.approved_on)},
            code="before_parent",
        )
    return update_audited(
        approval,
        actor=actor,
        use_case="vendors.approve_subcontract",
        approved_on=approved_on,
        approved_by=_person(actor, approval.contract.department_id),
    )


# The end of a contract ---------------------------------------------------------------------


@transaction.atomic
def end_contract(
    *,
    actor: Any,
    contract: Contract,
    ended_on: dt.date,
    terminated: bool = False,
    reason: str = "",
) -> list[ReturnErasure]:
    """End a live contract (on its end date, or early with a reason) and open a
    ReturnErasure task per DataHolding: paper → return, electronic → erase, due
    erasure_due_on(ended_on)."""
    _require(actor, access.may_edit_contract, contract)
    _check_live(contract)
    if ended_on < contract.starts_on:
        raise ValidationError(
            _("The end date is before the contract started (%(date)s).")
            % {"date": _wareki(contract.starts_on)},
            code="ended_before_start",
        )
    reason = (reason or "").strip()
    if terminated:
        reason = _required_text(
            reason, _("Enter the reason for ending the contract early."), "reason"
        )
        if ended_on > contract.ends_on:
            raise ValidationError(
                _("An early end must fall within the contract period (until %(date)s).")
                % {"date": _wareki(contract.ends_on)},
                code="ended_after_end",
            )
    use_case = "vendors.end_contract"
    update_audited(
        contract,
        actor=actor,
        use_case=use_case,
        status=Contract.Status.TERMINATED if terminated else Contract.Status.ENDED,
        ended_on=ended_on,
        end_reason=reason if terminated else "",
    )
    due_on = erasure_due_on(ended_on)
    return [
        create_audited(
            ReturnErasure,
            actor=actor,
            use_case=use_case,
            contract=contract,
            holding=holding,
            medium=holding.medium,
            description=holding.description,
            location=holding.location,
            action=(
                ReturnErasure.Action.RETURN
                if holding.medium == Medium.PAPER
                else ReturnErasure.Action.ERASE
            ),
            due_on=due_on,
        )
        for holding in contract.holdings.order_by("id")
    ]


def _check_not_verified(task: ReturnErasure) -> None:
    if task.status == ReturnErasure.Status.VERIFIED:
        raise ValidationError(
            _("This return or erasure is already verified: it cannot be changed."),
            code="verified",
        )


@transaction.atomic
def plan_return_erasure(
    *, actor: Any, task: ReturnErasure, action: str, method: str, due_on: dt.date | None = None
) -> ReturnErasure:
    """The department sets return or erasure and the method (and may extend the due date)."""
    _require(actor, access.may_edit_contract, task.contract)
    _check_not_verified(task)
    _check_choice(action, ReturnErasure.Action.values, _("Choose return or erasure."), "action")
    changes: dict[str, Any] = {"action": action, "method": (method or "").strip()[:200]}
    if due_on is not None:
        ended_on = task.contract.ended_on
        if ended_on is not None and due_on < ended_on:
            raise ValidationError(
                _("The due date is before the contract ended (%(date)s).")
                % {"date": _wareki(ended_on)},
                code="due_before_end",
            )
        changes["due_on"] = due_on
    return update_audited(task, actor=actor, use_case="vendors.plan_return_erasure", **changes)


@transaction.atomic
def file_certificate(
    *,
    actor: Any,
    task: ReturnErasure,
    uploaded_file: File[Any],
    method: str = "",
    at: dt.datetime | None = None,
) -> ReturnErasure:
    """The contractor (or the department) files the 消去証明書 / 返還受領書: the task
    becomes "submitted" and any earlier send-back reason is cleared."""
    _require(actor, access.may_file_certificate, task)
    _check_not_verified(task)
    contract = task.contract
    if task.action == ReturnErasure.Action.ERASE:
        kind, title = VendorDocument.Kind.ERASURE_CERTIFICATE, _("Certificate of erasure")
    else:
        kind, title = VendorDocument.Kind.RETURN_RECEIPT, _("Receipt of return")
    at = at or timezone.now()
    document = store_document(
        actor=actor,
        vendor=contract.vendor,
        contract=contract,
        kind=kind,
        title=(_("%(document)s: %(data)s") % {"document": title, "data": task.description})[:200],
        uploaded_file=uploaded_file,
        at=at,
    )
    changes: dict[str, Any] = {
        "status": ReturnErasure.Status.SUBMITTED,
        "certificate": document,
        "submitted_at": at,
        "submitted_by": _person(actor, contract.department_id),
        "rejection_reason": "",
    }
    if method.strip():
        changes["method"] = method.strip()[:200]
    with _removed_on_failure(document):
        return update_audited(task, actor=actor, use_case="vendors.file_certificate", **changes)


def _check_submitted(task: ReturnErasure) -> None:
    if task.status != ReturnErasure.Status.SUBMITTED:
        raise ValidationError(
            _("No certificate awaits verification on this task."), code="not_submitted"
        )


@transaction.atomic
def verify_return_erasure(
    *, actor: Any, task: ReturnErasure, verified_on: dt.date
) -> ReturnErasure:
    """The department checks the certificate and closes the task."""
    _require(actor, access.may_verify, task)
    _check_submitted(task)
    _not_in_future(verified_on, _("The verification date (%(date)s) is in the future."))
    filed_on = timezone.localdate(task.submitted_at) if task.submitted_at else None
    if filed_on is not None and verified_on < filed_on:
        raise ValidationError(
            _("The verification date is before the certificate was filed (%(date)s).")
            % {"date": _wareki(filed_on)},
            code="before_filed",
        )
    return update_audited(
        task,
        actor=actor,
        use_case="vendors.verify_return_erasure",
        status=ReturnErasure.Status.VERIFIED,
        verified_on=verified_on,
        verified_by=_person(actor, task.contract.department_id),
    )


@transaction.atomic
def send_back_certificate(*, actor: Any, task: ReturnErasure, reason: str) -> ReturnErasure:
    """The department refuses a certificate with a reason: the task is open again."""
    _require(actor, access.may_verify, task)
    _check_submitted(task)
    reason = _required_text(
        reason, _("Enter the reason for sending the certificate back."), "reason"
    )
    # The certificate sent back stays linked, so that both sides see what was refused.
    return update_audited(
        task,
        actor=actor,
        use_case="vendors.send_back_certificate",
        status=ReturnErasure.Status.OPEN,
        rejection_reason=reason,
    )


@transaction.atomic
def open_handover(
    *, actor: Any, old_contract: Contract, new_contract: Contract, description: str
) -> Handover:
    """Start a handover of one kind of data from the old contractor to the new, through the
    city; the two contracts belong to the same department and differ in contractor."""
    _require(actor, access.may_edit_contract, old_contract)
    _require(actor, access.may_edit_contract, new_contract)
    if old_contract.pk == new_contract.pk:
        raise ValidationError(
            _("Choose a different contract to hand the data over to."), code="same_contract"
        )
    if old_contract.department_id != new_contract.department_id:
        raise ValidationError(
            _("A handover is between two contracts of the same department."), code="department"
        )
    if old_contract.vendor_id == new_contract.vendor_id:
        raise ValidationError(
            _("The two contracts have the same contractor: there is nothing to hand over."),
            code="same_vendor",
        )
    description = _required_text(description, _("Describe the data handed over."), "description")
    return create_audited(
        Handover,
        actor=actor,
        use_case="vendors.open_handover",
        old_contract=old_contract,
        new_contract=new_contract,
        description=description[:200],
    )


def _step_label(step: str) -> str:
    return str(HANDOVER_STEPS[step][1].label)


def _check_direct(handover: Handover) -> None:
    if handover.status == Handover.Status.DIRECT:
        raise ValidationError(
            _(
                "The data passed directly between the contractors: no step through the city "
                "can be recorded on this handover."
            ),
            code="direct",
        )


@transaction.atomic
def record_handover_step(*, actor: Any, handover: Handover, step: str, on: dt.date) -> Handover:
    """Record "received" (old contractor → city), then "checked" (by the city), then
    "handed_over" (city → new contractor), in that order and on non-decreasing dates;
    anything else is refused with a Japanese message naming the missing step."""
    _require(actor, access.may_edit_contract, handover.old_contract)
    _check_direct(handover)
    _check_choice(step, HANDOVER_STEPS, _("Choose the step of the handover."), "step")
    needs, leads_to = HANDOVER_STEPS[step]
    done = HANDOVER_ORDER.index(step) < _steps_done(handover)
    if done:
        raise ValidationError(
            _("“%(step)s” is already recorded.") % {"step": _step_label(step)}, code="done"
        )
    if handover.status != needs:
        missing = HANDOVER_ORDER[_steps_done(handover)]
        raise ValidationError(
            _("Record “%(missing)s” first.") % {"missing": _step_label(missing)},
            code="out_of_order",
        )
    _not_in_future(on, _("The date (%(date)s) is in the future."))
    previous = {"checked": handover.received_on, "handed_over": handover.checked_on}.get(step)
    if previous is not None and on < previous:
        raise ValidationError(
            _("The date is before the previous step (%(date)s).") % {"date": _wareki(previous)},
            code="date_order",
        )
    person = _person(actor, handover.old_contract.department_id)
    return update_audited(
        handover,
        actor=actor,
        use_case="vendors.record_handover_step",
        status=leads_to,
        **{f"{step}_on": on, f"{step}_by": person},
    )


def _steps_done(handover: Handover) -> int:
    statuses = [Handover.Status.PENDING, *(after for _before, after in HANDOVER_STEPS.values())]
    return statuses.index(Handover.Status(handover.status))


@transaction.atomic
def record_direct_transfer(*, actor: Any, handover: Handover, on: dt.date, note: str) -> Handover:
    """Record that data passed directly old → new: kept as a fact, marked not compliant;
    it never counts as a completed handover."""
    _require(actor, access.may_edit_contract, handover.old_contract)
    _check_direct(handover)
    if handover.status == Handover.Status.HANDED_OVER:
        raise ValidationError(
            _("This handover is already complete through the city."), code="handed_over"
        )
    note = _required_text(note, _("Describe how the data passed directly."), "note")
    _not_in_future(on, _("The date (%(date)s) is in the future."))
    return update_audited(
        handover,
        actor=actor,
        use_case="vendors.record_direct_transfer",
        status=Handover.Status.DIRECT,
        direct_transfer_on=on,
        note=note,
    )


@transaction.atomic
def request_document(
    *,
    actor: Any,
    contract: Contract,
    title: str,
    description: str = "",
    due_on: dt.date | None = None,
) -> DocumentRequest:
    """The department asks the contractor for a document."""
    _require(actor, access.may_edit_contract, contract)
    title = _required_text(title, _("Enter the document asked for."), "title")
    return create_audited(
        DocumentRequest,
        actor=actor,
        use_case="vendors.request_document",
        contract=contract,
        title=title[:200],
        description=(description or "").strip(),
        due_on=due_on,
        requested_by=_person(actor, contract.department_id),
        requested_at=timezone.now(),
    )


@transaction.atomic
def file_requested_document(
    *, actor: Any, request: DocumentRequest, uploaded_file: File[Any]
) -> DocumentRequest:
    """The contractor (or the department) files the document asked for."""
    _require(actor, access.may_file_requested_document, request)
    if request.status != DocumentRequest.Status.OPEN:
        raise ValidationError(_("This document has already been filed."), code="already_filed")
    contract = request.contract
    document = store_document(
        actor=actor,
        vendor=contract.vendor,
        contract=contract,
        kind=VendorDocument.Kind.REQUESTED,
        title=request.title,
        uploaded_file=uploaded_file,
    )
    with _removed_on_failure(document):
        return update_audited(
            request,
            actor=actor,
            use_case="vendors.file_requested_document",
            status=DocumentRequest.Status.SUBMITTED,
            document=document,
        )
