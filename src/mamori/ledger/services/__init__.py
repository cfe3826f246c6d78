"""Use cases of the ledger: one audited function each (see the modules for the details)."""

from __future__ import annotations

from mamori.ledger.services.carry_outs import (
    CarryOutNotAllowed,
    approve_carry_out,
    refuse_carry_out,
    request_carry_out,
    return_carry_out,
)
from mamori.ledger.services.consents import record_consent, record_override, record_provision
from mamori.ledger.services.files import (
    SetupItemInUse,
    add_item_group,
    add_purpose,
    add_recipient,
    create_file,
    delete_setup_item,
    update_file,
)
from mamori.ledger.services.incidents import (
    acknowledge_incident,
    record_incident,
    record_reports,
    report_incident,
    update_incident,
)
from mamori.ledger.services.registrants import (
    create_registrant,
    record_view,
    update_registrant,
)
from mamori.ledger.services.rooms import (
    authorize,
    create_room,
    end_authorization,
    import_entries,
    record_entry,
)

__all__ = [
    "CarryOutNotAllowed",
    "SetupItemInUse",
    "acknowledge_incident",
    "add_item_group",
    "add_purpose",
    "add_recipient",
    "approve_carry_out",
    "authorize",
    "create_file",
    "create_registrant",
    "create_room",
    "delete_setup_item",
    "end_authorization",
    "import_entries",
    "record_consent",
    "record_entry",
    "record_incident",
    "record_override",
    "record_provision",
    "record_reports",
    "record_view",
    "refuse_carry_out",
    "report_incident",
    "request_carry_out",
    "return_carry_out",
    "update_file",
    "update_incident",
    "update_registrant",
]
