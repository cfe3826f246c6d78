"""Pages for consultations, opinions, responses, decisions, reports and follow-ups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.accounts.models import Department, User
from mamori.consultations import access, anchors, lifecycle, page, services
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
    departments,
)
from mamori.consultations.models import (
    Consultation,
    FollowUp,
    HandlingRecordVersion,
    Opinion,
    Response,
)
from mamori.core.access import department_ids_of, require
from mamori.core.http import AuthenticatedRequest
from mamori.council.access import meetings_visible_to
from mamori.council.models import Meeting

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
    """The consultations the user may see, newest first, narrowed by the filters given.

    Department staff see only their departments' consultations, and choose among those
    departments; the counts of opinions and follow-ups come with the page's one query.
    """
    user = request.user
    visible = access.consultations_visible_to(user)
    years = list(visible.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())
    filters = ConsultationFilterForm(
        request.GET or None, years=years, departments=_departments_to_filter(user)
    )
    chosen = _filtered(visible, filters.valid_filters()).values_list("pk", flat=True)
    page = Paginator(chosen, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "consultations": _rows(list(page.object_list)),
            "my_departments": _own_departments(user),
        },
    )


def _rows(ids: list[int]) -> list[Consultation]:
    """The consultations of one page with their counts, in the page's order.

    The page's ids come first from a plain query: the counts are then computed for these
    rows only, not for every consultation the filters let through before sorting.
    """
    rows = (
        _with_counts(Consultation.objects.filter(pk__in=ids))
        .select_related("council", "department__parent__parent")
        .prefetch_related("kinds")
    )
    by_id = {consultation.pk: consultation for consultation in rows}
    return [by_id[pk] for pk in ids]


def _own_departments(user: User) -> list[Department]:
    """The department a member of staff works in (the sections under it are in the filter)."""
    if user.is_department_staff and user.department is not None:
        return [user.department]
    return []


def _departments_to_filter(user: User) -> QuerySet[Department]:
    """Staff choose among their own department and its units; others among every department."""
    chosen = departments()
    if user.is_department_staff:
        return chosen.filter(pk__in=_subtree(user.department_id))
    return chosen


def _subtree(department_id: int | None) -> QuerySet[Department, Any]:
    """The department and those under it (部, 課, 係: three levels), as one subquery."""
    if department_id is None:
        return Department.objects.none().values("pk")
    return Department.objects.filter(
        Q(pk=department_id) | Q(parent_id=department_id) | Q(parent__parent_id=department_id)
    ).values("pk")


def _filtered(
    consultations: QuerySet[Consultation], filters: dict[str, Any]
) -> QuerySet[Consultation]:
    today = timezone.localdate()
    if "fiscal_year" in filters:
        consultations = consultations.filter(fiscal_year=filters["fiscal_year"])
    if "department" in filters:
        consultations = consultations.filter(department_id__in=_subtree(filters["department"].pk))
    if "kind" in filters:
        consultations = consultations.filter(kinds=filters["kind"])
    if "status" in filters:
        consultations = consultations.filter(status=filters["status"])
    if "changed" in filters:
        changed = Consultation.objects.changed_since_answer().values("pk")
        consultations = consultations.filter(pk__in=changed)
    if filters.get("follow_ups") == "open":
        consultations = consultations.filter(Exists(_follow_ups_of_row(FollowUp.objects.open())))
    if filters.get("follow_ups") == "overdue":
        overdue = FollowUp.objects.overdue(today)
        consultations = consultations.filter(Exists(_follow_ups_of_row(overdue)))
    return consultations


def _follow_ups_of_row(follow_ups: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    return follow_ups.filter(consultation=OuterRef("pk"))


def _count_of_row(rows: QuerySet[Any]) -> Coalesce:
    """The number of rows belonging to each consultation, as a subquery of the list's query."""
    counted = (
        rows.filter(consultation=OuterRef("pk"))
        .order_by()
        .values("consultation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def _with_counts(consultations: QuerySet[Consultation]) -> QuerySet[Consultation]:
    """Each consultation with its open and total opinions, open and overdue follow-ups."""
    today = timezone.localdate()
    return consultations.annotate(
        opinion_count=_count_of_row(Opinion.objects.all()),
        open_opinion_count=_count_of_row(Opinion.objects.filter(state=Opinion.State.OPEN)),
        open_follow_up_count=_count_of_row(FollowUp.objects.open()),
        overdue_follow_up_count=_count_of_row(FollowUp.objects.overdue(today)),
        changed_since_answer=Exists(
            HandlingRecordVersion.objects.unassessed_after_answer().filter(
                consultation=OuterRef("pk")
            )
        ),
    )


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
    """Everything about a consultation in one place (see consultations/page.py)."""
    consultation = access.get_consultation_for_user(request.user, council, key)
    editable = consultation.status in EDITABLE_STATUSES
    return render(
        request,
        "consultations/consultation_detail.html",
        page.context(request.user, consultation, editable=editable),
    )


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
    except lifecycle.IncompleteRecordError as error:
        # Every missing fact, each with a link to the section where it is written.
        from mamori.consultations.views_record import missing_page

        return missing_page(request, consultation, error)
    except lifecycle.FindingsOpenError as error:
        # Every must-fix finding, each with a link to the field and its explanation box.
        from mamori.review.views import findings_open_page

        return findings_open_page(request, consultation, error)
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
    """A member posts an opinion, about a field or row of the record if they choose one;
    the secretariat records one on a member's behalf."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key)
    require(user.is_secretariat or user.is_council_member)
    if not page.accepts_opinions(consultation):
        messages.error(
            request,
            _("%(label)s is “%(status)s”: opinions can no longer be posted.")
            % {"label": consultation.label, "status": consultation.get_status_display()},
        )
        return redirect(detail_url(consultation))
    data = request.POST if request.method == "POST" else None
    initial = {"anchor": request.GET.get("anchor", "")}
    form: OpinionForm
    if user.is_secretariat:
        form = SecretariatOpinionForm(data, consultation=consultation, user=user, initial=initial)
        meeting = None
    else:
        form = OpinionForm(data, consultation=consultation, user=user, initial=initial)
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
    """A member changes their own opinion until it is closed; the secretariat any opinion."""
    user = request.user
    opinion = access.get_opinion_for_user(user, pk, write=True)
    consultation = opinion.consultation
    if opinion.state == Opinion.State.CLOSED and not user.is_secretariat:
        messages.error(request, _("This opinion is closed and can no longer be changed."))
        return redirect(detail_url(consultation, f"opinion-{opinion.pk}"))
    initial = {"kind": opinion.kind, "anchor": opinion.anchor, "text": opinion.text}
    form = OpinionForm(
        request.POST or None,
        initial=initial,
        consultation=consultation,
        user=user,
        current_anchor=opinion.anchor,
    )
    if request.method == "POST" and form.is_valid():
        services.update_opinion(actor=user, opinion=opinion, **form.cleaned_data)
        messages.success(request, _("The opinion was updated."))
        return redirect(detail_url(consultation, f"opinion-{opinion.pk}"))
    return render(
        request,
        "consultations/opinion_form.html",
        {"form": form, "consultation": consultation, "opinion": opinion},
    )


@login_required
def response_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department (or the secretariat) writes or replaces the answer to an opinion,
    with the day by which a promise will be kept."""
    user = request.user
    opinion = access.get_opinion_for_user(user, pk)
    consultation = opinion.consultation
    require(access.may_respond(user, consultation))
    if opinion.state == Opinion.State.CLOSED:
        messages.error(request, _("This opinion is closed: its response can no longer be changed."))
        return redirect(detail_url(consultation, f"opinion-{opinion.pk}"))
    existing = Response.objects.filter(opinion=opinion).first()
    form = _response_form(request, consultation, existing)
    if request.method == "POST" and form.is_valid():
        services.record_response(actor=user, opinion=opinion, **_response_fields(form, opinion))
        messages.success(request, _("The response was saved."))
        return redirect(detail_url(consultation, f"opinion-{opinion.pk}"))
    return render(
        request,
        "consultations/response_form.html",
        {
            "form": form,
            "consultation": consultation,
            "opinion": opinion,
            "existing": existing,
            "anchor_label": anchors.anchor_labels(consultation, [opinion], user=user).get(
                opinion.pk
            ),
        },
    )


def _response_form(
    request: AuthenticatedRequest, consultation: Consultation, existing: Response | None
) -> ResponseForm:
    initial: dict[str, Any] = (
        {} if existing is None else {"text": existing.text, "due_on": existing.due_on}
    )
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
        "due_on": form.cleaned_data["due_on"],
        "department": department,
        "show_department": department.pk != opinion.consultation.department_id,
    }


@login_required
@require_POST
def opinion_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The member who raised an opinion, the chair or the secretariat closes it."""
    opinion = access.get_opinion_for_user(request.user, pk)
    try:
        lifecycle.close_opinion(actor=request.user, opinion=opinion)
    except lifecycle.TransitionError as error:
        return _opinion_changed(request, opinion, error=str(error))
    return _opinion_changed(request, opinion, success=_("The opinion was closed."))


@login_required
@require_POST
def opinion_follow_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The secretariat or the department turns the promise in a response into a follow-up."""
    opinion = access.get_opinion_for_user(request.user, pk)
    try:
        lifecycle.promise_to_follow_up(actor=request.user, opinion=opinion)
    except lifecycle.TransitionError as error:
        return _opinion_changed(request, opinion, error=str(error))
    return _opinion_changed(
        request, opinion, success=_("The promise in the response is now tracked as a follow-up.")
    )


def _opinion_changed(
    request: AuthenticatedRequest, opinion: Opinion, *, success: str = "", error: str = ""
) -> HttpResponse:
    """After an action on an opinion: its card again for htmx, else back where the user was."""
    back = _safe_next(request) or detail_url(opinion.consultation, f"opinion-{opinion.pk}")
    # django-htmx's middleware sets request.htmx; AuthenticatedRequest does not declare it.
    if getattr(request, "htmx", False):
        return _opinion_card(request, opinion.pk, back=back, notice=success or error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(back)


def _safe_next(request: AuthenticatedRequest) -> str:
    """The page the form came from, when it is a page of this site."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def _opinion_card(
    request: AuthenticatedRequest, pk: int, *, back: str, notice: str
) -> HttpResponse:
    opinion = (
        Opinion.objects.select_related(
            "consultation__council", "member", "meeting", "closed_by", "response__department"
        )
        .prefetch_related("follow_ups")
        .get(pk=pk)
    )
    labels = anchors.anchor_labels(opinion.consultation, [opinion], user=request.user)
    return render(
        request,
        "consultations/_opinion.html",
        {
            "opinion": opinion,
            "anchor_label": labels.get(opinion.pk, ""),
            "back": back,
            "notice": notice,
        },
    )


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
