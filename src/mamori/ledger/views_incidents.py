"""Pages for incidents (漏えい等): the register with each incident's duties and deadlines,
recording and editing one, and dating its reports and the notification of the people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.ledger import access
from mamori.ledger.deadlines import (
    IncidentDuties,
    incident_duties,
    missing_report_items,
    report_items,
)
from mamori.ledger.forms_incidents import (
    QUESTIONS,
    ContractorIncidentForm,
    IncidentForm,
    IncidentReportsForm,
)
from mamori.ledger.models import Incident
from mamori.ledger.services import incidents as services
from mamori.ledger.services.incidents import save_reports

PAGE_SIZE = 50
DESCRIPTION = [
    "title",
    "kind",
    "suspected",
    "what_happened",
    "occurred_on",
    "discovered_on",
    "people_count",
    "special_care",
    "financial_harm",
    "malicious",
    "ordinance_special_care",
    "file",
    "contract",
    "items_concerned",
    "cause",
    "secondary_harm",
    "publication",
    "prevention",
    "other_matters",
]
# Service error codes by the form field they concern.
INCIDENT_FIELDS = {name: name for name in DESCRIPTION} | {"department": "department"}
REPORT_FIELDS = {
    "prompt_reported_on": "prompt_reported_on",
    "final_reported_on": "final_reported_on",
    "people_notified_on": "people_notified_on",
    "status": "close",
}


@dataclass(frozen=True)
class IncidentRow:
    """An incident with its duties today."""

    incident: Incident
    duties: IncidentDuties


def _posted(request: AuthenticatedRequest) -> Any:
    """The posted data, or None for a GET (an empty POST is still a submitted form)."""
    return request.POST if request.method == "POST" else None


def _add_error(form: Form, error: ValidationError, fields: dict[str, str]) -> None:
    code = getattr(error, "code", None) or ""
    field = fields.get(code)
    form.add_error(field if field in form.fields else None, error)


def _incident_url(incident: Incident) -> str:
    return reverse("ledger:incident_detail", args=[incident.pk])


def _open_key(row: IncidentRow) -> tuple[int, int, dt.date, int]:
    """Contractors' reports not yet acknowledged first, then overdue, then by the next
    deadline; incidents with none last."""
    incident = row.incident
    first = 0 if incident.awaiting_acknowledgement else 1
    deadline = row.duties.next_deadline
    if deadline is None:
        return (first, 2, dt.date.max, -incident.pk)
    return (first, 0 if deadline.overdue else 1, deadline.due_on, incident.pk)


@login_required
def incident_list(request: AuthenticatedRequest) -> HttpResponse:
    """Open incidents first, each with its duties and next deadline; then the closed ones."""
    user = request.user
    today = timezone.localdate()
    visible = access.incidents_visible_to(user)
    open_rows = sorted(
        (
            IncidentRow(incident, incident_duties(incident, today))
            for incident in visible.filter(status=Incident.Status.OPEN)
        ),
        key=_open_key,
    )
    closed = visible.filter(status=Incident.Status.CLOSED).order_by("-discovered_on", "-id")
    page = Paginator(closed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/incident_list.html",
        {
            "open_rows": open_rows,
            "page_obj": page,
            "closed": page.object_list,
            "may_record": access.may_record_incident(user) or access.may_report_incident(user),
            "is_contractor": user.is_contractor,
        },
    )


def _description(data: dict[str, Any]) -> dict[str, Any]:
    """What the form asked (a contractor's form asks less)."""
    return {name: data[name] for name in DESCRIPTION if name in data}


@login_required
def incident_create(request: AuthenticatedRequest) -> HttpResponse:
    """Record an incident (a contractor: report one under its contract)."""
    user = request.user
    if user.is_contractor:
        return _contractor_report(request)
    require(access.may_record_incident(user))
    form = IncidentForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.record_incident(
                actor=user, department=data["department"], **_description(data)
            )
        except ValidationError as error:
            _add_error(form, error, INCIDENT_FIELDS)
        else:
            messages.success(request, _("The incident was recorded."))
            return redirect(_incident_url(incident))
    return render(request, "ledger/incident_form.html", {"form": form, "incident": None})


def _contractor_report(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require(access.may_report_incident(user))
    form = ContractorIncidentForm(_posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        description = _description(data)
        contract = description.pop("contract")
        try:
            incident = services.report_incident(actor=user, contract=contract, **description)
        except ValidationError as error:
            _add_error(form, error, INCIDENT_FIELDS)
        else:
            messages.success(
                request,
                _("The incident was reported to %(department)s.")
                % {"department": incident.department.name},
            )
            return redirect(_incident_url(incident))
    return render(
        request, "ledger/incident_form.html", {"form": form, "incident": None, "reporting": True}
    )


@login_required
@require_POST
def incident_acknowledge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department acknowledges receipt of a contractor's report."""
    user = request.user
    incident = access.get_incident_for_user(user, pk)
    require(access.may_acknowledge_incident(user, incident))
    if services.acknowledge_incident(actor=user, incident=incident):
        messages.success(request, _("Receipt of the contractor's report was acknowledged."))
    else:
        messages.info(request, _("Receipt of this report was already acknowledged."))
    return redirect(_incident_url(incident))


@login_required
def incident_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """What happened, to which file and by which contractor, and the duties it brings."""
    user = request.user
    incident = access.get_incident_for_user(user, pk)
    incident = (
        Incident.objects.select_related(
            "department", "file", "contract__vendor", "recorded_by", "acknowledged_by"
        )
        .filter(pk=incident.pk)
        .get()
    )
    answers = [
        (QUESTIONS[name], getattr(incident, name))
        for name in (
            "special_care",
            "financial_harm",
            "malicious",
            "ordinance_special_care",
            "suspected",
        )
    ]
    return render(
        request,
        "ledger/incident_detail.html",
        {
            "incident": incident,
            "duties": incident_duties(incident, timezone.localdate()),
            "answers": answers,
            "may_edit": access.may_edit_incident(user, incident),
            "report_items": report_items(incident),
            "may_acknowledge": incident.awaiting_acknowledgement
            and access.may_acknowledge_incident(user, incident),
        },
    )


def _initial(incident: Incident) -> dict[str, Any]:
    initial = {name: getattr(incident, name) for name in DESCRIPTION}
    for name in QUESTIONS:
        initial[name] = "yes" if initial[name] else "no"
    # Answered "no" for a file holding special-care information: confirmed when recorded.
    file = incident.file
    initial["special_care_confirmed"] = bool(
        file is not None and file.contains_special_care and not incident.special_care
    )
    return initial


@login_required
def incident_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change what is known of an incident."""
    user = request.user
    incident = access.get_incident_for_user(user, pk)
    require(access.may_edit_incident(user, incident))
    form = IncidentForm(_posted(request), user=user, incident=incident, initial=_initial(incident))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_incident(
                actor=user, incident=incident, **_description(form.cleaned_data)
            )
        except ValidationError as error:
            _add_error(form, error, INCIDENT_FIELDS)
        else:
            messages.success(request, _("The incident was updated."))
            return redirect(_incident_url(incident))
    return render(request, "ledger/incident_form.html", {"form": form, "incident": incident})


@login_required
def incident_reports(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record when the reports were made and the people notified; close the incident."""
    user = request.user
    incident = access.get_incident_for_user(user, pk)
    require(access.may_edit_incident(user, incident))
    initial = {
        "prompt_reported_on": incident.prompt_reported_on,
        "final_reported_on": incident.final_reported_on,
        "people_notified_on": incident.people_notified_on,
        "notification_note": incident.notification_note,
        "close": incident.status == Incident.Status.CLOSED,
    }
    form = IncidentReportsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            save_reports(
                actor=user,
                incident=incident,
                prompt_reported_on=data["prompt_reported_on"],
                final_reported_on=data["final_reported_on"],
                people_notified_on=data["people_notified_on"],
                notification_note=data["notification_note"],
                close=data["close"],
            )
        except ValidationError as error:
            incident.refresh_from_db()
            _add_error(form, error, REPORT_FIELDS)
        else:
            messages.success(request, _("The reports were recorded."))
            missing = missing_report_items(incident)
            newly_final = (
                incident.final_reported_on is not None
                and incident.final_reported_on != initial["final_reported_on"]
            )
            required = incident_duties(incident, timezone.localdate()).report_required
            if newly_final and required and missing:
                messages.warning(
                    request,
                    _("The final report states matters the record does not have yet: %(items)s.")
                    % {"items": "、".join(missing)},
                )
            return redirect(_incident_url(incident))
    return render(
        request,
        "ledger/incident_reports.html",
        {
            "incident": incident,
            "form": form,
            "duties": incident_duties(incident, timezone.localdate()),
            "missing_items": missing_report_items(incident),
            "may_edit": True,
        },
    )
