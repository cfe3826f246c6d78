"""The signed-in home page: what each role has to do."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mamori.consultations.access import consultations_visible_to, follow_ups_visible_to
from mamori.council.access import meetings_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Upcoming and recent meetings, open consultations and follow-ups, by role."""
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
    return render(request, "core/home.html", context)
