"""Stored personal data that cannot be decrypted: one Japanese page for every request.

A value encrypted under a key that is no longer in MAMORI_DATA_KEYS (or altered, or copied
into another column) raises crypto.DecryptionFailed wherever it is read: in a view, a service
or a template. Instead of the generic server error, the person sees what happened and what the
administrator should do, with the key id when it is known, never the value. The event is
logged with the key id and the page's route, without the exception's chain or the request's
data (which may hold personal data typed into a form).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mamori.ledger.crypto import DecryptionFailed

logger = logging.getLogger("mamori.ledger.decryption")

TEMPLATE = "ledger/decryption_failed.html"
# crypto.decrypt says "key <id> is not configured"; an id is ASCII letters and digits.
_UNKNOWN_KEY = re.compile(r"^key (?P<key_id>[A-Za-z0-9]{1,16}) is not configured$")


def decryption_failure(error: BaseException) -> DecryptionFailed | None:
    """The DecryptionFailed that caused `error` (itself, or one in its chain), if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, DecryptionFailed):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def key_id_of(failure: DecryptionFailed) -> str | None:
    """The id of the key the value names, when the failure tells it (an unknown key)."""
    key_id = getattr(failure, "key_id", None)
    if isinstance(key_id, str) and key_id.isascii() and key_id.isalnum():
        return key_id
    match = _UNKNOWN_KEY.match(str(failure))
    return match["key_id"] if match else None


class DecryptionFailedMiddleware:
    """Turn a DecryptionFailed raised while handling a request into the explanatory page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        failure = decryption_failure(exception)
        if failure is None:
            return None
        key_id = key_id_of(failure)
        match = request.resolver_match
        logger.error(
            "Stored personal data could not be decrypted (key id: %s) on %s %s.",
            key_id or "unknown",
            request.method,
            match.view_name if match is not None else "(no route)",
        )
        response = render(request, TEMPLATE, {"key_id": key_id}, status=500)
        # Logged above; Django's own 500 log would add the request, which may hold names.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response
