"""Sub-outsourcing (再委託): the tree of sub-contractors of a contract, its flags, and adding
and approving a sub-contractor."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from mamori.audit.writes import create_audited, update_audited
from mamori.consultations.models import Consultation
from mamori.vendors import access
from mamori.vendors.models import Contract, SubcontractApproval, Vendor, VendorDocument
from mamori.vendors.services._shared import (
    _check_live,
    _edits_or_works_on,
    _not_in_future,
    _parsed,
    _person,
    _removed_on_failure,
    _require,
    _required_text,
    _wareki,
)
from mamori.vendors.services.vendors import (
    _create_vendor,
    normalize_corporate_number,
    store_document,
)


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
        .select_related(
            "subcontractor",
            "parent",
            "request_document",
            "consultation",
            "approved_by",
            "refused_by",
        )
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


def record_subcontractor_names(contract: Contract) -> list[str]:
    """The sub-contractors the answered records of the contract's bases name, once each."""
    named: list[str] = []
    for basis in contract.bases.all():
        record = _parsed(basis.answered_version)
        for row in record.outsourcing.subcontractors if record else []:
            if row.name and row.name not in named:
                named.append(row.name)
    return named


def _working(nodes: list[SubcontractNode]) -> Iterator[SubcontractApproval]:
    """The entries that may work: a refused entry, and everything under it, does not."""
    for node in nodes:
        if node.approval.is_refused:
            continue
        yield node.approval
        yield from _working(node.children)


def subcontract_flags(contract: Contract) -> list[SubcontractFlag]:
    """Sub-contractors working without an approval on file, at any depth of the chain. A
    refused entry (and the tiers under it) does not work, so it is not flagged; a name of the
    answered record found only among refused entries is still missing from the contract."""
    flags = []
    entries = list(_working(subcontract_tree(contract)))
    for approval in entries:
        name = approval.subcontractor.legal_name
        if not approval.is_approved:
            flags.append(SubcontractFlag(name, approval, "not_approved"))
            if approval.request_document_id is None:
                flags.append(SubcontractFlag(name, approval, "no_request"))
    for name in record_subcontractor_names(contract):
        if not any(_names_match(name, entry.subcontractor.legal_name) for entry in entries):
            flags.append(SubcontractFlag(name, None, "not_in_contract"))
    return flags


def proposable_subcontractors(contract: Contract) -> list[Vendor]:
    """The vendors a contractor user may choose without seeing the city's whole list: those
    already in the contract's chain and those the answered records name, by name."""
    chain = {entry.subcontractor_id for entry in _subcontracts_of(contract)}
    names = record_subcontractor_names(contract)
    candidates = Vendor.objects.exclude(pk=contract.vendor_id).only("pk", "legal_name")
    return [
        vendor
        for vendor in candidates.order_by("legal_name", "id")
        if vendor.pk in chain or any(_names_match(name, vendor.legal_name) for name in names)
    ]


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
    record one (their request); the department approves or refuses it."""
    _require(actor, _edits_or_works_on, contract)
    _check_live(contract)
    scope = _required_text(scope, _("Describe the work sub-contracted."), "scope")
    if parent is not None and parent.contract_id != contract.pk:
        raise ValidationError(
            _("The tier above must be a sub-contractor of the same contract."), code="parent"
        )
    if parent is not None and parent.is_refused:
        raise ValidationError(
            _("The city refused %(name)s: no one can work under it.")
            % {"name": parent.subcontractor.legal_name},
            code="parent",
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
def propose_subcontractor(
    *,
    actor: Any,
    contract: Contract,
    legal_name: str,
    entity_kind: str,
    corporate_number: str = "",
    scope: str,
    parent: SubcontractApproval | None = None,
    request_file: File[Any] | None = None,
) -> SubcontractApproval:
    """The contractor (or the department) asks for a company the city may not know yet: the
    vendor with that 法人番号 if there is one, else a new vendor (audited), then its entry
    as add_subcontract records it — all or nothing."""
    _require(actor, _edits_or_works_on, contract)
    _check_live(contract)
    number = (corporate_number or "").strip()
    number = normalize_corporate_number(number) if number else ""
    subcontractor = Vendor.objects.filter(corporate_number=number).first() if number else None
    if subcontractor is None:
        subcontractor = _create_vendor(
            actor=actor,
            use_case="vendors.propose_subcontractor",
            legal_name=legal_name,
            entity_kind=entity_kind,
            corporate_number=number,
        )
    return add_subcontract(
        actor=actor,
        contract=contract,
        subcontractor=subcontractor,
        scope=scope,
        parent=parent,
        request_file=request_file,
    )


def _locked(approval: SubcontractApproval) -> SubcontractApproval:
    """The entry re-read under a row lock, so that two clicks or a stale page decide once."""
    return (
        SubcontractApproval.objects.select_for_update(of=("self",))
        .select_related("contract", "parent__subcontractor", "subcontractor")
        .get(pk=approval.pk)
    )


def _check_pending(approval: SubcontractApproval) -> None:
    if approval.is_approved:
        raise ValidationError(_("This sub-contractor is already approved."), code="approved")
    if approval.is_refused:
        raise ValidationError(
            _("This sub-outsourcing request has already been refused."), code="refused"
        )


@transaction.atomic
def approve_subcontract(
    *,
    actor: Any,
    approval: SubcontractApproval,
    approved_on: dt.date,
    consultation: Consultation | None = None,
) -> SubcontractApproval:
    """The department (or secretariat) approves a pending entry: needs the 承認願 on file,
    and the parent tier approved first (never under a refused one). The consultation on the
    sub-outsourcing, when the council was consulted, may be linked at the same time."""
    _require(actor, access.may_edit_contract, approval.contract)
    approval = _locked(approval)
    _check_live(approval.contract)
    _check_pending(approval)
    if approval.request_document_id is None:
        raise ValidationError(
            _("The contractor's approval request (承認願) is not on file: it is needed first."),
            code="no_request",
        )
    parent = approval.parent
    if parent is not None and parent.is_refused:
        raise ValidationError(
            _("The tier above (%(name)s) was refused: this one cannot be approved.")
            % {"name": parent.subcontractor},
            code="parent_refused",
        )
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
    changes: dict[str, Any] = {
        "approved_on": approved_on,
        "approved_by": _person(actor, approval.contract.department_id),
    }
    if consultation is not None:
        if consultation.department_id != approval.contract.department_id:
            raise ValidationError(
                _("%(consultation)s is not a consultation of the contract's department.")
                % {"consultation": consultation.label},
                code="department",
            )
        changes["consultation"] = consultation
    return update_audited(approval, actor=actor, use_case="vendors.approve_subcontract", **changes)


@transaction.atomic
def refuse_subcontract(
    *, actor: Any, approval: SubcontractApproval, refused_on: dt.date, reason: str
) -> SubcontractApproval:
    """The department (or secretariat) refuses a pending entry, with its reason: the
    sub-contractor must not work, and nothing under it can be approved."""
    _require(actor, access.may_edit_contract, approval.contract)
    approval = _locked(approval)
    _check_live(approval.contract)
    _check_pending(approval)
    reason = _required_text(reason, _("Enter the reason for the refusal."), "reason")
    _not_in_future(refused_on, _("The date of refusal (%(date)s) is in the future."))
    return update_audited(
        approval,
        actor=actor,
        use_case="vendors.refuse_subcontract",
        refused_on=refused_on,
        refused_by=_person(actor, approval.contract.department_id),
        refusal_reason=reason,
    )
