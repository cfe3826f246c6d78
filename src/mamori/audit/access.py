"""Who may read the audit trail: auditors only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from mamori.audit.models import AuditEvent, AuditEventQuerySet


def get_events_for_user(user: Any) -> AuditEventQuerySet:
    """The audit events the user may read (all of them for an auditor), or PermissionDenied."""
    if not getattr(user, "is_auditor", False):
        raise PermissionDenied
    return AuditEvent.objects.all()
