"""Pages for the transitions of a consultation's life and for filing and assessing versions.

Each view fetches the consultation through access.py, refuses the wrong role with 403, and
turns a move the consultation's state does not allow into a message on its page: the
services check again inside their transaction, so nothing is ever half-applied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mamori.consultations import access, handling, lifecycle, record_forms, views_record
from mamori.consultations.forms_lifecycle import (
    AcceptForm,
    AssessForm,
    FileVersionForm,
    ReasonForm,
    WithdrawForm,
)
from mamori.consultations.models import ChangeAssessment, Consultation, HandlingRecordVersion
from mamori.consultations.views import detail_url
from mamori.consultations.views_diff import change_rows
from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest

GET_OR_POST = require_http_methods(["GET", "POST"])
NO_MEETING = gettext_lazy(
    "Every meeting of the council has published minutes: add the next meeting first."
)


def _back(consultation: Consultation, anchor: str = "") -> HttpResponse:
    return redirect(detail_url(consultation, anchor))


def _refused(request: AuthenticatedRequest, consultation: Consultation, action: str) -> bool:
    """Whether the state forbids the action; if so, say why on the consultation's page."""
    if lifecycle.may(consultation, action):
        return False
    messages.error(
        request,
        _("%(label)s is “%(status)s”: this cannot be done now.")
        % {"label": consultation.label, "status": consultation.get_status_display()},
    )
    return True


def _attempt(
    request: AuthenticatedRequest,
    consultation: Consultation,
    run: Callable[[], object],
    success: str,
) -> HttpResponse:
    """Run a transition; its refusal becomes a message, and either way back to the page."""
    try:
        run()
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return _back(consultation)


def _form_page(
    request: AuthenticatedRequest,
    consultation: Consultation,
    form: Any,
    *,
    heading: Any,
    button: Any,
    danger: bool = False,
    template: str = "consultations/lifecycle_form.html",
    **extra: Any,
) -> HttpResponse:
    context = {
        "consultation": consultation,
        "form": form,
        "heading": heading,
        "button": button,
        "danger": danger,
        **extra,
    }
    return render(request, template, context)


def _secretariat_consultation(
    request: AuthenticatedRequest, council: str, key: str
) -> Consultation:
    consultation = access.get_consultation_for_user(request.user, council, key)
    require(request.user.is_secretariat)
    return consultation


# Transitions of the consultation


