"""Helpers shared by the consultation page tests."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from mamori.audit.models import AuditEvent
from mamori.consultations.models import Consultation

EVERY_ROLE = [
    "secretariat",
    "staff",
    "other_staff",
    "member",
    "outsider_member",
    "contractor",
    "auditor",
]


def url_of(name: str, consultation: Consultation | None = None, **kwargs: Any) -> str:
    """The address of a consultations page, for a consultation when given."""
    if consultation is not None:
        kwargs = {"council": consultation.council.slug, "key": consultation.key, **kwargs}
    return reverse(f"consultations:{name}", kwargs=kwargs or None)


def signed_in(client: Client, personas: Any, role: str | None) -> Client:
    """The client signed in as the persona (or signed out for None)."""
    if role is not None:
        client.force_login(getattr(personas, role))
    return client


def sends_to_sign_in(response: HttpResponse) -> bool:
    """Whether the response redirects to the sign-in page."""
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def audited(use_case: str) -> int:
    """How many audit events the use case has written."""
    return AuditEvent.objects.filter(use_case=use_case).count()


def page_text(response: HttpResponse) -> str:
    """The body of a page, as text."""
    return response.content.decode()
