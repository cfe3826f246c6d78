"""The secretariat's pages for withholding words and materials from the published minutes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.consultations.models import Attachment
from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.council import access
from mamori.council.models import Meeting, Minutes
from mamori.documents import services
from mamori.documents.builders import build_minutes
from mamori.documents.forms import MaterialsForm, RedactionForm
from mamori.documents.models import Redaction
from mamori.documents.redaction import materials_for, redact, rules_for
from mamori.documents.render_html import render_html


def _meeting_url(meeting: Meeting, name: str) -> str:
    return reverse(
        name,
        kwargs={
            "council": meeting.council.slug,
            "fiscal_year": meeting.fiscal_year,
            "number": meeting.number,
        },
    )


def _managed_minutes(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> Minutes:
    """The minutes of a meeting the secretariat manages (403 for others, 404 when none)."""
    meeting = access.get_meeting_for_user(request.user, council, fiscal_year, number, write=True)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("meeting__council").first()
    if minutes is None:
        raise Http404
    return minutes


def _preview(minutes: Minutes) -> SafeString:
    """The minutes with the marks applied, as the public will read them."""
    document = redact(build_minutes(minutes.meeting), rules_for(minutes))
    # The renderer builds the fragment from an autoescaping template.
    return mark_safe(render_html(document, standalone=False))  # noqa: S308


@login_required
def redactions(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """The words withheld from the minutes, a form to withhold more, and a preview."""
    minutes = _managed_minutes(request, council, fiscal_year, number)
    form = RedactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_redaction(
                actor=request.user,
                minutes=minutes,
                text=form.cleaned_data["text"],
                ground=form.cleaned_data["ground"],
            )
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("The words will be withheld from the published minutes."))
            return redirect(_meeting_url(minutes.meeting, "documents:redactions"))
    context: dict[str, Any] = {
        "meeting": minutes.meeting,
        "minutes": minutes,
        "form": form,
        "redactions": minutes.redactions.select_related("ground", "created_by"),
        "preview": _preview(minutes),
    }
    return render(request, "documents/redactions.html", context)


@login_required
@require_POST
def redaction_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Stop withholding words (the secretariat, while the minutes are not published)."""
    require(request.user.is_secretariat)
    redaction = get_object_or_404(Redaction.objects.select_related("minutes__meeting"), pk=pk)
    meeting = redaction.minutes.meeting
    access.get_meeting_for_user(
        request.user, meeting.council.slug, meeting.fiscal_year, meeting.number, write=True
    )
    try:
        services.remove_redaction(actor=request.user, redaction=redaction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The words are no longer withheld."))
    return redirect(_meeting_url(meeting, "documents:redactions"))


@login_required
def materials(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """Which materials of the meeting are published with the minutes; all saved at once."""
    minutes = _managed_minutes(request, council, fiscal_year, number)
    form = MaterialsForm(request.POST or None, materials=materials_for(minutes.meeting))
    if request.method == "POST" and form.is_valid():
        try:
            _save_materials(request, minutes, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The publication of the materials was saved."))
            return redirect(_meeting_url(minutes.meeting, "documents:materials"))
    context = {"meeting": minutes.meeting, "minutes": minutes, "form": form}
    return render(request, "documents/materials.html", context)


@transaction.atomic
def _save_materials(request: AuthenticatedRequest, minutes: Minutes, form: MaterialsForm) -> None:
    """Every decision of the form, or none of them."""
    attachments = Attachment.objects.in_bulk([m.attachment_id for m in form.materials])
    for attachment_id, disclosed, ground in form.decisions():
        services.set_material_disclosure(
            actor=request.user,
            minutes=minutes,
            attachment=attachments[attachment_id],
            disclosed=disclosed,
            ground=ground,
        )
