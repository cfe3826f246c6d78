"""Vendors: the corporate number, vendors, their contacts, contractor users, documents and
certifications."""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.audit.writes import create_audited, delete_audited, update_audited
from mamori.consultations.attachments import stored_upload
from mamori.vendors import access
from mamori.vendors.models import (
    Certification,
    Contract,
    EntityKind,
    Vendor,
    VendorContact,
    VendorDocument,
    VendorUser,
)
from mamori.vendors.services._shared import (
    _check_choice,
    _clean,
    _edits_or_works_on,
    _is_secretariat,
    _person,
    _removed_on_failure,
    _require,
    _required_text,
    _today,
    _wareki,
)

# Characters people type between the digits of a 法人番号 (after NFKC): spaces and dashes.
SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー]")


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


# The largest capital accepted (10 兆円): anything above is a typo, not a company.
MAX_CAPITAL_YEN = 10_000_000_000_000

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
    if cleaned.get("capital_yen") is not None and cleaned["capital_yen"] > MAX_CAPITAL_YEN:
        raise ValidationError(
            _("The capital is too large: enter the correct amount."), code="capital"
        )
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
    _require(actor, access.may_add_vendor)
    return _create_vendor(
        actor=actor,
        use_case="vendors.create_vendor",
        legal_name=legal_name,
        entity_kind=entity_kind,
        corporate_number=corporate_number,
        address=address,
        capital_yen=capital_yen,
    )


def _create_vendor(
    *,
    actor: Any,
    use_case: str,
    legal_name: str,
    entity_kind: str,
    corporate_number: str = "",
    address: str = "",
    capital_yen: int | None = None,
) -> Vendor:
    """A vendor checked and created, audited; the caller has checked the actor's role."""
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
    return create_audited(Vendor, actor=actor, use_case=use_case, **fields)


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
    with stored_upload(VendorDocument(vendor=vendor), uploaded_file) as upload:
        return create_audited(
            VendorDocument,
            actor=actor,
            use_case="vendors.store_document",
            vendor=vendor,
            contract=contract,
            kind=kind,
            title=(title or "").strip()[:200] or upload.original_name[:200],
            uploaded_by=_person(actor, contract.department_id if contract else None),
            uploaded_at=at or timezone.now(),
            **upload.fields,
        )


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
    refused; a name is required for kind "other". Recorded by the city's staff it is
    confirmed at once; declared by the vendor's own user it needs the evidence file and stays
    unconfirmed (counting for nothing) until the city confirms it (confirm_certification)."""
    _require(actor, access.may_add_certification, vendor)
    by_city = actor is None or access.may_confirm_certification(actor, vendor)
    _check_choice(kind, Certification.Kind.values, _("Choose the certification."), "kind")
    if not by_city and evidence_file is None:
        raise ValidationError(
            _("Attach a copy of the certificate: the city confirms the certification against it."),
            code="evidence_required",
        )
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
    if by_city:
        fields |= {"confirmed_on": _today(), "confirmed_by": _person(actor)}
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
def confirm_certification(*, actor: Any, certification: Certification) -> Certification:
    """City staff confirm a certification a vendor declared, against its evidence: from then
    on it counts as valid. A certification is confirmed once."""
    _require(actor, access.may_confirm_certification, certification.vendor)
    locked = Certification.objects.select_for_update().get(pk=certification.pk)
    if locked.is_confirmed:
        raise ValidationError(_("This certification has already been confirmed."), code="confirmed")
    return update_audited(
        locked,
        actor=actor,
        use_case="vendors.confirm_certification",
        confirmed_on=_today(),
        confirmed_by=_person(actor),
    )


@transaction.atomic
def remove_certification(*, actor: Any, certification: Certification) -> None:
    """Remove a certification recorded in error (its evidence file stays on record)."""
    _require(actor, access.may_edit_vendor, certification.vendor)
    delete_audited(certification, actor=actor, use_case="vendors.remove_certification")
