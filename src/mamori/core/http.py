"""Request types shared by the views."""

from __future__ import annotations

from django.http import HttpRequest

from mamori.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request from a signed-in person (views behind login_required)."""

    user: User
