"""The signed-in home page: what each role has to do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mamori.consultations.access import consultations_visible_to, follow_ups_visible_to
from mamori.consultations.models import Consultation
from mamori.council.access import meetings_visible_to
from mamori.ledger import access as ledger_access
from mamori.ledger.deadlines import incident_duties, report_outstanding_q
from mamori.ledger.models import CarryOut, EntryRecord, Incident
from mamori.vendors import services
from mamori.vendors.access import contracts_visible_to, erasures_visible_to
from mamori.vendors.models import (
    Contract,
    ContractBasis,
    DocumentRequest,
    Handover,
    ReturnErasure,
    ReturnErasureQuerySet,
    SubcontractApproval,
    Vendor,
)
from mamori.vendors.reminders import expiring_certifications

HOME_LIST_LIMIT = 10
# Entries flagged within this many days, and provisions under a legal exception within this
# many, show on the home page.
FLAGGED_ENTRIES_DAYS = 7
OVERRIDES_DAYS = 90
# Documents filed by contractors stay on the home page this many days.
SUBMITTED_DOCUMENTS_DAYS = 30
# A consultation still before the council's answer.
NOT_YET_ANSWERED = [
    Consultation.Status.DRAFT,
    Consultation.Status.SUBMITTED,
    Consultation.Status.RETURNED,
    Consultation.Status.ON_AGENDA,
    Consultation.Status.DELIBERATING,
    Consultation.Status.CONTINUED,
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Upcoming and recent meetings, open consultations, follow-ups and contract tasks, by role."""
    user: Any = request.user
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today}
    if user.is_secretariat or user.is_council_member:
        context["meetings"] = meetings_visible_to(user)[:5]
    if user.is_secretariat or user.is_department_staff or user.is_council_member:
        context["consultations"] = consultations_visible_to(user).filter(
            status__in=NOT_YET_ANSWERED
        )[:HOME_LIST_LIMIT]
    if user.is_secretariat or user.is_department_staff:
        follow_ups = follow_ups_visible_to(user).open()
        context["follow_ups"] = follow_ups[:HOME_LIST_LIMIT]
        context["overdue"] = follow_ups.overdue(today).count()
        context.update(_erasures_to_watch(user, today))
        context.update(_contracts_to_watch(user, today))
        context.update(_ledger_to_watch(user, today))
    if user.is_secretariat:
        context.update(_overrides_to_watch(user, today))
    if user.is_contractor:
        context.update(_contractor_to_do(user))
        context.update(_carry_outs_overdue(user))
        context["may_report_incident"] = ledger_access.may_report_incident(user)
        context["contractor_reports_unacknowledged"] = (
            ledger_access.incidents_visible_to(user)
            .filter(Incident.AWAITING_ACKNOWLEDGEMENT, status=Incident.Status.OPEN)
            .count()
        )
    return render(request, "core/home.html", context)


def _erasures_to_watch(user: Any, today: dt.date) -> dict[str, Any]:
    """Overdue return-or-erasure tasks, and certificates awaiting verification, of the
    contracts the secretariat or the department sees."""
    tasks = cast(
        ReturnErasureQuerySet,
        erasures_visible_to(user).select_related("contract__department__parent__parent"),
    )
    overdue = tasks.overdue(today).order_by("due_on", "id")
    submitted = tasks.filter(status=ReturnErasure.Status.SUBMITTED).order_by("submitted_at", "id")
    return {
        "erasures_overdue": list(overdue[:HOME_LIST_LIMIT]),
        "erasures_overdue_count": overdue.count(),
        "erasures_submitted": list(submitted[:HOME_LIST_LIMIT]),
        "erasures_submitted_count": submitted.count(),
    }


@dataclass(frozen=True)
class ContractWarning:
    """A contract in force that needs attention: promised clauses missing, or data that passed
    directly between contractors."""

    contract: Contract
    missing_clauses: list[str]
    direct_transfer: bool


def _bounded(rows: QuerySet[Any]) -> tuple[list[Any], int]:
    return list(rows[:HOME_LIST_LIMIT]), rows.count()


