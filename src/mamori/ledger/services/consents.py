"""Consents, and provisions asked of Mamori (allowed, refused, or under a legal exception).

Each use case locks the registrant's row while it decides and writes, so that a withdrawal
recorded at the same moment is either seen by the decision or waits for the provision to be
recorded: a provision is never decided on a history that is already out of date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mamori.audit import services as audit
from mamori.core import eras
from mamori.core.access import department_ids_of
from mamori.ledger import access, consent
from mamori.ledger.models import (
    ConsentEvent,
    ConsentStatus,
    ItemGroup,
    OverrideGround,
    PersonalInformationFile,
    Provision,
    ProvisionPurpose,
    Recipient,
    Registrant,
)

EXPLANATION_MAX = 2000


def may_override(user: Any, file: PersonalInformationFile) -> bool:
    """A provision under a legal exception is the city's decision: staff of the file's
    department only, never its contractor."""
    return bool(user.is_department_staff and file.department_id in department_ids_of(user))


def _require(actor: Any, allowed: bool) -> None:
    if not getattr(actor, "is_authenticated", False) or not allowed:
        raise PermissionDenied


def _locked(registrant: Registrant) -> Registrant:
    """Lock the registrant's row for the rest of the transaction (see the module's note)."""
    Registrant.objects.select_for_update().only("pk").get(pk=registrant.pk)
    return registrant


def _check_same_file(
    registrant: Registrant,
    recipient: Recipient,
    purpose: ProvisionPurpose,
    item_groups: Sequence[ItemGroup],
) -> None:
    if not item_groups:
        raise ValidationError(_("Choose at least one item group."), code="no_items")
    file_id = registrant.file_id
    if recipient.file_id != file_id:
        raise ValidationError(
            _("The recipient is not one of this file's recipients."), code="other_file"
        )
    if purpose.file_id != file_id:
        raise ValidationError(
            _("The purpose is not one of this file's purposes of provision."), code="other_file"
        )
    if any(group.file_id != file_id for group in item_groups):
        raise ValidationError(
            _("An item group is not one of this file's item groups."), code="other_file"
        )


def _not_in_future(day: dt.date, message: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(message % {"date": eras.format_date(day)}, code="future")


def _decide(
    registrant: Registrant,
    recipient: Recipient,
    purpose: ProvisionPurpose,
    item_groups: Sequence[ItemGroup],
    on: dt.date,
) -> consent.ConsentDecision:
    try:
        return consent.decide(
            registrant_id=registrant.pk,
            recipient_id=recipient.pk,
            purpose_id=purpose.pk,
            item_group_ids=[group.pk for group in item_groups],
            on=on,
        )
    except ValueError as error:
        raise ValidationError(
            _("The recipient, purpose and item groups must be those of the registrant's file."),
            code="other_file",
        ) from error


def _reason(decision: consent.ConsentDecision) -> str:
    """The reason in the city's language, whatever the language of the request: it is kept."""
    with translation.override(settings.LANGUAGE_CODE):
        return decision.reason()


def _save_provision(
    *, actor: Any, provision: Provision, item_groups: Sequence[ItemGroup], use_case: str
) -> Provision:
    provision.save()
    provision.item_groups.set(item_groups)
    changes = audit.diff(None, audit.snapshot(provision))
    changes["item_groups"] = [None, sorted(group.pk for group in item_groups)]
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        use_case=use_case,
        obj=provision,
        changes=changes,
    )
    return provision


