"""The signed-in home page: what each role has to do."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mamori.consultations.access import consultations_visible_to, follow_ups_visible_to
from mamori.council.access import meetings_visible_to
from mamori.vendors.access import contracts_visible_to, erasures_visible_to
from mamori.vendors.models import DocumentRequest, ReturnErasure, ReturnErasureQuerySet

HOME_LIST_LIMIT = 10


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Upcoming and recent meetings, open consultations, follow-ups and contract tasks, by role."""
    user: Any = request.user
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today}
    if user.is_secretariat or user.is_council_member:
        context["meetings"] = meetings_visible_to(user)[:5]
    if user.is_secretariat or user.is_department_staff or user.is_council_member:
        context["consultations"] = consultations_visible_to(user).exclude(status="answered")[:10]
    if user.is_secretariat or user.is_department_staff:
        follow_ups = follow_ups_visible_to(user).open()
        context["follow_ups"] = follow_ups[:10]
        context["overdue"] = follow_ups.overdue(today).count()
        context.update(_erasures_to_watch(user, today))
    if user.is_contractor:
        context.update(_contractor_to_do(user))
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