def _contracts_to_watch(user: Any, today: dt.date) -> dict[str, Any]:
    """What the contractors did or lack, on the contracts the user sees: sub-outsourcing
    awaiting approval, documents filed lately, contracts with warnings, certifications
    expiring. Each list is bounded; its full count is given."""
    visible = contracts_visible_to(user)
    pending, pending_count = _bounded(
        SubcontractApproval.objects.filter(
            contract__in=visible, approved_on__isnull=True, refused_on__isnull=True
        )
        .select_related("contract", "subcontractor")
        .order_by("id")
    )
    since = timezone.now() - dt.timedelta(days=SUBMITTED_DOCUMENTS_DAYS)
    documents, documents_count = _bounded(
        DocumentRequest.objects.filter(
            contract__in=visible,
            status=DocumentRequest.Status.SUBMITTED,
            document__uploaded_at__gte=since,
        )
        .select_related("contract__vendor", "document")
        .order_by("-document__uploaded_at", "-id")
    )
    warnings = _contract_warnings(visible)
    live = Contract.objects.live(today).filter(pk__in=visible.values("pk"))
    vendors = Vendor.objects.filter(
        Q(contracts__in=live)
        | Q(sub_contracts__contract__in=live, sub_contracts__approved_on__isnull=False)
    )
    certifications, certifications_count = _bounded(
        expiring_certifications(today, settings.MAMORI_CERTIFICATION_WARNING_DAYS)
        .filter(vendor__in=vendors.values("pk"))
        .select_related("vendor")
        .order_by("expires_on", "id")
    )
    return {
        "subcontracts_pending": pending,
        "subcontracts_pending_count": pending_count,
        "documents_submitted": documents,
        "documents_submitted_count": documents_count,
        "contracts_warned": warnings[:HOME_LIST_LIMIT],
        "contracts_warned_count": len(warnings),
        "certifications_expiring": certifications,
        "certifications_expiring_count": certifications_count,
        "submitted_documents_days": SUBMITTED_DOCUMENTS_DAYS,
    }


def _contract_warnings(visible: QuerySet[Contract]) -> list[ContractWarning]:
    """The user's contracts not yet ended with clause gaps against the answered record, or a
    direct transfer between contractors (not compliant, even if the city's steps followed).
    Only contracts resting on an answered record can have gaps: the others are not read."""
    direct = Handover.objects.filter(
        Q(status=Handover.Status.DIRECT) | Q(direct_transfer_on__isnull=False)
    )
    candidates = (
        visible.filter(status=Contract.Status.LIVE)
        .annotate(
            has_direct=Exists(direct.filter(old_contract=OuterRef("pk")))
            | Exists(direct.filter(new_contract=OuterRef("pk"))),
            has_record=Exists(
                ContractBasis.objects.filter(
                    contract=OuterRef("pk"), answered_version__isnull=False
                )
            ),
        )
        .filter(Q(has_direct=True) | Q(has_record=True))
        .select_related("vendor")
        .prefetch_related(
            Prefetch(
                "bases",
                queryset=ContractBasis.objects.select_related("consultation", "answered_version"),
            ),
            "clauses",
        )
        .order_by("ends_on", "id")
    )
    warnings = []
    for contract in candidates:
        gaps = services.clause_gaps(contract) if contract.has_record else []
        if gaps or contract.has_direct:
            warnings.append(
                ContractWarning(
                    contract=contract,
                    missing_clauses=list(dict.fromkeys(str(gap.kind.label) for gap in gaps)),
                    direct_transfer=bool(contract.has_direct),
                )
            )
    return warnings


def _contractor_to_do(user: Any) -> dict[str, Any]:
    """What a contractor user has to file: certificates, and documents asked of it."""
    tasks = erasures_visible_to(user).filter(status=ReturnErasure.Status.OPEN)
    requests = (
        DocumentRequest.objects.filter(
            contract__in=contracts_visible_to(user), status=DocumentRequest.Status.OPEN
        )
        .select_related("contract")
        .order_by("due_on", "id")
    )
    return {
        "certificates_to_file": list(tasks.order_by("due_on", "id")[:HOME_LIST_LIMIT]),
        "documents_to_file": list(requests[:HOME_LIST_LIMIT]),
    }


