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
    _edits_or_works_on,
    _not_in_future,
    _parsed,
    _person,
    _removed_on_failure,
    _require,
    _required_text,
    _wareki,
)
from mamori.vendors.services.vendors import store_document


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
