"""Pages for consultations, opinions, responses, decisions, reports and follow-ups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import F, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.accounts.models import User
from mamori.consultations import access, lifecycle, services
from mamori.consultations.forms import (
    CompleteFollowUpForm,
    ConsultationFilterForm,
    ConsultationForm,
    DecisionForm,
    FollowUpFilterForm,
    FollowUpForm,
    OpinionForm,
    ReportForm,
    ResponseForm,
    SecretariatOpinionForm,
    SecretariatResponseForm,
)
from mamori.consultations.models import Consultation, FollowUp, Opinion, Response
from mamori.core.access import department_ids_of, require
from mamori.core.http import AuthenticatedRequest
from mamori.council.access import meetings_visible_to
from mamori.council.models import AgendaItem, Meeting

PAGE_SIZE = 50
EDITABLE_STATUSES = {Consultation.Status.DRAFT, Consultation.Status.SUBMITTED}


def detail_url(consultation: Consultation, anchor: str = "") -> str:
    """The address of a consultation's page, with an optional #anchor."""
    url = reverse(
        "consultations:consultation_detail",
        kwargs={"council": consultation.council.slug, "key": consultation.key},
    )
    return f"{url}#{anchor}" if anchor else url


# Consultations


@login_required
def consultation_list(request: AuthenticatedRequest) -> HttpResponse:
    """The consultations the user may see, newest first, by fiscal year and status."""
    visible = access.consultations_visible_to(request.user)
    years = list(visible.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())
    filters = ConsultationFilterForm(request.GET or None, years=years)
    consultations = (
        _filtered(visible, filters)
        .select_related("department__parent__parent")
        .prefetch_related("kinds")
    )
    page = Paginator(consultations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/consultation_list.html",
        {"filters": filters, "page_obj": page, "consultations": page.object_list},
    )


def _filtered(
    consultations: QuerySet[Consultation], filters: ConsultationFilterForm
) -> QuerySet[Consultation]:
    if not filters.is_valid():
        return consultations
    if filters.cleaned_data["fiscal_year"] is not None:
        consultations = consultations.filter(fiscal_year=filters.cleaned_data["fiscal_year"])
    if filters.cleaned_data["status"]:
        consultations = consultations.filter(status=filters.cleaned_data["status"])
    return consultations


@login_required
def consultation_create(request: AuthenticatedRequest) -> HttpResponse:
    """Open a consultation (secretariat, or department staff for their department)."""
    user = request.user
    require(user.is_secretariat or user.is_department_staff)
    form = ConsultationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        council = form.cleaned_data["council"]
        try:
            consultation = services.create_consultation(
                actor=user, council=council, **form.service_fields()
            )
        except IntegrityError:
            if not _number_now_taken(form, council):
                raise
        else:
            messages.success(
                request,
                _("%(label)s「%(title)s」 was created as a draft.")
                % {"label": consultation.label, "title": consultation.title},
            )
            return redirect(detail_url(consultation))
    return render(request, "consultations/consultation_form.html", {"form": form})


def _number_now_taken(form: ConsultationForm, council: Any, exclude: int | None = None) -> bool:
    """After a race for the same number: put the error on the form, if that was the cause."""
    year, number = form.cleaned_data["fiscal_year"], form.cleaned_data.get("number")
    if number is None or not services.number_is_taken(council, year, number, exclude=exclude):
        return False
    form.add_number_taken_error(council, year, number)
    return True


