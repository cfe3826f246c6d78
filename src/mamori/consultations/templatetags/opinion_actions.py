"""What a user may do with an opinion, for the opinion card (consultations/_opinion.html)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from mamori.consultations.models import Opinion
from mamori.core.access import department_ids_of

register = template.Library()


@dataclass(frozen=True)
class _Roles:
    department_ids: set[int]
    chaired_council_ids: set[int]


def _roles(user: Any) -> _Roles:
    """The user's departments and chairs, looked up once per request for a page of cards."""
    roles: _Roles | None = getattr(user, "_opinion_roles", None)
    if roles is None:
        from mamori.council.models import Membership

        chaired: set[int] = set()
        if user.is_council_member:
            chaired = set(
                Membership.objects.filter(member=user, role=Membership.Role.CHAIR).values_list(
                    "council_id", flat=True
                )
            )
        roles = _Roles(department_ids_of(user), chaired)
        user._opinion_roles = roles
    return roles


@dataclass(frozen=True)
class OpinionActions:
    """The actions the opinion card offers the user."""

    edit: bool
    respond: bool
    close: bool
    follow_up: bool
    # Follow-ups whose owner is one of these are the user's to update (or any, secretariat).
    department_ids: frozenset[int]

    @property
    def any(self) -> bool:
        return self.edit or self.respond or self.close or self.follow_up


@register.simple_tag
def opinion_actions(opinion: Opinion, user: Any) -> OpinionActions:
    """`{% opinion_actions opinion user as may %}`: edit, respond, close, make a follow-up."""
    if not user.is_authenticated:
        return OpinionActions(False, False, False, False, frozenset())
    roles = _roles(user)
    consultation = opinion.consultation
    secretariat = user.is_secretariat
    department = user.is_department_staff and consultation.department_id in roles.department_ids
    member = user.is_council_member
    own = member and opinion.member_id == user.pk
    chair = member and consultation.council_id in roles.chaired_council_ids
    closed = opinion.state == Opinion.State.CLOSED
    answered = getattr(opinion, "response", None) is not None
    return OpinionActions(
        edit=secretariat or (own and not closed),
        respond=(secretariat or department) and not closed,
        close=(secretariat or own or chair) and not closed,
        follow_up=(secretariat or department) and answered and not opinion.follow_ups.all(),
        department_ids=frozenset(roles.department_ids),
    )
