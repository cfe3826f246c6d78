"""The audit trail page, for auditors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mamori.audit import access
from mamori.audit.forms import EventFilterForm
from mamori.audit.models import AuditChainHead, related_names

EVENTS_PER_PAGE = 50


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    events = access.get_events_for_user(request.user)
    form = EventFilterForm(request.GET)
    events = form.filter(events).select_related("actor").order_by("-seq")
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    # The names of the objects the page's foreign keys point at: one query per model.
    names = related_names(shown)
    ctx = {
        "form": form,
        "page_obj": page,
        "entries": [(event, event.change_rows(names)) for event in shown],
        "head": AuditChainHead.objects.filter(pk=1).first(),
    }
    return render(request, "audit/auditevent_list.html", ctx)
