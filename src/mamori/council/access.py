"""Who may see and change meetings and minutes: the only way views fetch them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from mamori.core.access import require
from mamori.council.models import AgendaItem, Council, Meeting, Minutes


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """The secretariat sees every meeting; a member sees the meetings held during their term."""
    require(user.is_secretariat or user.is_council_member)
    meetings = Meeting.objects.select_related("council")
    if user.is_secretariat:
        return meetings
    return meetings.sat_on_by(user)


def get_council(slug: str) -> Council:
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404
    return council


def get_meeting_for_user(
    user: Any, council_slug: str, fiscal_year: int, number: int, *, write: bool = False
) -> Meeting:
    """A meeting the user may see (or, with write, manage: the secretariat only), else 403/404."""
    require(user.is_secretariat if write else (user.is_secretariat or user.is_council_member))
    meeting = (
        meetings_visible_to(user)
        .filter(council__slug=council_slug, fiscal_year=fiscal_year, number=number)
        .first()
    )
    if meeting is None:
        if Meeting.objects.filter(
            council__slug=council_slug, fiscal_year=fiscal_year, number=number
        ).exists():
            require(False)
        raise Http404
    return meeting


def get_agenda_item_for_user(user: Any, meeting: Meeting, order: int) -> AgendaItem:
    """An agenda item of a meeting the secretariat manages."""
    require(user.is_secretariat)
    item = meeting.agenda_items.filter(order=order).first()
    if item is None:
        raise Http404
    return item


def get_published_minutes(council_slug: str, fiscal_year: int, number: int) -> Minutes:
    """Published minutes, for anyone; drafts do not exist for the public."""
    minutes = (
        Minutes.objects.published()
        .select_related("meeting__council")
        .filter(
            meeting__council__slug=council_slug,
            meeting__fiscal_year=fiscal_year,
            meeting__number=number,
        )
        .first()
    )
    if minutes is None:
        raise Http404
    return minutes
