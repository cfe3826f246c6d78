"""Contract safeguards (特記事項): the clauses an outsourcing contract must carry.

Every rule here applies only when the work is outsourced. A clause counts as present when the
department answers "in the contract" (`present is True`); an unanswered clause is a finding
too. The clause on carry-out is checked with the carry-out rules (R10), transport with R12,
repair and disposal of equipment with R13, the staff list with R20.

Not implemented, for want of data Mamori holds: compliance with the relevant laws (C20) and
limits on access rights (C12), which the record does not ask about.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_noop

from mamori.consultations import handling
from mamori.review.rules import (
    Context,
    Finding,
    Severity,
    blank,
    clause_missing,
    findings_at,
    outsourced,
    rule,
)

SEED_4_PENALTY = gettext_noop(
    "FY2009 3rd meeting, consultation no. 4: members' opinion on penalties for contractor staff "
    "equal to city staff; Saga Prefecture; unified standards"
)
SEED_4_RETURN = gettext_noop(
    "FY2009 3rd meeting, consultation no. 4: members' opinion on returning or erasing the data "
    "at the end; Suginami City item 7"
)
SEED_4_HANDOVER = gettext_noop(
    "FY2009 3rd meeting, consultation no. 4: members' opinion on handover between contractors"
)
SEED_4_ERASURE = gettext_noop(
    "FY2009 3rd meeting, consultation no. 4: members' opinion on data left with a former "
    "contractor; Nakano City item 6 (physical erasure); JIS Q 15001"
)
SPECIAL_PROVISIONS = gettext_noop(
    "Shikama Town standards art. 4; Hirono Town standards (special provisions in every "
    "outsourcing contract)"
)
MODEL_CLAUSES = gettext_noop(
    "Model special provisions for outsourcing personal data (confidentiality, staff, copying, "
    "sub-contracting); national guidance on supervising contractors"
)
SUGINAMI_INCIDENTS = gettext_noop(
    "Suginami City item 9 (reporting incidents); My Number guidelines"
)
SUGINAMI_AUDIT = gettext_noop("Suginami City item 8 (on-site inspection)")
STAFF_GUIDANCE = gettext_noop(
    "Model special provisions B, art. 6; Nakano City; Aichi Prefecture art. 3 (staff "
    "confidentiality and training)"
)
PPC_PURPOSE = gettext_noop("PPC Q&A 3-1-1 (no use outside the outsourced work)")
PERIODIC_REPORTS = gettext_noop("My Number guidelines (periodic reports); JIS Q 15001")

# The clauses every outsourcing contract needs whatever the data's form; the medium-specific
# return clauses are chosen by `_return_clauses`.
PAPER_ONLY = handling.Medium.PAPER
ELECTRONIC_ONLY = handling.Medium.ELECTRONIC


def _missing(context: Context, rule_id: str, names: Iterable[str], message: str) -> list[Finding]:
    """The findings of a clause rule: one per named clause not declared present."""
    if not outsourced(context):
        return []
    safeguards = context.record.safeguards
    paths = [f"safeguards.{name}" for name in names if clause_missing(getattr(safeguards, name))]
    return list(findings_at(rule_id, paths, message))


MISSING_CLAUSE = gettext_noop(
    "%(field)s is not in the contract: add it to the special provisions, or explain."
)


@rule(
    "R03",
    title=gettext_noop("Outsourcing without special provisions in the contract"),
    severity=Severity.MUST_FIX,
    source=SPECIAL_PROVISIONS,
)
def special_provisions(context: Context) -> Iterator[Finding]:
    """Work is outsourced, yet no safeguard is declared with its clause in the contract."""
    if not outsourced(context):
        return
    clauses = [
        getattr(context.record.safeguards, name) for name in handling.Safeguards.model_fields
    ]
    if not any(c.present is True and not blank(c.reference) for c in clauses):
        yield from findings_at(
            "R03",
            ["safeguards"],
            gettext_noop(
                "Work is outsourced, but no safeguard is cited from the contract: attach the "
                "special provisions (特記事項) or the security agreement and cite their clauses."
            ),
        )


@rule(
    "S02",
    title=gettext_noop("No confidentiality clause"),
    severity=Severity.MUST_FIX,
    source=MODEL_CLAUSES,
)
def confidentiality(context: Context) -> list[Finding]:
    """The contract does not bind the contractor to confidentiality, during and after it."""
    return _missing(context, "S02", ["confidentiality"], MISSING_CLAUSE)


@rule(
    "R09",
    title=gettext_noop("No ban on copying without the city's consent"),
    severity=Severity.MUST_FIX,
    source=MODEL_CLAUSES,
)
def copy_prohibition(context: Context) -> list[Finding]:
    """The contract does not forbid copying personal data without the city's consent."""
    return _missing(context, "R09", ["copy_prohibition"], MISSING_CLAUSE)


