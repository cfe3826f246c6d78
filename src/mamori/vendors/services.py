"""Use cases of the vendors app: one audited function each (see DESIGN.md).

Every function takes a keyword-only ``actor``, checks the actor's role through
``mamori.vendors.access``, runs in one transaction, writes through
``mamori.audit.writes`` and raises ``ValidationError`` (a Japanese message) on bad input
or ``PermissionDenied`` on a role that may not do it. Nothing is half-saved on error; a
file stored before a failed write is deleted again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File

from mamori.consultations.models import Consultation
from mamori.vendors.models import (
    Certification,
    Clause,
    Contract,
    DataHolding,
    DocumentRequest,
    Handover,
    ReturnErasure,
    SubcontractApproval,
    Vendor,
    VendorContact,
    VendorDocument,
    VendorUser,
)

# Reads ---------------------------------------------------------------------------------------


def normalize_corporate_number(text: str) -> str:
    """A 法人番号 as 13 ASCII digits (full-width digits, spaces and hyphens accepted), or
    ValidationError: wrong length, non-digits, or a wrong check digit (the first digit:
    9 − (Σ Pn·Qn mod 9), Pn the n-th digit counted from the right of the other 12,
    Qn 1 for odd n and 2 for even n)."""
    raise NotImplementedError


@dataclass(frozen=True)
class ClauseGap:
    """A clause the answered record promised that the contract lacks."""

    kind: Clause.Kind
    consultation: Consultation
    # Titles (translated) of the record's safeguards that promised it.
    promised_by: tuple[str, ...]


def clause_gaps(contract: Contract) -> list[ClauseGap]:
    """Clauses promised (present=True) by the answered HandlingRecord of any consultation
    the contract rests on but absent (or not recorded) on the contract. The record's
    safeguards map to clause kinds in SAFEGUARD_CLAUSES."""
    raise NotImplementedError


@dataclass
class SubcontractNode:
    """One sub-contractor of a contract's chain, with those under it."""

    approval: SubcontractApproval
    depth: int
    children: list[SubcontractNode] = field(default_factory=list)


def subcontract_tree(contract: Contract) -> list[SubcontractNode]:
    """The contract's sub-contractors as a tree (roots: directly under the contractor), in
    one query whatever the depth."""
    raise NotImplementedError


@dataclass(frozen=True)
class SubcontractFlag:
    """A sub-contractor working without an approval on file."""

    name: str
    approval: SubcontractApproval | None
    # "not_approved" (entry without approval date), "no_request" (no 承認願 filed),
    # "not_in_contract" (named in the answered record's sub-contractors, absent here).
    reason: str


def subcontract_flags(contract: Contract) -> list[SubcontractFlag]:
    """Sub-contractors working without an approval on file, at any depth of the chain."""
    raise NotImplementedError


@dataclass(frozen=True)
class ContractFlags:
    contract: Contract
    clause_gaps: list[ClauseGap]
    subcontract_flags: list[SubcontractFlag]


def contract_flags_for_consultation(consultation: Consultation) -> list[ContractFlags]:
    """The contracts resting on a consultation, each with its clause gaps and unapproved
    sub-contractors, for the consultation's page."""
    raise NotImplementedError


def erasure_due_on(ended_on: dt.date) -> dt.date:
    """The due date of a return or erasure: settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS
    business days (core.business_days) after the day the contract ended."""
    raise NotImplementedError


# Vendors -------------------------------------------------------------------------------------


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
    raise NotImplementedError


def update_vendor(*, actor: Any, vendor: Vendor, **fields: Any) -> Vendor:
    """Change a vendor's name, kind, corporate number, address or capital."""
    raise NotImplementedError


def add_contact(
    *, actor: Any, vendor: Vendor, name: str, title: str = "", phone: str = "", email: str = ""
) -> VendorContact:
    raise NotImplementedError


def remove_contact(*, actor: Any, contact: VendorContact) -> None:
    raise NotImplementedError


def link_contractor_user(*, actor: Any, user: Any, vendor: Vendor) -> VendorUser:
    """The secretariat ties a contractor user to its vendor (a user has at most one)."""
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


def remove_certification(*, actor: Any, certification: Certification) -> None:
    raise NotImplementedError


# Contracts -----------------------------------------------------------------------------------


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
    raise NotImplementedError


def update_contract(*, actor: Any, contract: Contract, **fields: Any) -> Contract:
    """Change title, number, period or procurement of a live contract, with the same checks."""
    raise NotImplementedError


def set_clauses(
    *, actor: Any, contract: Contract, clauses: dict[str, tuple[bool, str]]
) -> list[Clause]:
    """Record each clause kind as present (with its article, required) or absent."""
    raise NotImplementedError


def add_holding(
    *, actor: Any, contract: Contract, medium: str, description: str, location: str = ""
) -> DataHolding:
    raise NotImplementedError


def remove_holding(*, actor: Any, holding: DataHolding) -> None:
    raise NotImplementedError


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
    raise NotImplementedError


def approve_subcontract(
    *, actor: Any, approval: SubcontractApproval, approved_on: dt.date
) -> SubcontractApproval:
    """The department (or secretariat) approves: needs the 承認願 on file, and the parent
    tier approved first."""
    raise NotImplementedError


# The end of a contract ---------------------------------------------------------------------


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
    raise NotImplementedError


def plan_return_erasure(
    *, actor: Any, task: ReturnErasure, action: str, method: str, due_on: dt.date | None = None
) -> ReturnErasure:
    """The department sets return or erasure and the method (and may extend the due date)."""
    raise NotImplementedError


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
    raise NotImplementedError


def verify_return_erasure(
    *, actor: Any, task: ReturnErasure, verified_on: dt.date
) -> ReturnErasure:
    """The department checks the certificate and closes the task."""
    raise NotImplementedError


def send_back_certificate(*, actor: Any, task: ReturnErasure, reason: str) -> ReturnErasure:
    """The department refuses a certificate with a reason: the task is open again."""
    raise NotImplementedError


def open_handover(
    *, actor: Any, old_contract: Contract, new_contract: Contract, description: str
) -> Handover:
    """Start a handover of one kind of data from the old contractor to the new, through the
    city; the two contracts belong to the same department and differ in contractor."""
    raise NotImplementedError


def record_handover_step(*, actor: Any, handover: Handover, step: str, on: dt.date) -> Handover:
    """Record "received" (old contractor → city), then "checked" (by the city), then
    "handed_over" (city → new contractor), in that order and on non-decreasing dates;
    anything else is refused with a Japanese message naming the missing step."""
    raise NotImplementedError


def record_direct_transfer(*, actor: Any, handover: Handover, on: dt.date, note: str) -> Handover:
    """Record that data passed directly old → new: kept as a fact, marked not compliant;
    it never counts as a completed handover."""
    raise NotImplementedError


def request_document(
    *,
    actor: Any,
    contract: Contract,
    title: str,
    description: str = "",
    due_on: dt.date | None = None,
) -> DocumentRequest:
    """The department asks the contractor for a document."""
    raise NotImplementedError


def file_requested_document(
    *, actor: Any, request: DocumentRequest, uploaded_file: File[Any]
) -> DocumentRequest:
    """The contractor (or the department) files the document asked for."""
    raise NotImplementedError
