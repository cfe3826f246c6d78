"""Request types shared by the views, and the download of a stored file."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest

from mamori.accounts.models import User
from mamori.audit.models import AuditEvent
from mamori.audit.services import record


class AuthenticatedRequest(HttpRequest):
    """A request from a signed-in person (views behind login_required)."""

    user: User


def file_download(
    file: FieldFile, filename: str, content_type: str, *, cache_control: str = "private, no-store"
) -> FileResponse:
    """A stored file sent as a download under the given name, never sniffed; 404 when the file
    is missing from storage."""
    if not file.name:
        raise Http404
    try:
        stored = file.storage.open(file.name, "rb")
    except OSError as error:  # FileNotFoundError included
        raise Http404 from error
    response = FileResponse(
        stored, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response


def stored_file_response(
    *,
    actor: Any,
    obj: models.Model,
    use_case: str,
    file: FieldFile,
    filename: str,
    content_type: str,
) -> FileResponse:
    """A file_download that is never cached, its viewing recorded in the audit trail (who
    downloaded which object); nothing is recorded when the file is missing (404)."""
    response = file_download(file, filename, content_type)
    try:
        record(actor=actor, action=AuditEvent.Action.VIEW, use_case=use_case, obj=obj)
    except BaseException:
        response.close()
        raise
    return response