def _return_clauses(record: handling.HandlingRecord) -> list[str]:
    """The return-or-erasure clauses the record's form needs (both while the form is unknown)."""
    medium = record.form.medium.value
    names = []
    if medium != ELECTRONIC_ONLY:
        names.append("return_or_erasure_paper")
    if medium != PAPER_ONLY:
        names.append("return_or_erasure_electronic")
    return names


@rule(
    "R14",
    title=gettext_noop("No return or erasure at the end, for paper or for electronic data"),
    severity=Severity.MUST_FIX,
    source=SEED_4_RETURN,
)
def return_or_erasure(context: Context) -> Iterator[Finding]:
    """The contract does not make the contractor return or erase every form of the data."""
    yield from _missing(
        context,
        "R14",
        _return_clauses(context.record),
        gettext_noop(
            "%(field)s is not in the contract: at the end of the work the contractor must "
            "return or erase all the personal data it keeps, on paper and electronic alike."
        ),
    )
    if outsourced(context) and blank(context.record.retention.end_of_contract):
        yield from findings_at(
            "R14",
            ["retention.end_of_contract"],
            gettext_noop(
                "%(field)s is not stated: say what is returned or erased when the contract "
                "ends, and by when."
            ),
        )


@rule(
    "R15",
    title=gettext_noop("No erasure method or certificate of erasure"),
    severity=Severity.EXPLAIN,
    source=SEED_4_ERASURE,
)
def erasure_certificate(context: Context) -> list[Finding]:
    """The contract does not say how data is erased nor require a certificate of erasure."""
    return _missing(
        context,
        "R15",
        ["erasure_certificate"],
        gettext_noop(
            "%(field)s is not in the contract: without it the city cannot confirm that a "
            "former contractor kept no personal data."
        ),
    )


@rule(
    "R16",
    title=gettext_noop("Handover between contractors not routed through the city"),
    severity=Severity.EXPLAIN,
    source=SEED_4_HANDOVER,
)
def handover_via_city(context: Context) -> Iterator[Finding]:
    """Data passing from a former to a new contractor is not routed through the city."""
    if not outsourced(context):
        return
    handover = context.record.safeguards.handover_via_city
    if clause_missing(handover):
        yield from findings_at(
            "R16",
            ["safeguards.handover_via_city"],
            gettext_noop(
                "%(field)s is not in the contract: when the contractor changes, the former "
                "contractor returns the data to the city and the city gives it to the new one."
            ),
        )
    elif blank(handover.reference):
        yield from findings_at(
            "R16",
            ["safeguards.handover_via_city.reference"],
            gettext_noop(
                "The handover through the city is stated as a principle only: cite the clause "
                "of the contract that fixes it (%(field)s)."
            ),
        )


