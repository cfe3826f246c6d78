"""Pages of carry-outs: a file's log, a request checked against the answer, and a
carry-out's page where the department approves, refuses or checks the return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.ledger import access, rules
from mamori.ledger.forms_carry import CarryOutForm, RefuseForm, ReturnForm
from mamori.ledger.forms_files import add_service_errors
from mamori.ledger.models import CarryOut
from mamori.ledger.services import carry_outs as services


def overdue_by(delta: dt.timedelta) -> str:
    """How long past its due time: 3日, 5時間, or under an hour."""
    hours = int(delta.total_seconds() // 3600)
    if hours >= 24:
        days = hours // 24
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if hours >= 1:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return _("less than an hour")


def _overdue_label(carry_out: CarryOut, now: dt.datetime) -> str:
    return overdue_by(now - carry_out.due_back_at) if carry_out.is_overdue(now) else ""


def status_label(carry_out: CarryOut, now: dt.datetime) -> str:
    """The status as staff read it: an approved one that has not left yet says so, and a late
    return stays visible once it is back."""
    if carry_out.status == CarryOut.Status.OUT and carry_out.leaves_at > now:
        return pgettext("carry-out", "Approved (not yet taken out)")
    returned_at = carry_out.returned_at
    if carry_out.status == CarryOut.Status.RETURNED and returned_at is not None:
        if returned_at > carry_out.due_back_at:
            late = overdue_by(returned_at - carry_out.due_back_at)
            return pgettext("carry-out", "Returned late (%(late)s late)") % {"late": late}
    return str(carry_out.get_status_display())


@login_required
def carry_out_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    file = access.get_file_for_user(user, pk)
    now = timezone.now()
    carry_outs = file.carry_outs.select_related("carried_by", "approved_by", "contract__vendor")
    return render(
        request,
        "ledger/carry_out_list.html",
        {
            "file": file,
            "rows": [(c, _overdue_label(c, now), status_label(c, now)) for c in carry_outs],
            "may_record": access.may_record_carry_out(user, file),
        },
    )


FIELD_BY_CODE = {
    "due_before_leaving": "due_on",
    "carrier": "carried_by",
    "contract": "contract",
    "too_far_ahead": "leaves_on",
    "contract_period": "leaves_on",
}


@login_required
def carry_out_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Request a carry-out; the medium is checked against the answered handling record."""
    user = request.user
    file = access.get_file_for_user(user, pk)
    require(access.may_record_carry_out(user, file))
    verdicts = rules.carry_out_rules(file)
    form = CarryOutForm(
        request.POST or None, file=file, actor=user, rules=verdicts, initial={"carried_by": user}
    )
    if request.method == "POST" and form.is_valid():
        try:
            carry_out = services.request_carry_out(actor=user, file=file, **form.service_fields())
        except services.CarryOutNotAllowed as refusal:
            form.add_error("medium", str(refusal))
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("The carry-out was requested: it awaits approval."))
            return redirect("ledger:carry_out_detail", pk=carry_out.pk)
    return render(
        request,
        "ledger/carry_out_form.html",
        {"file": file, "form": form, "rules": verdicts},
    )


def _service_errors(form: CarryOutForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        renamed = {
            {"leaves_at": "leaves_on", "due_back_at": "due_on"}.get(name, name): errors
            for name, errors in error.error_dict.items()
        }
        error = ValidationError(renamed)
    add_service_errors(form, error, FIELD_BY_CODE)


def _detail(
    request: AuthenticatedRequest,
    carry_out: CarryOut,
    *,
    refuse_form: RefuseForm | None = None,
    return_form: ReturnForm | None = None,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    may_decide = access.may_approve_carry_out(user, carry_out.file)
    requested = carry_out.status == CarryOut.Status.REQUESTED
    context: dict[str, Any] = {
        "carry_out": carry_out,
        "file": carry_out.file,
        "overdue": _overdue_label(carry_out, now),
        "status": status_label(carry_out, now),
        "rule": rules.carry_out_rule(carry_out.file, carry_out.medium),
        "may_approve": may_decide and requested and carry_out.carried_by_id != user.pk,
        "carries_it": may_decide and requested and carry_out.carried_by_id == user.pk,
        "refuse_form": (refuse_form or RefuseForm()) if may_decide and requested else None,
        "return_form": (return_form or ReturnForm())
        if may_decide and carry_out.status == CarryOut.Status.OUT
        else None,
    }
    return render(request, "ledger/carry_out_detail.html", context)


def _carry_out(user: Any, pk: int) -> CarryOut:
    carry_out = access.get_carry_out_for_user(user, pk)
    return CarryOut.objects.select_related(
        "file__department",
        "carried_by",
        "approved_by",
        "return_checked_by",
        "recorded_by",
        "refused_by",
        "contract__vendor",
    ).get(pk=carry_out.pk)


@login_required
def carry_out_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail(request, _carry_out(request.user, pk))


def _decider(request: AuthenticatedRequest, pk: int) -> CarryOut:
    carry_out = _carry_out(request.user, pk)
    require(access.may_approve_carry_out(request.user, carry_out.file))
    return carry_out


@login_required
@require_POST
def carry_out_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    carry_out = _decider(request, pk)
    try:
        services.approve_carry_out(actor=request.user, carry_out=carry_out)
    except services.CarryOutNotAllowed as refusal:
        messages.error(request, str(refusal))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The carry-out was approved."))
    return redirect("ledger:carry_out_detail", pk=carry_out.pk)


@login_required
@require_POST
def carry_out_refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    carry_out = _decider(request, pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            services.refuse_carry_out(
                actor=request.user, carry_out=carry_out, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error, {"reason": "reason"})
        else:
            messages.success(request, _("The carry-out was not approved."))
            return redirect("ledger:carry_out_detail", pk=carry_out.pk)
    return _detail(request, carry_out, refuse_form=form)


@login_required
@require_POST
def carry_out_return(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    carry_out = _decider(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_carry_out(
                actor=request.user, carry_out=carry_out, returned_at=form.returned_at()
            )
        except ValidationError as error:
            _return_errors(form, error)
        else:
            messages.success(request, _("The return was recorded."))
            return redirect("ledger:carry_out_detail", pk=carry_out.pk)
    return _detail(request, carry_out, return_form=form)


def _return_errors(form: ReturnForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        error = ValidationError({"returned_on": error.messages})
    add_service_errors(form, error, {})
