"""Who may mark the minutes for publication, and the numbers a URL may carry: the only way the
documents views fetch minutes."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from mamori.council import access
from mamori.council.models import Minutes

# The largest value a database integer column holds; a larger number in a URL names nothing.
MAX_ID = 2**63 - 1


def check_numbers(*values: int) -> None:
    """404 for a number in a URL that no row can have (the database would overflow)."""
    if any(value > MAX_ID for value in values):
        raise Http404


def get_managed_minutes(user: Any, council: str, fiscal_year: int, number: int) -> Minutes:
    """The minutes of a meeting the secretariat manages (403 for others, 404 when none)."""
    check_numbers(fiscal_year, number)
    meeting = access.get_meeting_for_user(user, council, fiscal_year, number, write=True)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("meeting__council").first()
    if minutes is None:
        raise Http404
    return minutes
