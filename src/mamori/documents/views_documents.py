"""Downloads of the official documents (諮問書, 答申書, 会議録) as Word, PDF or HTML, for
those who may read the records they are built from."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import render

from mamori.audit.models import AuditEvent
from mamori.audit.services import record
from mamori.consultations.access import get_consultation_for_user
from mamori.core.http import AuthenticatedRequest
from mamori.council import access as council_access
from mamori.documents import builders, formats
from mamori.documents.model import Document

logger = logging.getLogger(__name__)

RENDER_FAILED_TEMPLATE = "documents/render_failed.html"


def _checked(fmt: str) -> str:
    if fmt not in formats.FORMATS:
        raise Http404
    return fmt


def _respond(
    request: AuthenticatedRequest, document: Document, fmt: str, obj: models.Model, use_case: str
) -> HttpResponse:
    """The document in the format, as a download (Word, PDF) or shown in the browser (HTML),
    never sniffed nor cached; who fetched which record is kept in the audit trail. A document
    that cannot be rendered (a font missing, a renderer failing) gives a page in Japanese that
    says so, and the error goes to the log."""
    try:
        rendered = formats.render(document, fmt)
    except Exception:
        logger.exception("Rendering %s as %s failed", document.file_stem or document.key, fmt)
        response = render(
            request,
            RENDER_FAILED_TEMPLATE,
            {"title": document.title, "format": fmt.upper()},
            status=500,
        )
        response["Cache-Control"] = "private, no-store"
        return response
    record(actor=request.user, action=AuditEvent.Action.VIEW, use_case=use_case, obj=obj)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = formats.content_disposition(
        rendered.filename, rendered.ascii_filename, attachment=fmt != "html"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def consultation_document(
    request: AuthenticatedRequest, council: str, key: str, fmt: str
) -> HttpResponse:
    """The 諮問書 of a consultation: only ever a submitted version, so a member never reads a
    draft; a consultation with nothing submitted has none (404)."""
    fmt = _checked(fmt)
    consultation = get_consultation_for_user(request.user, council, key)
    try:
        document = builders.build_consultation(consultation)
    except builders.DocumentError as error:
        raise Http404 from error
    return _respond(request, document, fmt, consultation, "documents.consultation_document")


@login_required
def answer_document(
    request: AuthenticatedRequest, council: str, key: str, fmt: str
) -> HttpResponse:
    """The 答申書 of an answered consultation (its latest answer); 404 before the answer."""
    fmt = _checked(fmt)
    consultation = get_consultation_for_user(request.user, council, key)
    decision = consultation.decisions.latest_answer()
    if decision is None:
        raise Http404
    document = builders.build_answer(decision)
    return _respond(request, document, fmt, decision, "documents.answer_document")


@login_required
def minutes_document(
    request: AuthenticatedRequest, council: str, fiscal_year: int, number: int, fmt: str
) -> HttpResponse:
    """The 会議録 as recorded (nothing withheld), for the secretariat and the members who sat
    during the meeting's term, as the minutes draft page; 404 for a meeting without minutes.
    Where the public version withholds words or materials, this copy says so (内部用)."""
    fmt = _checked(fmt)
    meeting = council_access.get_meeting_for_user(request.user, council, fiscal_year, number)
    try:
        document = builders.build_minutes(meeting)
    except builders.DocumentError as error:
        raise Http404 from error
    return _respond(request, document, fmt, meeting, "documents.minutes_document")