# The ledger ------------------------------------------------------------------------------------


def _bounded_with_total(rows: QuerySet[Any]) -> tuple[list[Any], int]:
    """The first rows and the number of all of them, in one query (a window count)."""
    listed = list(rows.annotate(home_total=Window(Count("pk")))[:HOME_LIST_LIMIT])
    return listed, (listed[0].home_total if listed else 0)


def _carry_outs_overdue(user: Any) -> dict[str, Any]:
    """Carry-outs not back by their due time, of the files the user sees."""
    overdue, count = _bounded_with_total(
        CarryOut.objects.overdue(timezone.now())
        .filter(file__in=ledger_access.files_visible_to(user).values("pk"))
        .select_related("file", "carried_by")
        .order_by("due_back_at", "id")
    )
    return {"carry_outs_overdue": overdue, "carry_outs_overdue_count": count}


def _incidents_to_report(user: Any, today: dt.date) -> dict[str, Any]:
    """Open incidents with a report still to make, the next deadline first (overdue first),
    and contractors' reports whose receipt the department has not acknowledged. One query:
    only incidents that meet a case of the rule and lack a report, or await acknowledgement,
    are read."""
    candidates = ledger_access.incidents_visible_to(user).filter(
        report_outstanding_q() | Incident.AWAITING_ACKNOWLEDGEMENT,
        status=Incident.Status.OPEN,
    )
    # Only the department acknowledges (may_acknowledge_incident): staff see only their
    # departments' incidents, so each one awaiting is theirs; the others are not asked to.
    acknowledges = user.is_department_staff
    rows = []
    awaiting = []
    for incident in candidates:
        if acknowledges and incident.awaiting_acknowledgement:
            awaiting.append(incident)
        deadline = incident_duties(incident, today).next_deadline
        if deadline is not None:
            rows.append((incident, deadline))
    rows.sort(key=lambda row: (not row[1].overdue, row[1].due_on, row[0].pk))
    awaiting.sort(key=lambda incident: incident.pk)
    return {
        "incidents_due": rows[:HOME_LIST_LIMIT],
        "incidents_due_count": len(rows),
        "incidents_unacknowledged": awaiting[:HOME_LIST_LIMIT],
        "incidents_unacknowledged_count": len(awaiting),
    }


def _ledger_to_watch(user: Any, today: dt.date) -> dict[str, Any]:
    """Carry-outs overdue, incidents with a report deadline open, and entries flagged lately
    in the rooms the user sees."""
    since = timezone.now() - dt.timedelta(days=FLAGGED_ENTRIES_DAYS)
    flagged, flagged_count = _bounded_with_total(
        EntryRecord.objects.filter(
            Q(outside_hours=True) | Q(unauthorized=True),
            room__in=ledger_access.rooms_visible_to(user).values("pk"),
            entered_at__gte=since,
        )
        .select_related("room", "user")
        .order_by("-entered_at", "-id")
    )
    return (
        _carry_outs_overdue(user)
        | _incidents_to_report(user, today)
        | {
            "entries_flagged": flagged,
            "entries_flagged_count": flagged_count,
            "flagged_entries_days": FLAGGED_ENTRIES_DAYS,
        }
    )


def _overrides_to_watch(user: Any, today: dt.date) -> dict[str, Any]:
    """Provisions made under a legal exception lately: registration number and ground only."""
    overrides, count = _bounded_with_total(
        ledger_access.overrides_visible_to(user)
        .filter(provided_on__gte=today - dt.timedelta(days=OVERRIDES_DAYS))
        .order_by("-provided_on", "-id")
    )
    return {
        "overrides_recent": overrides,
        "overrides_recent_count": count,
        "overrides_days": OVERRIDES_DAYS,
    }
