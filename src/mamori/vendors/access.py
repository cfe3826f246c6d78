"""Who may see and change vendors, contracts and what follows their end.

The secretariat and auditors see everything (auditors only read); department staff see
every vendor (they choose contractors from one list) but only their departments'
contracts; a contractor user sees its own vendor and that vendor's contracts only.
Council members and the public see nothing here.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from mamori.core.access import department_ids_of, require
from mamori.vendors.models import (
    Contract,
    DocumentRequest,
    Handover,
    ReturnErasure,
    SubcontractApproval,
    Vendor,
    VendorDocument,
)


def vendor_of(user: Any) -> Vendor | None:
    """The vendor a contractor user works for, or None."""
    if not user.is_contractor:
        return None
    link = getattr(user, "vendor_link", None)
    return link.vendor if link is not None else None


def may_read_vendors(user: Any) -> bool:
    return bool(
        user.is_secretariat or user.is_auditor or user.is_department_staff or user.is_contractor
    )


def vendors_visible_to(user: Any) -> QuerySet[Vendor]:
    """Every vendor for the city's staff; a contractor its own vendor only."""
    require(may_read_vendors(user))
    if user.is_contractor:
        vendor = vendor_of(user)
        return Vendor.objects.filter(pk=vendor.pk) if vendor else Vendor.objects.none()
    return Vendor.objects.all()


def may_edit_vendor(user: Any, vendor: Vendor) -> bool:
    """The secretariat; department staff for a vendor working under one of their departments'
    contracts (as contractor or sub-contractor), or one no department works with yet — so
    that one department cannot change what another's contract relies on."""
    if user.is_secretariat:
        return True
    if not user.is_department_staff:
        return False
    if vendor.pk is None:
        return True
    works_for = Contract.objects.filter(Q(vendor=vendor) | Q(subcontracts__subcontractor=vendor))
    if not works_for.exists():
        return True
    return works_for.filter(department_id__in=department_ids_of(user)).exists()


def may_add_vendor(user: Any) -> bool:
    """The secretariat and department staff add vendors to the list."""
    return bool(user.is_secretariat or user.is_department_staff)


def may_confirm_certification(user: Any, vendor: Vendor) -> bool:
    """City staff who may edit the vendor confirm its certifications against their evidence."""
    return may_edit_vendor(user, vendor)


def may_add_certification(user: Any, vendor: Vendor) -> bool:
    """The city's staff, or the vendor's own users filing a renewal."""
    own = vendor_of(user)
    return may_edit_vendor(user, vendor) or (own is not None and own.pk == vendor.pk)


def get_vendor_for_user(user: Any, vendor_id: int, *, write: bool = False) -> Vendor:
    """A vendor the user may see (or, with write, change), else 404/403."""
    vendor = vendors_visible_to(user).filter(pk=vendor_id).first()
    if vendor is None:
        require(not Vendor.objects.filter(pk=vendor_id).exists())
        raise Http404
    if write:
        require(may_edit_vendor(user, vendor))
    return vendor


def contracts_visible_to(user: Any) -> QuerySet[Contract]:
    """All for the secretariat and auditors; staff their departments'; a contractor its own."""
    require(may_read_vendors(user))
    contracts = Contract.objects.select_related("vendor", "department__parent")
    if user.is_secretariat or user.is_auditor:
        return contracts
    if user.is_department_staff:
        return contracts.of_departments(department_ids_of(user))
    vendor = vendor_of(user)
    return contracts.filter(vendor_id=vendor.pk) if vendor else contracts.none()


def may_edit_contract(user: Any, contract: Contract) -> bool:
    """The secretariat, or staff of the contract's department."""
    return bool(
        user.is_secretariat
        or (user.is_department_staff and contract.department_id in department_ids_of(user))
    )


def get_contract_for_user(user: Any, contract_id: int, *, write: bool = False) -> Contract:
    """A contract the user may see (or, with write, change), else 404/403."""
    contract = contracts_visible_to(user).filter(pk=contract_id).first()
    if contract is None:
        require(not Contract.objects.filter(pk=contract_id).exists())
        raise Http404
    if write:
        require(may_edit_contract(user, contract))
    return contract


def get_subcontract_for_user(
    user: Any, approval_id: int, *, write: bool = False
) -> SubcontractApproval:
    """A sub-outsourcing entry of a contract the user may see (or change)."""
    approval = SubcontractApproval.objects.select_related("contract").filter(pk=approval_id).first()
    if approval is None:
        raise Http404
    get_contract_for_user(user, approval.contract_id, write=write)
    return approval


def erasures_visible_to(user: Any) -> QuerySet[ReturnErasure]:
    """Return-or-erasure tasks of the contracts the user may see."""
    return ReturnErasure.objects.filter(contract__in=contracts_visible_to(user)).select_related(
        "contract__vendor", "contract__department__parent"
    )


def may_file_certificate(user: Any, task: ReturnErasure) -> bool:
    """The contractor whose data it is, or the department that received a paper certificate."""
    own = vendor_of(user)
    return may_edit_contract(user, task.contract) or (
        own is not None and own.pk == task.contract.vendor_id
    )


def may_verify(user: Any, task: ReturnErasure) -> bool:
    """The department (or the secretariat) checks the certificate; never the contractor."""
    return may_edit_contract(user, task.contract)


def get_erasure_for_user(user: Any, task_id: int) -> ReturnErasure:
    """A return-or-erasure task the user may see, else 404/403."""
    task = erasures_visible_to(user).filter(pk=task_id).first()
    if task is None:
        require(not ReturnErasure.objects.filter(pk=task_id).exists())
        raise Http404
    return task


def get_handover_for_user(user: Any, handover_id: int, *, write: bool = False) -> Handover:
    """A handover whose old or new contract the user may see (or, with write, change)."""
    visible = contracts_visible_to(user)
    handover = (
        Handover.objects.select_related("old_contract", "new_contract")
        .filter(Q(old_contract__in=visible) | Q(new_contract__in=visible), pk=handover_id)
        .first()
    )
    if handover is None:
        require(not Handover.objects.filter(pk=handover_id).exists())
        raise Http404
    if write:
        require(may_edit_contract(user, handover.old_contract))
    return handover


def get_document_request_for_user(user: Any, request_id: int) -> DocumentRequest:
    """A document request of a contract the user may see, else 404/403."""
    request = (
        DocumentRequest.objects.select_related("contract")
        .filter(contract__in=contracts_visible_to(user), pk=request_id)
        .first()
    )
    if request is None:
        require(not DocumentRequest.objects.filter(pk=request_id).exists())
        raise Http404
    return request


def may_file_requested_document(user: Any, request: DocumentRequest) -> bool:
    """The contractor asked, or the department filing what it received on paper."""
    own = vendor_of(user)
    return may_edit_contract(user, request.contract) or (
        own is not None and own.pk == request.contract.vendor_id
    )


def get_document_for_user(user: Any, document_id: int) -> VendorDocument:
    """A stored file, if its contract (or, without one, its vendor) is visible to the user."""
    document = VendorDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise Http404
    if document.contract_id is not None:
        require(contracts_visible_to(user).filter(pk=document.contract_id).exists())
    else:
        require(vendors_visible_to(user).filter(pk=document.vendor_id).exists())
    return document
