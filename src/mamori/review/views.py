"""Pages of the pre-review: findings beside the draft and their explanations, the one-click
opinion, the checklist, a meeting's pre-review summary and the refused submission."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from mamori.consultations import access, handling, lifecycle, record_forms
from mamori.consultations import services as consultation_services
from mamori.consultations.models import Consultation
from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.council import access as council_access
from mamori.review import pages, services
from mamori.review.forms import ChecklistForm, ExplanationForm, FindingForm

FINDINGS = "review/_findings.html"


def _detail_url(consultation: Consultation, anchor: str = "") -> str:
    url = reverse(
        "consultations:consultation_detail",
        kwargs={"council": consultation.council.slug, "key": consultation.key},
    )
    return f"{url}#{anchor}" if anchor else url


def _is_htmx(request: AuthenticatedRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _go(request: AuthenticatedRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a whole page, not into the fragment it replaces."""
    return HttpResponseClientRedirect(url) if _is_htmx(request) else redirect(url)


def _drafted_by(request: AuthenticatedRequest, council: str, key: str) -> Consultation:
    """The consultation, if the user is staff of its department (403 otherwise)."""
    consultation = access.get_consultation_for_user(request.user, council, key, write=True)
    require(lifecycle.is_department_staff_of(request.user, consultation))
    return consultation


# Beside the draft -----------------------------------------------------------------------


@login_required
@require_POST
def section_findings(
    request: AuthenticatedRequest, council: str, key: str, section: str
) -> HttpResponse:
    """htmx: the findings of a section as typed, checked against the draft without saving."""
    if section not in handling.SECTIONS:
        raise Http404
    consultation = _drafted_by(request, council, key)
    require(lifecycle.may(consultation, "edit_record"))
    edit_url = reverse(
        "consultations:record_edit",
        kwargs={"council": council, "key": consultation.key, "section": section},
    )
    if not _is_htmx(request):
        return redirect(edit_url)
    record = lifecycle.working_record(consultation)
    raw = record_forms.read_section(section, request.POST)
    typed, _errors = record_forms.validate_section(record, section, raw)
    review = pages.drafting(consultation, typed or record, section, stale=typed is None)
    return render(
        request,
        f"{FINDINGS}#panel",
        {"consultation": consultation, "review": review, "back": edit_url},
    )


