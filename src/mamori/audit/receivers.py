"""Sign-in, sign-out and failed sign-in, recorded in the audit trail from Django's auth signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from mamori.audit import services
from mamori.audit.models import AuditEvent

Action = AuditEvent.Action
USERNAME_MAX_LENGTH = 150


def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Record that a person signed in."""
    services.record(actor=user, action=Action.SIGN_IN, use_case="accounts.sign_in", obj=user)


def record_sign_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Record that a person signed out (nothing when nobody was signed in)."""
    if user is None or not user.is_authenticated:
        return
    services.record(actor=user, action=Action.SIGN_OUT, use_case="accounts.sign_out", obj=user)


def record_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Record a failed sign-in with the username tried and nothing else from the credentials."""
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or "")[:USERNAME_MAX_LENGTH]
    changes: dict[str, list[Any]] = {"username": [None, username]}
    # django-axes has already counted this failure and flagged the request if it locked the account.
    if getattr(request, "axes_locked_out", False):
        changes["locked_out"] = [None, True]
    account = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    services.record(
        actor=None,
        action=Action.SIGN_IN_FAILED,
        use_case="accounts.sign_in",
        obj=account,
        object_repr=username,
        changes=changes,
    )
