"""The contractor and its sub-contractors: who they are, their certifications, their approval,
where they work, and who repairs the equipment that holds personal data.

Not implemented here, for want of data Mamori holds: the "selection evaluation" half of R07
(the record keeps the contractor's certifications, not how it was chosen).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext_noop

from mamori.consultations import handling
from mamori.review.rules import (
    Context,
    Finding,
    Severity,
    blank,
    clause_missing,
    findings_at,
    not_fixed,
    outsourced,
    reference_date,
    row_path,
    rule,
)

SEED_5_CERTIFICATION = gettext_noop(
    "FY2009 3rd meeting, consultation no. 5: members' opinion on a sub-contractor without the "
    "Privacy Mark"
)
SEED_REPAIR = gettext_noop(
    "FY2009 3rd meeting, consultations no. 4 and 5: members' opinions on repairing computers; "
    "Nakano City model clauses, item 6"
)
MODEL_CLAUSE_SUBCONTRACTING = gettext_noop(
    "Model special provisions for outsourcing, art. 7 (sub-contracting only with prior "
    "approval); My Number guidelines"
)
UNIFIED_STANDARDS = gettext_noop(
    "Unified standards for government information security, points to check on "
    "sub-contracting (same obligations)"
)
MIC_SUBSIDIARIES = gettext_noop(
    "Ministry of Internal Affairs and Communications survey (22 October 2018): work given to a "
    "subsidiary is sub-contracting"
)
CONTRACTOR_SELECTION = gettext_noop(
    "PPC Q&A 3-1-1 (choosing a contractor); Oita City bidding conditions (Privacy Mark or ISMS)"
)
NAKANO_NOTICE = gettext_noop(
    "Model special provisions C, art. 5 (notice of staff, work location and data storage "
    "location); Nakano City item 3"
)

# The certifications the council accepts as evidence of a contractor's safeguards.
ACCEPTED = {handling.CertificationKind.PRIVACY_MARK, handling.CertificationKind.ISMS}
HOLDS_EQUIPMENT = (handling.Party.CONTRACTOR, handling.Party.SUBCONTRACTOR)
ABROAD = ("国外", "海外")


def _expired(valid_until: dt.date | None, context: Context) -> bool:
    on = reference_date(context)
    return valid_until is not None and on is not None and valid_until < on


def _pending(sub: handling.Subcontractor) -> bool:
    """Whether the city has not approved the sub-contractor and no approval request is filed."""
    return sub.approved_on is None and not sub.approval_request_on_file


@rule(
    "R04",
    title=gettext_noop("Sub-contracting without the city's prior approval"),
    severity=Severity.MUST_FIX,
    source=MODEL_CLAUSE_SUBCONTRACTING,
)
def subcontractor_not_approved(context: Context) -> Iterator[Finding]:
    """A sub-contractor (not a subsidiary, see R06) is neither approved nor asked about."""
    for sub in context.record.outsourcing.subcontractors:
        if not sub.subsidiary and _pending(sub):
            yield from findings_at(
                "R04",
                [row_path("outsourcing.subcontractors", sub, "approved_on")],
                gettext_noop(
                    "%(name)s has neither the city's approval nor an approval request on file: "
                    "sub-contracting needs the city's prior approval."
                ),
                name=sub.name,
            )


@rule(
    "R05",
    title=gettext_noop("Sub-contractor's obligations not recorded"),
    severity=Severity.MUST_FIX,
    source=UNIFIED_STANDARDS,
)
def subcontractor_obligations(context: Context) -> Iterator[Finding]:
    """A sub-contractor is not declared bound by the same obligations as the contractor."""
    for sub in context.record.outsourcing.subcontractors:
        if sub.same_obligations is not True:
            yield from findings_at(
                "R05",
                [row_path("outsourcing.subcontractors", sub, "same_obligations")],
                gettext_noop(
                    "%(field)s is not confirmed for %(name)s: bind the sub-contractor by the "
                    "same obligations as the contractor, within the work it does."
                ),
                name=sub.name,
            )


@rule(
    "R06",
    title=gettext_noop("A subsidiary treated as if it were not a sub-contractor"),
    severity=Severity.MUST_FIX,
    source=MIC_SUBSIDIARIES,
)
def subsidiary_not_approved(context: Context) -> Iterator[Finding]:
    """Work given to the contractor's subsidiary goes without the approval sub-contracting needs."""
    for sub in context.record.outsourcing.subcontractors:
        if sub.subsidiary and _pending(sub):
            yield from findings_at(
                "R06",
                [row_path("outsourcing.subcontractors", sub, "approved_on")],
                gettext_noop(
                    "%(name)s is a subsidiary of the contractor, but giving it work is "
                    "sub-contracting all the same: it needs the city's prior approval."
                ),
                name=sub.name,
            )


