"""Pages for attachments: filing a document, downloading it, and the facts it states."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mamori.consultations import access, attachments
from mamori.consultations.forms_attachments import AttachmentForm, FactForm, fact_fields
from mamori.consultations.models import Attachment, Consultation
from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest, stored_file_response


def _attachments_url(consultation: Consultation) -> str:
    url = reverse(
        "consultations:consultation_detail",
        kwargs={"council": consultation.council.slug, "key": consultation.key},
    )
    return f"{url}#attachments"


def _facts_url(attachment: Attachment) -> str:
    return reverse("consultations:attachment_facts", args=[attachment.pk])


@login_required
def attachment_upload(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """File a document with a consultation (the department's staff or the secretariat)."""
    consultation = access.get_consultation_for_user(request.user, council, key)
    require(attachments.may_attach_to(request.user, consultation))
    refusal = attachments.upload_refusal(request.user, consultation)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(_attachments_url(consultation))
    posted = request.method == "POST"
    form = AttachmentForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            attachment = attachments.upload_attachment(
                actor=request.user,
                consultation=consultation,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error(None if error.code == "state" else "file", error)
        else:
            messages.success(request, _("“%(title)s” was attached.") % {"title": attachment.title})
            return redirect(_attachments_url(consultation))
    return render(
        request,
        "consultations/attachment_upload.html",
        {"consultation": consultation, "form": form},
    )


@login_required
def attachment_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """The file, as a download, to those who may see its consultation (the download is
    recorded in the audit trail)."""
    attachment = attachments.get_attachment_for_user(request.user, pk)
    return stored_file_response(
        actor=request.user,
        obj=attachment,
        use_case="consultations.download_attachment",
        file=attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
def attachment_facts(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The facts an attachment states; the department adds and removes them here."""
    user = request.user
    attachment = attachments.get_attachment_for_user(user, pk)
    consultation = attachment.consultation
    may_declare = attachments.may_declare_facts(user, attachment)
    if request.method == "POST":
        if "delete" in request.POST:
            return _delete_attachment(request, attachment)
        require(attachments.may_attach_to(user, consultation))
        refusal = attachments.facts_refusal(attachment)
        if refusal is not None:
            messages.error(request, refusal)
            return redirect(_facts_url(attachment))
        if "remove" in request.POST:
            return _remove_fact(request, attachment)
        form = FactForm(request.POST, consultation=consultation)
        if form.is_valid():
            try:
                attachments.declare_fact(actor=user, attachment=attachment, **fact_fields(form))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The fact was recorded."))
                return redirect(_facts_url(attachment))
    else:
        form = FactForm(
            initial={"path": request.GET.get("path", ""), "value": request.GET.get("value", "")},
            consultation=consultation,
        )
    context = _facts_context(request, attachment, form, may_declare=may_declare)
    if getattr(request, "htmx", False) and request.method == "GET":
        return render(request, "consultations/attachment_facts.html#value_field", context)
    return render(request, "consultations/attachment_facts.html", context)


def _facts_context(
    request: AuthenticatedRequest, attachment: Attachment, form: FactForm, *, may_declare: bool
) -> dict[str, Any]:
    value_choices = attachments.value_choices(form.chosen_path())
    if value_choices:
        form.fields["value"].widget.attrs["list"] = "fact-value-choices"
    form.fields["path"].widget.attrs.update(
        {
            "hx-get": _facts_url(attachment),
            "hx-trigger": "change",
            "hx-target": "#fact-value",
            "hx-swap": "outerHTML",
            "hx-include": "#id_value",
        }
    )
    facts = list(attachment.facts.all())
    attachments.label_facts(facts, attachment.consultation)
    return {
        "consultation": attachment.consultation,
        "attachment": attachment,
        "facts": facts,
        "form": form,
        "value_choices": value_choices,
        "may_declare": may_declare,
        "may_delete": attachments.may_delete(request.user, attachment),
    }


def _remove_fact(request: AuthenticatedRequest, attachment: Attachment) -> HttpResponse:
    try:
        fact = attachment.facts.get(pk=int(request.POST["remove"]))
    except (ValueError, attachment.facts.model.DoesNotExist) as error:
        raise Http404 from error
    attachments.remove_fact(actor=request.user, fact=fact)
    messages.success(request, _("The fact was removed."))
    return redirect(_facts_url(attachment))


def _delete_attachment(request: AuthenticatedRequest, attachment: Attachment) -> HttpResponse:
    require(attachments.may_delete(request.user, attachment))
    attachments.delete_attachment(actor=request.user, attachment=attachment)
    messages.success(request, _("“%(title)s” was deleted.") % {"title": attachment.title})
    return redirect(_attachments_url(attachment.consultation))