@rule(
    "R17",
    title=gettext_noop("No duty to report incidents"),
    severity=Severity.MUST_FIX,
    source=SUGINAMI_INCIDENTS,
)
def incident_reporting(context: Context) -> list[Finding]:
    """The contract does not oblige the contractor to report a leak or other incident."""
    return _missing(context, "R17", ["incident_reporting"], MISSING_CLAUSE)


@rule(
    "R18",
    title=gettext_noop("No right to audit or inspect"),
    severity=Severity.MUST_FIX,
    source=SUGINAMI_AUDIT,
)
def audit_rights(context: Context) -> list[Finding]:
    """The contract gives the city no right to audit or inspect the contractor on site."""
    return _missing(context, "R18", ["audit_rights"], MISSING_CLAUSE)


@rule(
    "R19",
    title=gettext_noop("No confidentiality or training of contractor staff"),
    severity=Severity.MUST_FIX,
    source=STAFF_GUIDANCE,
)
def staff_duties(context: Context) -> list[Finding]:
    """The contract binds the contractor's staff to no confidentiality, or no training."""
    return _missing(context, "R19", ["staff_confidentiality", "staff_training"], MISSING_CLAUSE)


@rule(
    "S03",
    title=gettext_noop("Sub-contracting allowed without the city's prior approval"),
    severity=Severity.MUST_FIX,
    source=MODEL_CLAUSES,
)
def subcontracting_approval(context: Context) -> list[Finding]:
    """The contract does not make sub-contracting depend on the city's prior approval."""
    return _missing(context, "S03", ["subcontracting_approval"], MISSING_CLAUSE)


@rule(
    "R22",
    title=gettext_noop("No penalties for contractor staff, no measures on breach"),
    severity=Severity.MUST_FIX,
    source=SEED_4_PENALTY,
)
def penalties(context: Context) -> list[Finding]:
    """Contractor staff are not liable as city staff are, or a breach has no consequence."""
    return _missing(context, "R22", ["penalty_equal_to_staff"], PENALTY_MISSING) + _missing(
        context, "R22", ["breach_sanctions"], SANCTIONS_MISSING
    )


PENALTY_MISSING = gettext_noop(
    "%(field)s is not in the contract: contractor staff who leak personal data must be liable "
    "as city staff are."
)
SANCTIONS_MISSING = gettext_noop(
    "%(field)s is not in the contract: a breach by the contractor must allow the city to "
    "terminate the contract, claim damages and publish the breach."
)


@rule(
    "R30",
    title=gettext_noop("No ban on use or provision outside the contract's purpose"),
    severity=Severity.MUST_FIX,
    source=PPC_PURPOSE,
)
def purpose_limitation(context: Context) -> list[Finding]:
    """The contract does not forbid using the data for anything but the outsourced work."""
    return _missing(context, "R30", ["purpose_limitation"], MISSING_CLAUSE)


@rule(
    "S05",
    title=gettext_noop("No periodic reports on the handling"),
    severity=Severity.EXPLAIN,
    source=PERIODIC_REPORTS,
)
def periodic_report(context: Context) -> list[Finding]:
    """The contract does not ask the contractor for periodic reports on the handling."""
    return _missing(context, "S05", ["periodic_report"], MISSING_CLAUSE)


@rule(
    "S07",
    title=gettext_noop("A safeguard declared without its clause"),
    severity=Severity.EXPLAIN,
    source=SPECIAL_PROVISIONS,
)
def clause_reference(context: Context) -> Iterator[Finding]:
    """A clause is declared in the contract without saying where (R16 covers the handover)."""
    if not outsourced(context):
        return
    safeguards = context.record.safeguards
    for name in handling.Safeguards.model_fields:
        clause: handling.Clause = getattr(safeguards, name)
        if name != "handover_via_city" and clause.present is True and blank(clause.reference):
            yield from findings_at(
                "S07",
                [f"safeguards.{name}.reference"],
                gettext_noop(
                    "%(field)s is empty: cite the article of the contract, the specification "
                    "or the security agreement where this safeguard is written."
                ),
            )