@rule(
    "R07",
    title=gettext_noop("Contractor without a valid Privacy Mark or ISMS"),
    severity=Severity.EXPLAIN,
    source=CONTRACTOR_SELECTION,
)
def contractor_certification(context: Context) -> Iterator[Finding]:
    """The chosen contractor holds neither certification, or its certification has expired."""
    work = context.record.outsourcing
    if not work.outsourced or blank(work.contractor):
        return
    if not ACCEPTED.intersection(work.contractor_certifications):
        yield from findings_at(
            "R07",
            ["outsourcing.contractor_certifications"],
            gettext_noop(
                "The contractor holds neither the Privacy Mark nor ISMS: explain how its "
                "safeguards were checked when it was chosen."
            ),
        )
    elif _expired(work.contractor_certification_expires, context):
        yield from findings_at(
            "R07",
            ["outsourcing.contractor_certification_expires"],
            gettext_noop(
                "The contractor's certification expired before the council's meeting: give "
                "the renewed certification, or explain."
            ),
        )


@rule(
    "R08",
    title=gettext_noop("Sub-contractor without a valid Privacy Mark or ISMS"),
    severity=Severity.EXPLAIN,
    source=SEED_5_CERTIFICATION,
)
def subcontractor_certification(context: Context) -> Iterator[Finding]:
    """A sub-contractor holds neither certification, or its certification has expired."""
    for sub in context.record.outsourcing.subcontractors:
        if not ACCEPTED.intersection(sub.certifications):
            yield from findings_at(
                "R08",
                [row_path("outsourcing.subcontractors", sub, "certifications")],
                gettext_noop(
                    "%(name)s holds neither the Privacy Mark nor ISMS: explain what was checked "
                    "instead (its safeguards, who repairs its equipment, its staff)."
                ),
                name=sub.name,
            )
        elif _expired(sub.certification_expires, context):
            yield from findings_at(
                "R08",
                [row_path("outsourcing.subcontractors", sub, "certification_expires")],
                gettext_noop(
                    "The certification of %(name)s expired before the council's meeting: give "
                    "the renewed certification, or explain."
                ),
                name=sub.name,
            )


@rule(
    "R13",
    title=gettext_noop("Equipment holding personal data with no repair policy"),
    severity=Severity.MUST_FIX,
    source=SEED_REPAIR,
)
def equipment_repair(context: Context) -> Iterator[Finding]:
    """The contractor manages equipment with personal data, and its repair is not governed."""
    record = context.record
    work = record.outsourcing
    if not work.outsourced or record.form.medium.value == handling.Medium.PAPER:
        return
    if blank(work.equipment_managed_by):
        yield from findings_at(
            "R13",
            ["outsourcing.equipment_managed_by"],
            gettext_noop(
                "%(field)s is not answered: say who installs and manages the equipment that "
                "holds the personal data."
            ),
        )
        return
    if work.equipment_managed_by.value not in HOLDS_EQUIPMENT:
        return
    if blank(work.repair_policy):
        yield from findings_at(
            "R13",
            ["outsourcing.repair_policy"],
            gettext_noop(
                "The contractor manages the equipment, but %(field)s is not stated: say who "
                "repairs it, under what confidentiality, and what happens to replaced parts."
            ),
        )
    if clause_missing(record.safeguards.device_repair_disposal):
        yield from findings_at(
            "R13",
            ["safeguards.device_repair_disposal"],
            gettext_noop(
                "The contractor manages the equipment, but the contract has no clause on "
                "confidentiality and erasure when it is repaired or disposed of (%(field)s)."
            ),
        )


@rule(
    "R20",
    title=gettext_noop("Staff, work location or data storage location not notified"),
    severity=Severity.MUST_FIX,
    source=NAKANO_NOTICE,
)
def places_and_staff(context: Context) -> Iterator[Finding]:
    """The work location, where the data is stored, or the staff list is not declared."""
    record = context.record
    if not outsourced(context):
        return
    missing = []
    if blank(record.outsourcing.work_location):
        missing.append("outsourcing.work_location")
    if record.form.medium.value != handling.Medium.PAPER and blank(
        record.outsourcing.data_storage_location
    ):
        missing.append("outsourcing.data_storage_location")
    if clause_missing(record.safeguards.staff_list):
        missing.append("safeguards.staff_list")
    yield from findings_at(
        "R20",
        missing,
        gettext_noop(
            "%(field)s is not stated: the contractor must notify the person in charge, the "
            "staff, where the work is done and where the data is stored."
        ),
    )


@rule(
    "R21",
    title=gettext_noop("Work or storage location abroad or not settled"),
    severity=Severity.EXPLAIN,
    source=NAKANO_NOTICE,
)
def places_to_confirm(context: Context) -> Iterator[Finding]:
    """The work or storage location is only planned, undecided, or abroad."""
    if not outsourced(context):
        return
    work = context.record.outsourcing
    for name in ("work_location", "data_storage_location"):
        place: handling.ShortFact = getattr(work, name)
        if blank(place):
            continue  # R20 asks for it
        abroad = any(word in (place.value or "") for word in ABROAD)
        if abroad or not_fixed(place):
            yield from findings_at(
                "R21",
                [f"outsourcing.{name}"],
                gettext_noop(
                    "%(field)s is abroad or not yet settled: confirm where the personal data "
                    "will be handled and kept, and which law applies there."
                ),
            )
