"""Use cases of the vendors app: one audited function each (see DESIGN.md).

Every function takes a keyword-only ``actor``, checks the actor's role through
``mamori.vendors.access``, runs in one transaction, writes through
``mamori.audit.writes`` and raises ``ValidationError`` (a Japanese message) on bad input
or ``PermissionDenied`` on a role that may not do it. Nothing is half-saved on error; a
file stored before a failed write is deleted again. ``actor=None`` is the system itself
(the demo loader, commands), as in the consultations app: it passes every role check and
rows that need a person are credited to a member of the department's staff.

The use cases live in modules by theme: ``vendors`` (the corporate number, vendors, contacts,
contractor users, documents, certifications), ``contracts`` (contracts, clauses, holdings, clause
gaps, contract flags), ``subcontracts`` (the sub-outsourcing tree, its flags, adding and approving)
and ``endings`` (the end of a contract, returns and erasures, handovers, document requests); the
helpers they share are in ``_shared``. Every public name is re-exported here.
"""

from __future__ import annotations

from mamori.vendors.services.contracts import (
    APPROVING_RESULTS,
    CONTRACT_FIELDS,
    SAFEGUARD_CLAUSES,
    ClauseGap,
    ContractFlags,
    add_holding,
    clause_gaps,
    contract_flags_for_consultation,
    create_contract,
    remove_holding,
    set_clauses,
    update_contract,
)
from mamori.vendors.services.endings import (
    HANDOVER_ORDER,
    HANDOVER_STEPS,
    end_contract,
    erasure_due_on,
    file_certificate,
    file_requested_document,
    open_handover,
    plan_return_erasure,
    record_direct_transfer,
    record_handover_step,
    request_document,
    send_back_certificate,
    verify_return_erasure,
)
from mamori.vendors.services.subcontracts import (
    SubcontractFlag,
    SubcontractNode,
    add_subcontract,
    approve_subcontract,
    proposable_subcontractors,
    propose_subcontractor,
    record_subcontractor_names,
    refuse_subcontract,
    subcontract_flags,
    subcontract_tree,
    walk,
)
from mamori.vendors.services.vendors import (
    MAX_CAPITAL_YEN,
    SEPARATORS,
    VENDOR_FIELDS,
    add_certification,
    add_contact,
    confirm_certification,
    corporate_number_check_digit,
    create_vendor,
    link_contractor_user,
    normalize_corporate_number,
    remove_certification,
    remove_contact,
    store_document,
    update_vendor,
)

__all__ = [
    "APPROVING_RESULTS",
    "CONTRACT_FIELDS",
    "HANDOVER_ORDER",
    "HANDOVER_STEPS",
    "MAX_CAPITAL_YEN",
    "SAFEGUARD_CLAUSES",
    "SEPARATORS",
    "VENDOR_FIELDS",
    "ClauseGap",
    "ContractFlags",
    "SubcontractFlag",
    "SubcontractNode",
    "add_certification",
    "add_contact",
    "add_holding",
    "add_subcontract",
    "approve_subcontract",
    "clause_gaps",
    "confirm_certification",
    "contract_flags_for_consultation",
    "corporate_number_check_digit",
    "create_contract",
    "create_vendor",
    "end_contract",
    "erasure_due_on",
    "file_certificate",
    "file_requested_document",
    "link_contractor_user",
    "normalize_corporate_number",
    "open_handover",
    "plan_return_erasure",
    "proposable_subcontractors",
    "propose_subcontractor",
    "record_direct_transfer",
    "record_handover_step",
    "record_subcontractor_names",
    "refuse_subcontract",
    "remove_certification",
    "remove_contact",
    "remove_holding",
    "request_document",
    "send_back_certificate",
    "set_clauses",
    "store_document",
    "subcontract_flags",
    "subcontract_tree",
    "update_contract",
    "update_vendor",
    "verify_return_erasure",
    "walk",
]