@transaction.atomic
def record_consent(
    *,
    actor: Any,
    registrant: Registrant,
    recipient: Recipient,
    item_groups: Sequence[ItemGroup],
    purpose: ProvisionPurpose,
    status: str,
    effective_on: dt.date,
    expires_on: dt.date | None = None,
    written_form_on_file: bool = False,
    explanation_given: bool = False,
) -> list[ConsentEvent]:
    """One event per item group; refused if recipient, groups or purpose are another file's."""
    _require(actor, access.may_see_personal_data(actor, registrant.file))
    if status not in ConsentStatus.values:
        raise ValidationError(_("Choose given, refused or withdrawn."), code="status")
    _check_same_file(registrant, recipient, purpose, item_groups)
    _not_in_future(
        effective_on,
        _("A consent is recorded once it has been stated: %(date)s is still to come."),
    )
    if expires_on is not None and status != ConsentStatus.GIVEN:
        raise ValidationError(
            _("Only a consent that is given has an end date."), code="expires_not_given"
        )
    if expires_on is not None and expires_on < effective_on:
        raise ValidationError(
            _("The consent cannot end before it takes effect."), code="expires_before"
        )
    _locked(registrant)
    now = timezone.now()
    events = []
    for group in dict.fromkeys(item_groups):
        event = ConsentEvent.objects.create(
            registrant=registrant,
            recipient=recipient,
            item_group=group,
            purpose=purpose,
            status=status,
            effective_on=effective_on,
            expires_on=expires_on,
            written_form_on_file=written_form_on_file,
            explanation_given=explanation_given,
            recorded_by=actor,
            recorded_at=now,
        )
        audit.record_create(actor=actor, use_case="ledger.record_consent", obj=event)
        events.append(event)
    return events


@transaction.atomic
def record_provision(
    *,
    actor: Any,
    registrant: Registrant,
    recipient: Recipient,
    purpose: ProvisionPurpose,
    item_groups: Sequence[ItemGroup],
    provided_on: dt.date,
) -> Provision:
    """Ask consent.decide; record the provision as allowed, or as refused with the reason
    naming the missing consents. Never raises for a refusal: the caller reads `outcome`."""
    _require(actor, access.may_see_personal_data(actor, registrant.file))
    _check_same_file(registrant, recipient, purpose, item_groups)
    _not_in_future(
        provided_on,
        _("Record a provision when it is made: %(date)s is still to come."),
    )
    _locked(registrant)
    decision = _decide(registrant, recipient, purpose, item_groups, provided_on)
    provision = Provision(
        registrant=registrant,
        recipient=recipient,
        purpose=purpose,
        provided_on=provided_on,
        outcome=Provision.Outcome.ALLOWED if decision.allowed else Provision.Outcome.REFUSED,
        refusal_reason=_reason(decision),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    return _save_provision(
        actor=actor,
        provision=provision,
        item_groups=item_groups,
        use_case="ledger.record_provision",
    )


@transaction.atomic
def record_override(
    *,
    actor: Any,
    registrant: Registrant,
    recipient: Recipient,
    purpose: ProvisionPurpose,
    item_groups: Sequence[ItemGroup],
    provided_on: dt.date,
    ground: str,
    explanation: str,
) -> Provision:
    """A provision under a legal exception (OverrideGround); ground and explanation required.
    Refused when live consents cover it: that is an ordinary provision."""
    _require(actor, may_override(actor, registrant.file))
    if ground not in OverrideGround.values:
        raise ValidationError(_("Choose the legal exception that applies."), code="ground")
    circumstances = (explanation or "").strip()
    if not circumstances:
        raise ValidationError(
            _("Describe the circumstances that make the exception apply."), code="explanation"
        )
    if len(circumstances) > EXPLANATION_MAX:
        raise ValidationError(
            _("Describe the circumstances in %(max)s characters or fewer.")
            % {"max": EXPLANATION_MAX},
            code="explanation",
        )
    _check_same_file(registrant, recipient, purpose, item_groups)
    _not_in_future(
        provided_on,
        _("Record a provision when it is made: %(date)s is still to come."),
    )
    _locked(registrant)
    decision = _decide(registrant, recipient, purpose, item_groups, provided_on)
    if decision.allowed:
        raise ValidationError(
            _(
                "The registrant's consent covers this provision: no exception is needed. "
                "Record it as an ordinary provision."
            ),
            code="covered",
        )
    provision = Provision(
        registrant=registrant,
        recipient=recipient,
        purpose=purpose,
        provided_on=provided_on,
        outcome=Provision.Outcome.OVERRIDDEN,
        refusal_reason=_reason(decision),
        override_ground=ground,
        override_explanation=circumstances,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    return _save_provision(
        actor=actor, provision=provision, item_groups=item_groups, use_case="ledger.record_override"
    )
