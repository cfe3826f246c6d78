"""Who may see and change consultations, opinions and follow-ups."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from mamori.consultations.models import (
    Consultation,
    FollowUp,
    FollowUpQuerySet,
    HandlingRecordVersion,
    Opinion,
)
from mamori.core.access import department_ids_of, require
from mamori.council.access import meetings_visible_to


def consultations_visible_to(user: Any) -> QuerySet[Consultation]:
    """The secretariat sees all; staff their department's; members those on their meetings."""
    require(user.is_secretariat or user.is_department_staff or user.is_council_member)
    consultations = Consultation.objects.select_related("council", "department__parent")
    if user.is_secretariat:
        return consultations
    if user.is_department_staff:
        return consultations.of_departments(department_ids_of(user))
    meeting_ids = meetings_visible_to(user).values("pk")
    return consultations.filter(agenda_items__meeting__in=meeting_ids).distinct()


def may_edit_consultation(user: Any, consultation: Consultation) -> bool:
    """The secretariat, or staff of the consultation's department."""
    return user.is_secretariat or (
        user.is_department_staff and consultation.department_id in department_ids_of(user)
    )


def get_consultation_for_user(
    user: Any, council_slug: str, key: str, *, write: bool = False
) -> Consultation:
    """A consultation by its natural key (2009-4) that the user may see, or change with write."""
    try:
        year_text, number_text = key.split("-", 1)
        fiscal_year, number = int(year_text), int(number_text)
    except ValueError as error:
        raise Http404 from error
    lookup = {"council__slug": council_slug, "fiscal_year": fiscal_year, "number": number}
    consultation = consultations_visible_to(user).filter(**lookup).first()
    if consultation is None:
        require(not Consultation.objects.filter(**lookup).exists())
        raise Http404
    if write:
        require(may_edit_consultation(user, consultation))
    return consultation


def may_respond(user: Any, consultation: Consultation) -> bool:
    """Staff of the consultation's department and the secretariat answer opinions."""
    return may_edit_consultation(user, consultation)


def get_opinion_for_user(user: Any, opinion_id: int, *, write: bool = False) -> Opinion:
    """An opinion the user may see; with write, the member's own opinion or the secretariat."""
    opinion = Opinion.objects.select_related("consultation__council").filter(pk=opinion_id).first()
    if opinion is None:
        raise Http404
    visible = consultations_visible_to(user).filter(pk=opinion.consultation_id).exists()
    require(visible)
    if write:
        require(user.is_secretariat or (user.is_council_member and opinion.member_id == user.pk))
    return opinion


def follow_ups_visible_to(user: Any) -> FollowUpQuerySet:
    """The secretariat sees every follow-up; staff those their department owns."""
    require(user.is_secretariat or user.is_department_staff)
    follow_ups = FollowUp.objects.select_related(
        "owner__parent", "consultation__council", "meeting__council"
    )
    if user.is_secretariat:
        return follow_ups
    return follow_ups.filter(owner_id__in=department_ids_of(user))


def get_follow_up_for_user(user: Any, follow_up_id: int) -> FollowUp:
    """A follow-up the user may update: the owner's staff or the secretariat."""
    follow_up = follow_ups_visible_to(user).filter(pk=follow_up_id).first()
    if follow_up is None:
        require(not FollowUp.objects.filter(pk=follow_up_id).exists())
        raise Http404
    return follow_up


def may_see_drafts(user: Any, consultation: Consultation) -> bool:
    """Who sees a record's unsubmitted draft: its department's staff and the secretariat.

    Members read only what was submitted to them, on the pages and through the API alike.
    """
    return bool(user.is_authenticated and may_edit_consultation(user, consultation))


def versions_visible_to(user: Any, consultation: Consultation) -> QuerySet[HandlingRecordVersion]:
    """The record versions of a consultation the user may read, oldest first."""
    versions = consultation.record_versions.order_by("number")
    return versions if may_see_drafts(user, consultation) else versions.submitted()
