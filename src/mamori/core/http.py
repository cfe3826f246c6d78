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


def stored_file_response(
    *,
    actor: Any,
    obj: models.Model,
    use_case: str,
    file: FieldFile,
    filename: str,
    content_type: str,
) -> FileResponse:
    """A stored file sent as a download under its original name, never sniffed nor cached,
    and its viewing recorded in the audit trail (who downloaded which object); 404 when the
    file is missing from storage."""
    if not file.name:
        raise Http404
    try:
        stored = file.storage.open(file.name, "rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    try:
        record(actor=actor, action=AuditEvent.Action.VIEW, use_case=use_case, obj=obj)
    except BaseException:
        stored.close()
        raise
    response = FileResponse(
        stored, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