@login_required
@GET_OR_POST
def consultation_return(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The secretariat sends a submitted consultation back for correction, with the reason."""
    consultation = _secretariat_consultation(request, council, key)
    if _refused(request, consultation, "return"):
        return _back(consultation)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _attempt(
            request,
            consultation,
            lambda: lifecycle.return_consultation(
                actor=request.user, consultation=consultation, reason=form.cleaned_data["reason"]
            ),
            _("%(label)s was returned to the department for correction.")
            % {"label": consultation.label},
        )
    return _form_page(
        request,
        consultation,
        form,
        heading=gettext_lazy("Return for correction"),
        button=gettext_lazy("Return to the department"),
    )


@login_required
@GET_OR_POST
def consultation_accept(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The secretariat accepts the consultation and places it on a meeting's agenda."""
    consultation = _secretariat_consultation(request, council, key)
    if _refused(request, consultation, "accept"):
        return _back(consultation)
    form = AcceptForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        return _attempt(
            request,
            consultation,
            lambda: lifecycle.accept_consultation(
                actor=request.user,
                consultation=consultation,
                meeting=meeting,
                title=form.cleaned_data["title"],
            ),
            _("%(label)s was accepted and placed on the agenda of %(meeting)s.")
            % {"label": consultation.label, "meeting": meeting.title},
        )
    no_meeting = not form.fields["meeting"].queryset.exists()  # type: ignore[attr-defined]
    return _form_page(
        request,
        consultation,
        form,
        heading=gettext_lazy("Accept and place on an agenda"),
        button=gettext_lazy("Accept and place on the agenda"),
        explanation=NO_MEETING if no_meeting else "",
    )


@login_required
@GET_OR_POST
def consultation_deliberate(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The secretariat records that the meeting has taken up the consultation."""
    consultation = _secretariat_consultation(request, council, key)
    if _refused(request, consultation, "deliberate"):
        return _back(consultation)
    if request.method == "POST":
        return _attempt(
            request,
            consultation,
            lambda: lifecycle.start_deliberation(actor=request.user, consultation=consultation),
            _("%(label)s is now under deliberation.") % {"label": consultation.label},
        )
    return _form_page(
        request,
        consultation,
        None,
        heading=gettext_lazy("Start the deliberation"),
        button=gettext_lazy("Start the deliberation"),
        explanation=gettext_lazy("Record that the meeting has taken up this consultation."),
    )


@login_required
@GET_OR_POST
def consultation_withdraw(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The department (or the secretariat) withdraws the consultation before the answer."""
    consultation = access.get_consultation_for_user(request.user, council, key, write=True)
    if _refused(request, consultation, "withdraw"):
        return _back(consultation)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _attempt(
            request,
            consultation,
            lambda: lifecycle.withdraw_consultation(
                actor=request.user, consultation=consultation, reason=form.cleaned_data["reason"]
            ),
            _("%(label)s was withdrawn.") % {"label": consultation.label},
        )
    return _form_page(
        request,
        consultation,
        form,
        heading=gettext_lazy("Withdraw the consultation"),
        button=gettext_lazy("Withdraw the consultation"),
        danger=True,
        explanation=gettext_lazy(
            "A withdrawn consultation cannot be resumed: to consult the council again, "
            "open a new consultation."
        ),
    )


@login_required
@GET_OR_POST
def consultation_close(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The secretariat closes an answered consultation whose follow-ups are all done."""
    consultation = _secretariat_consultation(request, council, key)
    if _refused(request, consultation, "close"):
        return _back(consultation)
    if request.method == "POST":
        return _attempt(
            request,
            consultation,
            lambda: lifecycle.close_consultation(actor=request.user, consultation=consultation),
            _("%(label)s was closed.") % {"label": consultation.label},
        )
    return _form_page(
        request,
        consultation,
        None,
        heading=gettext_lazy("Close the consultation"),
        button=gettext_lazy("Close the consultation"),
        danger=True,
        explanation=gettext_lazy(
            "Close it when the council's answer has been carried out and every follow-up is done."
        ),
    )


# Versions of the record after the answer


@login_required
@GET_OR_POST
def version_file(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """Department staff file the current draft of the record as a new version, saying why."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key)
    require(lifecycle.is_department_staff_of(user, consultation))
    if _refused(request, consultation, "file_version"):
        return _back(consultation)
    draft = lifecycle.draft_version(consultation)
    if draft is None:
        messages.error(request, _("Edit the handling record first: there is no draft to file."))
        return _back(consultation)
    form = FileVersionForm(request.POST or None, initial={"note": draft.note})
    missing: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.file_version(
                actor=user, consultation=consultation, note=form.cleaned_data["note"]
            )
        except lifecycle.IncompleteRecordError as error:
            messages.error(request, str(error))
            missing = _missing_items(consultation, draft)
        except lifecycle.FindingsOpenError as error:
            # Every must-fix finding, each with a link to the field and its explanation box.
            from mamori.review.views import findings_open_page

            return findings_open_page(request, consultation, error)
        except lifecycle.TransitionError as error:
            messages.error(request, str(error))
            return _back(consultation)
        else:
            messages.success(
                request, _("Version %(number)s of the record was filed.") % {"number": draft.number}
            )
            return _back(consultation, "versions")
    return _form_page(
        request,
        consultation,
        form,
        heading=gettext_lazy("File a new version of the record"),
        button=gettext_lazy("File this version"),
        template="consultations/lifecycle_file.html",
        draft=draft,
        missing=missing,
        diff_url=_diff_url(consultation, consultation.answered_version, draft),
    )


def _missing_items(
    consultation: Consultation, draft: HandlingRecordVersion
) -> list[dict[str, str]]:
    """What the draft lacks, in Japanese, each with a link to where it is filled in."""
    return [
        {
            "label": entry.label,
            "url": views_record.section_url(consultation, entry.section, entry.target),
        }
        for entry in record_forms.missing_entries(draft.record())
    ]


def _diff_url(
    consultation: Consultation,
    before: HandlingRecordVersion | None,
    after: HandlingRecordVersion,
) -> str:
    url = reverse(
        "consultations:record_diff",
        kwargs={"council": consultation.council.slug, "key": consultation.key},
    )
    if before is None:
        return url
    return f"{url}?from={before.number}&to={after.number}"


@login_required
@GET_OR_POST
def version_assess(
    request: AuthenticatedRequest, council: str, key: str, number: int
) -> HttpResponse:
    """The secretariat records what a version filed after the answer needs, and why."""
    consultation = _secretariat_consultation(request, council, key)
    version = _version(consultation, number)
    answered = consultation.answered_version
    if answered is None or version.number <= answered.number or not version.is_submitted:
        messages.error(request, _("Only a version filed after the answer is assessed."))
        return _back(consultation, "versions")
    if ChangeAssessment.objects.filter(version=version).exists():
        messages.error(request, _("This version has already been assessed."))
        return _back(consultation, "versions")
    form = AssessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _assess(request, consultation, version, form)
    return _form_page(
        request,
        consultation,
        form,
        heading=gettext_lazy("Assess the change"),
        button=gettext_lazy("Record the assessment"),
        template="consultations/lifecycle_assess.html",
        version=version,
        answered=answered,
        changes=_changes_or_none(answered, version),
        diff_url=_diff_url(consultation, answered, version),
    )


def _version(consultation: Consultation, number: int) -> HandlingRecordVersion:
    version = consultation.record_versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def _changes_or_none(before: HandlingRecordVersion, after: HandlingRecordVersion) -> Any:
    try:
        return change_rows(before.record(), after.record())
    except handling.ValidationError:
        return None


def _assess(
    request: AuthenticatedRequest,
    consultation: Consultation,
    version: HandlingRecordVersion,
    form: AssessForm,
) -> HttpResponse:
    try:
        assessment = lifecycle.assess_change(
            actor=request.user,
            version=version,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
    except IntegrityError:
        # Someone else assessed it a moment ago.
        messages.error(request, _("This version has already been assessed."))
    else:
        messages.success(
            request,
            _("The assessment of version %(number)s was recorded: %(outcome)s")
            % {"number": version.number, "outcome": assessment.get_outcome_display()},
        )
    return _back(consultation, "versions")
