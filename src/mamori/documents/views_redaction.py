"""The secretariat's pages for withholding words and materials from the published minutes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.council import access as council_access
from mamori.council.models import Meeting, Minutes
from mamori.documents import services
from mamori.documents.access import check_numbers, get_managed_minutes
from mamori.documents.forms import MaterialsForm, RedactionForm
from mamori.documents.model import Document
from mamori.documents.models import Redaction
from mamori.documents.redaction import materials_for, occurrences, redact, rules_for
from mamori.documents.render_html import render_html

# Places shown under each withheld word; the count says how many there are in all.
SHOWN_PLACES = 3


def _meeting_url(meeting: Meeting, name: str) -> str:
    return reverse(
        name,
        kwargs={
            "council": meeting.council.slug,
            "fiscal_year": meeting.fiscal_year,
            "number": meeting.number,
        },
    )


def _preview(minutes: Minutes, document: Document) -> SafeString:
    """The minutes with the marks applied, as the public will read them."""
    # The renderer builds the fragment from an autoescaping template.
    return mark_safe(render_html(redact(document, rules_for(minutes)), standalone=False))  # noqa: S308


@dataclass(frozen=True)
class WithheldRow:
    """A withheld word on the page, with the places it occurs in the draft."""

    redaction: Redaction
    places: list[str]

    @property
    def shown(self) -> list[str]:
        return self.places[:SHOWN_PLACES]


@login_required
def redactions(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """The words withheld from the minutes (where each occurs), a form to withhold more (very
    short or frequent words confirmed first), and a preview."""
    minutes = get_managed_minutes(request.user, council, fiscal_year, number)
    document = services.minutes_document(minutes.meeting)
    form = RedactionForm(request.POST or None)
    confirm: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.add_redaction(
                actor=request.user,
                minutes=minutes,
                text=form.cleaned_data["text"],
                ground=form.cleaned_data["ground"],
                confirmed=form.cleaned_data["confirmed"],
            )
        except ValidationError as error:
            if error.code == "confirm":
                confirm = occurrences(document, form.cleaned_data["text"])
            else:
                form.add_error("text", error)
        else:
            messages.success(request, _("The words will be withheld from the published minutes."))
            return redirect(_meeting_url(minutes.meeting, "documents:redactions"))
    withheld = minutes.redactions.select_related("ground", "created_by")
    context: dict[str, Any] = {
        "meeting": minutes.meeting,
        "minutes": minutes,
        "form": form,
        "confirm": confirm,
        "rows": [WithheldRow(r, occurrences(document, r.text)) for r in withheld],
        "preview": _preview(minutes, document),
    }
    return render(request, "documents/redactions.html", context)


@login_required
@require_POST
def redaction_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Stop withholding words (the secretariat, while the minutes are not published)."""
    require(request.user.is_secretariat)
    check_numbers(pk)
    redaction = get_object_or_404(Redaction.objects.select_related("minutes__meeting"), pk=pk)
    meeting = redaction.minutes.meeting
    council_access.get_meeting_for_user(
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
    """Which materials of the meeting are published with the minutes, and the reason given for
    those withheld; all saved at once, and shown read-only while the minutes are published."""
    minutes = get_managed_minutes(request.user, council, fiscal_year, number)
    form = MaterialsForm(
        request.POST or None,
        materials=materials_for(minutes.meeting),
        reason=minutes.materials_reason,
        locked=minutes.is_published,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_material_disclosures(
                actor=request.user,
                minutes=minutes,
                decisions=form.decisions(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The publication of the materials was saved."))
            return redirect(_meeting_url(minutes.meeting, "documents:materials"))
    context = {"meeting": minutes.meeting, "minutes": minutes, "form": form}
    return render(request, "documents/materials.html", context)
