"""Admin views of the vendors app (read-mostly: changes go through the pages and services).

Vendors, contracts and what follows their end change only through the pages, whose services
check the rules (the 法人番号's check digit, the answer a contract rests on, the order of a
handover) and record each use case in the audit trail; the admin shows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mamori.audit.admin import AuditedModelAdmin
from mamori.vendors.models import (
    Certification,
    Clause,
    Contract,
    ContractBasis,
    DataHolding,
    DocumentRequest,
    Handover,
    ReminderLog,
    ReturnErasure,
    SubcontractApproval,
    Vendor,
    VendorContact,
    VendorDocument,
    VendorUser,
)


class ViewOnlyAdmin[M: Any](AuditedModelAdmin[M]):
    """Shown in the admin, changed only through the pages' audited use cases."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Vendor)
class VendorAdmin(ViewOnlyAdmin[Vendor]):
    list_display = ("legal_name", "entity_kind", "corporate_number", "address")
    list_filter = ("entity_kind",)
    search_fields = ("legal_name", "corporate_number")


@admin.register(VendorContact)
class VendorContactAdmin(ViewOnlyAdmin[VendorContact]):
    list_display = ("name", "vendor", "title", "phone", "email")
    search_fields = ("name", "vendor__legal_name")
    list_select_related = ("vendor",)


@admin.register(VendorUser)
class VendorUserAdmin(ViewOnlyAdmin[VendorUser]):
    list_display = ("user", "vendor")
    list_select_related = ("user", "vendor")


@admin.register(VendorDocument)
class VendorDocumentAdmin(ViewOnlyAdmin[VendorDocument]):
    list_display = ("title", "vendor", "contract", "kind", "original_name", "size", "uploaded_at")
    list_filter = ("kind",)
    list_select_related = ("vendor", "contract")
    # The file is served only by the vendors pages, which check who may see it.
    exclude = ("file",)


@admin.register(Certification)
class CertificationAdmin(ViewOnlyAdmin[Certification]):
    list_display = ("__str__", "vendor", "kind", "number", "valid_from", "expires_on")
    list_filter = ("kind",)
    list_select_related = ("vendor",)


@admin.register(Contract)
class ContractAdmin(ViewOnlyAdmin[Contract]):
    list_display = ("title", "department", "vendor", "starts_on", "ends_on", "status")
    list_filter = ("status", "procurement_method")
    search_fields = ("title", "number", "vendor__legal_name")
    list_select_related = ("department__parent__parent", "vendor")


@admin.register(ContractBasis)
class ContractBasisAdmin(ViewOnlyAdmin[ContractBasis]):
    list_display = ("__str__", "decision", "answered_version")
    list_select_related = ("contract", "consultation", "decision__consultation", "answered_version")


@admin.register(Clause)
class ClauseAdmin(ViewOnlyAdmin[Clause]):
    list_display = ("__str__", "contract", "present", "reference")
    list_filter = ("kind", "present")
    list_select_related = ("contract",)


@admin.register(DataHolding)
class DataHoldingAdmin(ViewOnlyAdmin[DataHolding]):
    list_display = ("description", "contract", "medium", "location")
    list_filter = ("medium",)
    list_select_related = ("contract",)


@admin.register(SubcontractApproval)
class SubcontractApprovalAdmin(ViewOnlyAdmin[SubcontractApproval]):
    list_display = ("subcontractor", "contract", "parent", "approved_on", "approved_by")
    list_select_related = ("subcontractor", "contract", "parent__subcontractor", "approved_by")


@admin.register(ReturnErasure)
class ReturnErasureAdmin(ViewOnlyAdmin[ReturnErasure]):
    list_display = ("description", "contract", "medium", "action", "due_on", "status")
    list_filter = ("status", "action", "medium")
    list_select_related = ("contract",)


@admin.register(Handover)
class HandoverAdmin(ViewOnlyAdmin[Handover]):
    list_display = ("description", "old_contract", "new_contract", "status")
    list_filter = ("status",)
    list_select_related = ("old_contract", "new_contract")


@admin.register(DocumentRequest)
class DocumentRequestAdmin(ViewOnlyAdmin[DocumentRequest]):
    list_display = ("title", "contract", "due_on", "status", "requested_at")
    list_filter = ("status",)
    list_select_related = ("contract",)


@admin.register(ReminderLog)
class ReminderLogAdmin(ViewOnlyAdmin[ReminderLog]):
    list_display = ("sent_on", "user", "item")
    list_select_related = ("user",)
