"""Pages of the HandlingRecord: read it as the council does, draft it section by section."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.consultations import access, handling, lifecycle, record_forms
from mamori.consultations.models import Consultation, HandlingRecordVersion
from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.review import pages as review_pages


def _url(name: str, consultation: Consultation, **kwargs: Any) -> str:
    return reverse(
        f"consultations:{name}",
        kwargs={"council": consultation.council.slug, "key": consultation.key, **kwargs},
    )


def section_url(consultation: Consultation, section: str, target: str = "") -> str:
    """The address of a section's form, with the id of an input to jump to."""
    url = _url("record_edit", consultation, section=section)
    return f"{url}#{target}" if target else url


# Enough for any version number, and below the largest integer every database stores.
MAX_VERSION_DIGITS = 9

# Reading -------------------------------------------------------------------------------


@login_required
def record_view(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """The record as the council reads it: the working record, or ?version=N."""
    user = request.user
    consultation = access.get_consultation_for_user(user, council, key)
    drafter = lifecycle.is_department_staff_of(user, consultation)
    sees_drafts = access.may_see_drafts(user, consultation)
    version = _version_to_show(request, consultation, sees_drafts=sees_drafts)
    record = version.record() if version is not None else handling.HandlingRecord()
    # What the opinion cards (and their actions) read, so the page takes a bounded number of
    # queries however many opinions there are.
    opinions = consultation.opinions.select_related(
        "member", "meeting__council", "closed_by", "response__department"
    ).prefetch_related("follow_ups")
    sections = record_forms.record_sections(
        record, opinions_by_anchor=record_forms.opinions_by_anchor(opinions)
    )
    editable = drafter and lifecycle.may(consultation, "edit_record")
    if editable and (version is None or not version.is_submitted):
        for section in sections:
            section.edit_url = section_url(consultation, section.key)
    may_submit = drafter and lifecycle.may(consultation, "submit")
    return render(
        request,
        "consultations/record_view.html",
        {
            "consultation": consultation,
            "version": version,
            "versions": access.versions_visible_to(user, consultation).defer("data"),
            "sees_drafts": sees_drafts,
            "record_sections": sections,
            "record_heading_level": 2,
            "editable": editable,
            "may_submit": may_submit,
            "missing": _missing_with_links(consultation, record) if may_submit else [],
            "prereview": review_pages.prereview(
                user, consultation, version=version, record=record if version else None
            ),
        },
    )


def _version_to_show(
    request: AuthenticatedRequest, consultation: Consultation, *, sees_drafts: bool
) -> HandlingRecordVersion | None:
    """?version=N, else the draft for those who draft or check it, else the latest submitted."""
    wanted = request.GET.get("version")
    if wanted is not None:
        number = version_number(wanted)
        version = consultation.record_versions.filter(number=number).first()
        if version is None or not (version.is_submitted or sees_drafts):
            raise Http404
        return version
    if sees_drafts:
        return lifecycle.draft_version(consultation) or lifecycle.latest_submitted_version(
            consultation
        )
    return lifecycle.latest_submitted_version(consultation)


def version_number(text: str) -> int:
    """A version number from the address: ASCII digits within the database's integers, or 404.

    str.isdigit() lets "²" through to int(), and a number too large overflows the database.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_VERSION_DIGITS:
        raise Http404
    return int(text)


def _missing_with_links(
    consultation: Consultation, record: handling.HandlingRecord
) -> list[dict[str, str]]:
    return [
        {"label": entry.label, "url": section_url(consultation, entry.section, entry.target)}
        for entry in record_forms.missing_entries(record)
    ]


def missing_page(
    request: AuthenticatedRequest, consultation: Consultation, error: lifecycle.TransitionError
) -> HttpResponse:
    """The page listing what the record lacks, after an attempt to submit it."""
    return render(
        request,
        "consultations/record_missing.html",
        {
            "consultation": consultation,
            "message": str(error),
            "missing": _missing_with_links(consultation, lifecycle.working_record(consultation)),
        },
    )


# Drafting ------------------------------------------------------------------------------


def _drafted_by(request: AuthenticatedRequest, council: str, key: str) -> Consultation:
    """The consultation, if the user is staff of its department (403 otherwise)."""
    consultation = access.get_consultation_for_user(request.user, council, key)
    require(lifecycle.is_department_staff_of(request.user, consultation))
    return consultation


def _known_section(section: str) -> None:
    if section not in handling.SECTIONS:
        raise Http404


@login_required
def record_edit(
    request: AuthenticatedRequest, council: str, key: str, section: str
) -> HttpResponse:
    """Department staff write one section of the record; every save keeps a draft."""
    _known_section(section)
    consultation = _drafted_by(request, council, key)
    if not lifecycle.may(consultation, "edit_record"):
        messages.error(
            request,
            _("%(label)s is “%(status)s”: its handling record cannot be changed now.")
            % {"label": consultation.label, "status": consultation.get_status_display()},
        )
        return redirect(_url("record_view", consultation))
    record = lifecycle.working_record(consultation)
    if request.method == "POST":
        return _post_section(request, consultation, record, section)
    form = record_forms.section_form(section, handling.dump(record)[section])
    return _edit_page(request, consultation, record, form)


def _post_section(
    request: AuthenticatedRequest,
    consultation: Consultation,
    record: handling.HandlingRecord,
    section: str,
) -> HttpResponse:
    data = request.POST
    remove, add = data.get("remove", ""), data.get("add", "")
    raw = record_forms.read_section(section, data, drop=remove)
    if add or remove:
        # The add and remove buttons without JavaScript: change the form, save nothing yet.
        if add in record_forms.row_lists(section):
            record_forms.add_row(section, raw, add)
        form = record_forms.section_form(section, raw)
        return _edit_page(request, consultation, record, form, rows_changed=True)
    updated, errors = record_forms.validate_section(record, section, raw)
    if updated is None:
        form = record_forms.section_form(section, raw, errors)
        return _edit_page(request, consultation, record, form)
    try:
        lifecycle.save_record_draft(actor=request.user, consultation=consultation, record=updated)
    except lifecycle.TransitionError as error:
        messages.error(request, str(error))
        return _edit_page(request, consultation, record, record_forms.section_form(section, raw))
    title = _(record_forms.section_spec(section).title)
    messages.success(request, _("“%(title)s” was saved as a draft.") % {"title": title})
    following = record_forms.next_section(section)
    if data.get("action") != "next":
        return redirect(section_url(consultation, section))
    if following is None:
        return redirect(_url("record_view", consultation))
    return redirect(section_url(consultation, following))


def _edit_page(
    request: AuthenticatedRequest,
    consultation: Consultation,
    record: handling.HandlingRecord,
    form: record_forms.SectionForm,
    *,
    rows_changed: bool = False,
) -> HttpResponse:
    missing = [
        entry for entry in record_forms.missing_entries(record) if entry.section == form.section
    ]
    # The pre-review's findings on the saved draft, beside the section (issue 4).
    review = review_pages.drafting(consultation, record, form.section)
    return render(
        request,
        "consultations/record_edit.html",
        {
            "consultation": consultation,
            "form": form,
            "sections": review.nav(record_forms.section_links(record, form.section)),
            "review": review,
            "back": section_url(consultation, form.section),
            "next_section": record_forms.next_section(form.section),
            "missing": missing,
            "rows_changed": rows_changed,
            "row_url": _url("record_row", consultation, section=form.section),
        },
    )


@login_required
@require_POST
def record_row(request: AuthenticatedRequest, council: str, key: str, section: str) -> HttpResponse:
    """htmx: the inputs of one new empty row of a list (or nothing, for a removed row)."""
    _known_section(section)
    consultation = _drafted_by(request, council, key)
    require(lifecycle.may(consultation, "edit_record"))
    if not getattr(request, "htmx", False):
        return redirect(section_url(consultation, section))
    if request.POST.get("remove"):
        return HttpResponse("")
    list_name = request.POST.get("add") or section
    if list_name not in record_forms.row_lists(section):
        raise Http404
    row = record_forms.empty_row_node(list_name, request.POST)
    return render(
        request,
        "consultations/record_edit.html#row",
        {"row": row, "row_url": _url("record_row", consultation, section=section)},
    )