@login_required
@require_POST
def explain(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The department writes (or rewrites) its explanation of a finding for the council."""
    user = request.user
    consultation = _drafted_by(request, council, key)
    form = ExplanationForm(request.POST)
    back = _safe_next(request, form.data.get("next", ""), consultation)
    if not lifecycle.may(consultation, "edit_record"):
        messages.error(
            request,
            _("%(label)s is “%(status)s”: its findings can no longer be explained.")
            % {"label": consultation.label, "status": consultation.get_status_display()},
        )
        return _go(request, _detail_url(consultation))
    draft = lifecycle.draft_version(consultation)
    record = pages.record_of(draft)
    items = (
        pages.items_of(consultation, record, version=draft, checklist=False)
        if record is not None
        else []
    )
    item = pages.item_of(items, form.data.get("key", ""))
    if item is None or draft is None:
        messages.info(request, _("That finding no longer stands on the draft."))
        return _go(request, back)
    if not form.is_valid():
        errors = [str(error) for error in form.errors.get("text") or []]
        item.error = " ".join(errors) or _("The explanation was not saved.")
        if _is_htmx(request):
            return _finding(request, consultation, item, back)
        messages.error(request, item.error)
        return redirect(f"{back}#{item.html_id}")
    explanation = services.explain_finding(
        actor=user, consultation=consultation, finding=item.finding, text=form.cleaned_data["text"]
    )
    item.explanation = explanation.text
    item.explained_by, item.explained_at = explanation.written_by, explanation.written_at
    if _is_htmx(request):
        return _finding(request, consultation, item, back, saved=True)
    messages.success(request, _("The explanation was saved."))
    return redirect(f"{back}#{item.html_id}")


def _finding(
    request: AuthenticatedRequest,
    consultation: Consultation,
    item: pages.Item,
    back: str,
    *,
    saved: bool = False,
) -> HttpResponse:
    return render(
        request,
        f"{FINDINGS}#finding",
        {
            "consultation": consultation,
            "item": item,
            "may_explain": True,
            "back": back,
            "saved": saved,
        },
    )


def _safe_next(request: AuthenticatedRequest, target: str, consultation: Consultation) -> str:
    """Where to return after a form: a page of this site, else the consultation's page."""
    target = target.split("#", 1)[0]
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _detail_url(consultation)


# The council's view ---------------------------------------------------------------------


@login_required
@require_POST
def finding_opinion(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """A member turns a finding into an opinion, about the finding's field, in one click."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key)
    require(user.is_council_member)
    meeting = pages.sitting_meeting(user, consultation)
    require(meeting is not None)
    if not pages.may_raise_opinions(user, consultation):
        messages.error(
            request,
            _("%(label)s is “%(status)s”: opinions can no longer be posted.")
            % {"label": consultation.label, "status": consultation.get_status_display()},
        )
        return redirect(_detail_url(consultation))
    form = FindingForm(request.POST)
    version = pages.version_for(user, consultation)
    record = pages.record_of(version)
    item = None
    if form.is_valid() and record is not None:
        items = pages.items_of(consultation, record, version=version)
        item = pages.item_of(items, form.cleaned_data["key"])
    if item is None:
        messages.error(request, _("That finding no longer stands on the record."))
        return redirect(_detail_url(consultation, "prereview"))
    text = item.text
    existing = consultation.opinions.filter(member=user, meeting=meeting, text=text).first()
    if existing is not None:
        messages.info(request, _("You have already raised this finding as an opinion."))
        return redirect(_detail_url(consultation, f"opinion-{existing.pk}"))
    opinion = consultation_services.record_opinion(
        actor=user,
        consultation=consultation,
        member=user,
        meeting=meeting,
        text=text,
        anchor=item.anchor,
    )
    messages.success(request, _("The finding was recorded as your opinion."))
    return redirect(_detail_url(consultation, f"opinion-{opinion.pk}"))


@login_required
def meeting_summary(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int
) -> HttpResponse:
    """The secretariat's pre-review of a meeting: each consultation on the agenda with its open
    findings by severity and the explanations the departments gave."""
    meeting = council_access.get_meeting_for_user(
        request.user, council, fiscal_year, number, write=True
    )
    meeting_items = pages.meeting_items(meeting)
    if _is_htmx(request):
        # The meeting page loads the meeting-level findings alone, after it is shown.
        return render(
            request,
            "review/_meeting_findings.html",
            {"meeting": meeting, "meeting_items": meeting_items, "summary_url": request.path},
        )
    rows = pages.meeting_review(meeting)
    return render(
        request,
        "review/meeting_summary.html",
        {"meeting": meeting, "rows": rows, "meeting_items": meeting_items},
    )


# The checklist --------------------------------------------------------------------------


@login_required
def checklist(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The checklist questions asked of a consultation: the department answers them; the
    secretariat and the members read the answers."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key)
    here = pages.checklist_url(consultation)
    editable = pages.may_explain(user, consultation)
    questions = list(pages.questions_for(consultation))
    answers = pages.answers_of(consultation)
    form = None
    if request.method == "POST":
        consultation = _drafted_by(request, council, key)
        if not editable:
            messages.error(
                request,
                _("%(label)s is “%(status)s”: the checklist cannot be changed now.")
                % {"label": consultation.label, "status": consultation.get_status_display()},
            )
            return redirect(here)
        form = ChecklistForm(request.POST, questions=questions, answers=answers)
        if form.is_valid():
            pages.answer_checklist(actor=user, consultation=consultation, answers=form.answers())
            messages.success(request, _("The checklist answers were saved."))
            return redirect(here)
    elif editable:
        form = ChecklistForm(questions=questions, answers=answers)
    return render(
        request,
        "review/checklist.html",
        {
            "consultation": consultation,
            "entries": pages.checklist_entries(consultation),
            "items": pages.checklist_items(consultation),
            "form": form,
        },
    )


# The refused submission -----------------------------------------------------------------


def findings_open_page(
    request: AuthenticatedRequest, consultation: Consultation, error: lifecycle.FindingsOpenError
) -> HttpResponse:
    """The page listing the must-fix findings that stand in the way of submission."""
    version = services.current_version(consultation)
    record = pages.record_of(version) or lifecycle.working_record(consultation)
    items = pages.items_of(
        consultation, record, version=version, findings=list(error.findings), checklist=False
    )
    return render(
        request,
        "review/findings_open.html",
        {"consultation": consultation, "message": str(error), "items": items},
    )
