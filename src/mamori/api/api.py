"""The JSON API under /api/v1/: the HandlingRecord of a consultation, read and drafted.

The same pydantic schema validates pages and the API; the same access helpers and lifecycle
services decide and write. Session sign-in (with CSRF on writes) is the only authentication:
the API serves the city's own screens and tools on its network.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.security import django_auth

from mamori.consultations import access, handling, lifecycle
from mamori.consultations.models import Consultation, HandlingRecordVersion

api = NinjaAPI(
    title="Mamori API",
    version="1",
    description="Consultations of the personal information protection council.",
    urls_namespace="api",
    docs_url=None,  # Swagger UI loads from a CDN; the city's network has none. The schema stays.
    auth=django_auth,
)


class VersionOut(Schema):
    number: int
    submitted: bool
    submitted_at: dt.datetime | None
    note: str
    record: handling.HandlingRecord


class RecordOut(Schema):
    consultation: str
    status: str
    answered_version: int | None
    versions: list[int]
    current: VersionOut | None


class Problem(Schema):
    detail: str
    missing: list[str] = []


def _version_out(version: HandlingRecordVersion) -> VersionOut:
    return VersionOut(
        number=version.number,
        submitted=version.is_submitted,
        submitted_at=version.submitted_at,
        note=version.note,
        record=version.record(),
    )


def _consultation(request: HttpRequest, council: str, key: str) -> Consultation:
    return access.get_consultation_for_user(request.user, council, key)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.get("/handling-record/schema", response=dict[str, Any], auth=None)
def handling_record_schema(request: HttpRequest) -> dict[str, Any]:
    """The JSON Schema of the HandlingRecord."""
    return handling.json_schema()


@api.get("/consultations/{council}/{key}/record", response=RecordOut)
def record(request: HttpRequest, council: str, key: str) -> RecordOut:
    """The consultation's record: its latest version (the draft, for those who may see it)."""
    consultation = _consultation(request, council, key)
    versions = list(access.versions_visible_to(request.user, consultation))
    answered = consultation.answered_version
    return RecordOut(
        consultation=consultation.key,
        status=consultation.status,
        answered_version=answered.number if answered else None,
        versions=[v.number for v in versions],
        current=_version_out(versions[-1]) if versions else None,
    )


@api.get("/consultations/{council}/{key}/record/versions/{number}", response=VersionOut)
def record_version(request: HttpRequest, council: str, key: str, number: int) -> VersionOut:
    """One version of the consultation's record."""
    consultation = _consultation(request, council, key)
    version = access.versions_visible_to(request.user, consultation).filter(number=number).first()
    if version is None:
        raise Http404
    return _version_out(version)


@api.put(
    "/consultations/{council}/{key}/record",
    response={200: VersionOut, 409: Problem},
)
def save_record(
    request: HttpRequest, council: str, key: str, payload: handling.HandlingRecord
) -> Any:
    """Save the department's draft of the record (validated by the schema)."""
    consultation = _consultation(request, council, key)
    try:
        version = lifecycle.save_record_draft(
            actor=request.user, consultation=consultation, record=payload
        )
    except lifecycle.TransitionError as error:
        return Status(409, Problem(detail=str(error)))
    return Status(200, _version_out(version))