@login_required
def consultation_detail(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """A consultation with its meetings, decisions, opinions, responses and follow-ups."""
    consultation = access.get_consultation_for_user(request.user, council, key)
    return render(
        request,
        "consultations/consultation_detail.html",
        _detail_context(request.user, consultation),
    )


def _detail_context(user: User, consultation: Consultation) -> dict[str, Any]:
    agenda_items = list(
        AgendaItem.objects.filter(consultations=consultation)
        .select_related("meeting__council")
        .order_by("meeting__date", "meeting__number", "order")
    )
    return {
        "consultation": consultation,
        "kinds": consultation.kinds.all(),
        "agenda_items": agenda_items,
        "linked_meeting_ids": _linked_meeting_ids(user, agenda_items),
        "decisions": consultation.decisions.select_related("meeting__council"),
        "opinions": consultation.opinions.select_related(
            "member", "meeting__council", "response__department"
        ),
        "follow_ups": consultation.follow_ups.select_related(
            "owner__parent__parent", "opinion", "meeting__council"
        ).order_by(F("due_on").asc(nulls_last=True), "id"),
        "my_department_ids": department_ids_of(user),
        **_permissions(user, consultation),
    }


def _linked_meeting_ids(user: User, agenda_items: list[AgendaItem]) -> set[int]:
    """The meetings on the page that the user may open."""
    if not (user.is_secretariat or user.is_council_member):
        return set()
    ids = {item.meeting_id for item in agenda_items}
    return set(meetings_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def _permissions(user: User, consultation: Consultation) -> dict[str, bool]:
    editor = access.may_edit_consultation(user, consultation)
    draft = consultation.status == Consultation.Status.DRAFT
    return {
        "may_edit": editor and consultation.status in EDITABLE_STATUSES,
        "may_submit": editor and draft,
        "may_add_opinion": user.is_secretariat or user.is_council_member,
        "may_respond": access.may_respond(user, consultation),
        "may_decide": user.is_secretariat and not draft,
        "may_add_follow_up": user.is_secretariat,
    }


@login_required
def consultation_edit(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """Change a consultation while it is a draft or newly submitted."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key, write=True)
    require(consultation.status in EDITABLE_STATUSES)
    form = ConsultationForm(request.POST or None, user=user, instance=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_consultation(
                actor=user, consultation=consultation, **form.service_fields()
            )
        except IntegrityError:
            if not _number_now_taken(form, consultation.council, exclude=consultation.pk):
                raise
            consultation.refresh_from_db()
        else:
            messages.success(request, _("%(label)s was updated.") % {"label": consultation.label})
            return redirect(detail_url(consultation))
    return render(
        request,
        "consultations/consultation_form.html",
        {"form": form, "consultation": consultation},
    )


@login_required
@require_POST
def consultation_submit(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """Send a draft consultation to the council."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key, write=True)
    try:
        lifecycle.submit_consultation(
            actor=user, consultation=consultation, on=timezone.localdate()
        )
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
        return redirect(detail_url(consultation))
    messages.success(
        request,
        _("%(label)s was submitted to the council.") % {"label": consultation.label},
    )
    return redirect(detail_url(consultation))


# Opinions and responses


@login_required
def opinion_create(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """A member posts an opinion; the secretariat records one on a member's behalf."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key)
    require(user.is_secretariat or user.is_council_member)
    if user.is_secretariat:
        form: OpinionForm = SecretariatOpinionForm(request.POST or None, consultation=consultation)
        meeting = None
    else:
        form = OpinionForm(request.POST or None)
        meeting = _latest_meeting_of(user, consultation)
    if request.method == "POST" and form.is_valid():
        fields = {"member": user, "meeting": meeting, **form.cleaned_data}
        opinion = services.record_opinion(actor=user, consultation=consultation, **fields)
        messages.success(request, _("The opinion was recorded."))
        return redirect(detail_url(consultation, f"opinion-{opinion.pk}"))
    return render(
        request,
        "consultations/opinion_form.html",
        {"form": form, "consultation": consultation, "meeting": meeting},
    )


def _latest_meeting_of(member: User, consultation: Consultation) -> Meeting:
    """The latest meeting the member sits on that has the consultation on its agenda."""
    meeting = (
        meetings_visible_to(member)
        .filter(agenda_items__consultations=consultation)
        .order_by("-date", "-number")
        .first()
    )
    require(meeting is not None)
    assert meeting is not None  # noqa: S101 - require() has refused otherwise
    return meeting


@login_required
def opinion_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A member changes their own opinion; the secretariat any opinion."""
    user = request.user
    opinion = access.get_opinion_for_user(user, pk, write=True)
    initial = {"kind": opinion.kind, "text": opinion.text}
    form = OpinionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_opinion(actor=user, opinion=opinion, **form.cleaned_data)
        messages.success(request, _("The opinion was updated."))
        return redirect(detail_url(opinion.consultation, f"opinion-{opinion.pk}"))
    return render(
        request,
        "consultations/opinion_form.html",
        {"form": form, "consultation": opinion.consultation, "opinion": opinion},
    )


@login_required
def response_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department (or the secretariat) writes or replaces the answer to an opinion."""
    user = request.user
    opinion = access.get_opinion_for_user(user, pk)
    consultation = opinion.consultation
    require(access.may_respond(user, consultation))
    existing = Response.objects.filter(opinion=opinion).first()
    form = _response_form(request, consultation, existing)
    if request.method == "POST" and form.is_valid():
        services.record_response(actor=user, opinion=opinion, **_response_fields(form, opinion))
        messages.success(request, _("The response was saved."))
        return redirect(detail_url(consultation, f"opinion-{opinion.pk}"))
    return render(
        request,
        "consultations/response_form.html",
        {"form": form, "consultation": consultation, "opinion": opinion, "existing": existing},
    )


def _response_form(
    request: AuthenticatedRequest, consultation: Consultation, existing: Response | None
) -> ResponseForm:
    initial: dict[str, Any] = {} if existing is None else {"text": existing.text}
    data = request.POST if request.method == "POST" else None
    if request.user.is_secretariat:
        if existing is not None:
            initial["department"] = existing.department_id
        return SecretariatResponseForm(data, initial=initial, consultation=consultation)
    return ResponseForm(data, initial=initial)


def _response_fields(form: ResponseForm, opinion: Opinion) -> dict[str, Any]:
    """The answering department is named after the text when it is not the consultation's."""
    department = form.cleaned_data.get("department") or opinion.consultation.department
    return {
        "text": form.cleaned_data["text"],
        "department": department,
        "show_department": department.pk != opinion.consultation.department_id,
    }


# Decisions and reports


@login_required
def decision_create(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The secretariat records the council's answer to a consultation."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key)
    require(user.is_secretariat)
    if not lifecycle.may(consultation, "decide"):
        messages.error(request, _("Only a consultation on a meeting's agenda can be answered."))
        return redirect(detail_url(consultation))
    form = DecisionForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        decision = lifecycle.record_decision(
            actor=user, consultation=consultation, **form.cleaned_data
        )
        messages.success(
            request, _("The decision was recorded: %(sentence)s") % {"sentence": decision.sentence}
        )
        return redirect(detail_url(consultation, "decisions"))
    return render(
        request,
        "consultations/decision_form.html",
        {"form": form, "consultation": consultation},
    )


@login_required
def report_create(request: AuthenticatedRequest) -> HttpResponse:
    """The secretariat records a matter reported to the council."""
    user = request.user
    require(user.is_secretariat)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = services.create_report(actor=user, **form.cleaned_data)
        messages.success(
            request,
            _("The report 「%(title)s」 was recorded. Put it on a meeting's agenda to present it.")
            % {"title": report.title},
        )
        return redirect("consultations:consultation_list")
    return render(request, "consultations/report_form.html", {"form": form})


# Follow-ups


@login_required
def followup_list(request: AuthenticatedRequest) -> HttpResponse:
    """Commitments made to the council: all for the secretariat, a department's own for staff."""
    user = request.user
    today = timezone.localdate()
    filters = FollowUpFilterForm(request.GET or None)
    follow_ups = _follow_ups_in_state(access.follow_ups_visible_to(user), filters, today)
    follow_ups = follow_ups.select_related("owner__parent__parent").order_by(
        F("due_on").asc(nulls_last=True), "id"
    )
    page = Paginator(follow_ups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/followup_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "follow_ups": page.object_list,
            "today": today,
            "my_department_ids": department_ids_of(user),
        },
    )


def _follow_ups_in_state(
    follow_ups: QuerySet[FollowUp], filters: FollowUpFilterForm, today: Any
) -> QuerySet[FollowUp]:
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    if state == "open":
        return follow_ups.filter(status=FollowUp.Status.OPEN)
    if state == "done":
        return follow_ups.filter(status=FollowUp.Status.DONE)
    if state == "overdue":
        return follow_ups.filter(status=FollowUp.Status.OPEN, due_on__lt=today)
    return follow_ups


@login_required
def followup_create(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The secretariat records a commitment made to the council on a consultation."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key)
    require(user.is_secretariat)
    form = FollowUpForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        if fields["meeting"] is None and fields["opinion"] is not None:
            fields["meeting"] = fields["opinion"].meeting
        services.create_follow_up(actor=user, consultation=consultation, **fields)
        messages.success(request, _("The follow-up was recorded."))
        return redirect(detail_url(consultation, "follow-ups"))
    return render(
        request,
        "consultations/followup_form.html",
        {"form": form, "consultation": consultation},
    )


@login_required
def followup_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The owner or the secretariat records that a commitment was kept; the secretariat reopens."""
    user = request.user
    follow_up = access.get_follow_up_for_user(user, pk)
    if request.method == "POST" and request.POST.get("action") == "reopen":
        return _reopen(request, follow_up)
    done = follow_up.status == FollowUp.Status.DONE
    form = None if done else CompleteFollowUpForm(request.POST or None)
    if request.method == "POST" and form is None:
        messages.error(request, _("This follow-up is already done."))
        return redirect("consultations:followup_update", pk=follow_up.pk)
    if request.method == "POST" and form is not None and form.is_valid():
        services.complete_follow_up(
            actor=user,
            follow_up=follow_up,
            evidence=form.cleaned_data["evidence"],
            on=form.cleaned_data["done_on"],
        )
        messages.success(request, _("The follow-up was marked as done."))
        return redirect("consultations:followup_update", pk=follow_up.pk)
    return render(
        request,
        "consultations/followup_update.html",
        {"follow_up": follow_up, "form": form, "today": timezone.localdate()},
    )


def _reopen(request: AuthenticatedRequest, follow_up: FollowUp) -> HttpResponse:
    require(request.user.is_secretariat)
    if follow_up.status == FollowUp.Status.DONE:
        services.reopen_follow_up(actor=request.user, follow_up=follow_up)
        messages.success(request, _("The follow-up was reopened."))
    return redirect("consultations:followup_update", pk=follow_up.pk)


def opinion_close(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError  # being written in this session (issue 3)


def opinion_follow_up(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError  # being written in this session (issue 3)
