"""Role checks shared by every app's access module."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


def require(condition: bool) -> None:
    """Refuse with 403 unless the condition holds."""
    if not condition:
        raise PermissionDenied


def department_ids_of(user: Any) -> set[int]:
    """The departments a staff member may act for: their own and those under it."""
    if not user.is_department_staff or user.department is None:
        return set()
    ids: set[int] = user.department.subtree_ids()
    return ids
