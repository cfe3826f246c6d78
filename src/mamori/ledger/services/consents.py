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
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mamori.audit import services as audit
from mamori.core import eras
from mamori.core.access import require
from mamori.ledger import access, consent
from mamori.ledger.models import (
    ConsentEvent,
    ConsentStatus,
    ItemGroup,
    OverrideGround,
    Provision,
    ProvisionPurpose,
    Recipient,
    Registrant,
)
from mamori.ledger.text import clean

EXPLANATION_MIN = 10
EXPLANATION_MAX = 2000
LATE_REASON_MAX = 500


def _require(actor: Any, allowed: bool) -> None:
    require(bool(getattr(actor, "is_authenticated", False)) and allowed)


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


def _check_provided_on(registrant: Registrant, provided_on: dt.date, late_reason: str) -> str:
    """The day of a provision lies between the person's registration and today; one dated
    before today says why it is recorded late. Returns the reason to store ('' for today)."""
    _not_in_future(
        provided_on,
        _("Record a provision when it is made: %(date)s is still to come."),
    )
    if provided_on < registrant.registered_on:
        raise ValidationError(
            _(
                "The person was registered on %(registered)s: a provision cannot be dated "
                "before that."
            )
            % {"registered": eras.format_date(registrant.registered_on)},
            code="before_registration",
        )
    if provided_on >= timezone.localdate():
        return ""
    reason = clean(late_reason)
    if not reason:
        raise ValidationError(
            _("The provision is dated %(date)s, before today: write why it is recorded only now.")
            % {"date": eras.format_date(provided_on)},
            code="late_reason",
        )
    if len(reason) > LATE_REASON_MAX:
        raise ValidationError(
            _("Write why it is recorded late in %(max)s characters or fewer.")
            % {"max": LATE_REASON_MAX},
            code="late_reason",
        )
    return reason


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


def _latest_statements(
    registrant: Registrant,
    recipient: Recipient,
    purpose: ProvisionPurpose,
    item_groups: Sequence[ItemGroup],
) -> dict[int, ConsentEvent]:
    """The latest statement recorded for each item group of the combination (by effective
    date, then the time it was recorded), whatever its date."""
    latest: dict[int, ConsentEvent] = {}
    events = ConsentEvent.objects.filter(
        registrant=registrant,
        recipient=recipient,
        purpose=purpose,
        item_group__in=[group.pk for group in item_groups],
    ).order_by("-effective_on", "-recorded_at", "-id")
    for event in events:
        latest.setdefault(event.item_group_id, event)
    return latest


def _check_given(
    *,
    registrant: Registrant,
    recipient: Recipient,
    purpose: ProvisionPurpose,
    item_groups: Sequence[ItemGroup],
    written_form_on_file: bool,
    confirmed: bool,
) -> None:
    """A consent given counts only with the signed form where the answer asks for one, and
    one that reverses the person's refusal or withdrawal is recorded only once confirmed."""
    if recipient.written_consent_required and not written_form_on_file:
        raise ValidationError(
            _(
                "The written consent cannot be confirmed: consent to giving data to "
                "%(recipient)s must be given in writing. Record it once the signed form is "
                "on file."
            )
            % {"recipient": recipient.name},
            code="no_written_form",
        )
    if confirmed:
        return
    reversed_ = [
        event
        for event in _latest_statements(registrant, recipient, purpose, item_groups).values()
        if event.status in (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN)
    ]
    if reversed_:
        last = max(reversed_, key=lambda event: (event.effective_on, event.recorded_at))
        raise ValidationError(
            _(
                "The person refused or withdrew this consent (%(status)s, %(date)s). Check "
                "that the person now gives it, confirm below and record it again."
            )
            % {"status": last.get_status_display(), "date": eras.format_date(last.effective_on)},
            code="reverses_refusal",
        )


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
    confirmed: bool = False,
) -> list[ConsentEvent]:
    """One event per item group; refused if recipient, groups or purpose are another file's,
    if a consent given lacks the written form the recipient requires, or if it reverses a
    refusal or withdrawal without `confirmed`."""
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
    if status == ConsentStatus.GIVEN:
        _check_given(
            registrant=registrant,
            recipient=recipient,
            purpose=purpose,
            item_groups=item_groups,
            written_form_on_file=written_form_on_file,
            confirmed=confirmed,
        )
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


def uncovered_provisions(
    registrant: Registrant,
    *,
    events: Sequence[ConsentEvent] | None = None,
    recipient: Recipient | None = None,
    purpose: ProvisionPurpose | None = None,
    since: dt.date | None = None,
) -> list[Provision]:
    """Provisions recorded as allowed that the history as it stands no longer covers: a
    refusal or withdrawal recorded later took effect on or before their day. A read only (no
    personal data is loaded); `events` may be the registrant's history already read."""
    provisions = registrant.provisions.filter(outcome=Provision.Outcome.ALLOWED)
    if recipient is not None:
        provisions = provisions.filter(recipient=recipient)
    if purpose is not None:
        provisions = provisions.filter(purpose=purpose)
    if since is not None:
        provisions = provisions.filter(provided_on__gte=since)
    found = list(
        provisions.defer("override_explanation", "late_reason").prefetch_related("item_groups")
    )
    if not found:
        return []
    history = list(events) if events is not None else list(registrant.consent_events.all())
    by_key: dict[tuple[int, int, int], list[ConsentEvent]] = {}
    for event in history:
        key = (event.recipient_id, event.purpose_id, event.item_group_id)
        by_key.setdefault(key, []).append(event)
    return [
        provision
        for provision in found
        if any(
            consent.state_from_history(
                provision.provided_on,
                by_key.get((provision.recipient_id, provision.purpose_id, group.pk), []),
            ).state
            != consent.State.COVERED
            for group in provision.item_groups.all()
        )
    ]


@transaction.atomic
def record_provision(
    *,
    actor: Any,
    registrant: Registrant,
    recipient: Recipient,
    purpose: ProvisionPurpose,
    item_groups: Sequence[ItemGroup],
    provided_on: dt.date,
    late_reason: str = "",
) -> Provision:
    """Ask consent.decide; record the provision as allowed, or as refused with the reason
    naming the missing consents. Never raises for a refusal: the caller reads `outcome`.
    A provision dated before today needs `late_reason` (stored encrypted)."""
    _require(actor, access.may_see_personal_data(actor, registrant.file))
    _check_same_file(registrant, recipient, purpose, item_groups)
    reason = _check_provided_on(registrant, provided_on, late_reason)
    _locked(registrant)
    decision = _decide(registrant, recipient, purpose, item_groups, provided_on)
    provision = Provision(
        registrant=registrant,
        recipient=recipient,
        purpose=purpose,
        provided_on=provided_on,
        outcome=Provision.Outcome.ALLOWED if decision.allowed else Provision.Outcome.REFUSED,
        refusal_reason=_reason(decision),
        late_reason=reason,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    return _save_provision(
        actor=actor,
        provision=provision,
        item_groups=item_groups,
        use_case="ledger.record_provision",
    )


def _check_supersedes(
    registrant: Registrant,
    recipient: Recipient,
    purpose: ProvisionPurpose,
    supersedes: Provision | None,
) -> Provision | None:
    """The refused provision an exception follows, re-read under the registrant's lock: it
    must be this registrant's refusal of the same recipient and purpose, not yet followed."""
    if supersedes is None:
        return None
    refused = (
        Provision.objects.filter(pk=supersedes.pk, registrant=registrant)
        .only("pk", "registrant_id", "recipient_id", "purpose_id", "outcome")
        .first()
    )
    if refused is None or refused.outcome != Provision.Outcome.REFUSED:
        raise ValidationError(
            _("An exception follows a refused provision of this registrant."),
            code="not_refused",
        )
    if refused.recipient_id != recipient.pk or refused.purpose_id != purpose.pk:
        raise ValidationError(
            _("The exception must concern the recipient and the purpose of the refused provision."),
            code="not_the_refused",
        )
    if Provision.objects.filter(supersedes=refused).exists():
        raise ValidationError(
            _("An exception has already been recorded for this refused provision."),
            code="already_superseded",
        )
    return refused


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
    late_reason: str = "",
    supersedes: Provision | None = None,
) -> Provision:
    """A provision under a legal exception (OverrideGround); ground and circumstances (at
    least EXPLANATION_MIN characters) required. Refused when live consents cover it: that is
    an ordinary provision. `supersedes` is the refused provision it follows (one exception
    per refusal); a provision dated before today needs `late_reason`."""
    _require(actor, access.may_override(actor, registrant.file))
    if ground not in OverrideGround.values:
        raise ValidationError(_("Choose the legal exception that applies."), code="ground")
    circumstances = clean(explanation)
    if len(circumstances) < EXPLANATION_MIN:
        raise ValidationError(
            _(
                "Describe the circumstances that make the exception apply in at least "
                "%(min)s characters."
            )
            % {"min": EXPLANATION_MIN},
            code="explanation",
        )
    if len(circumstances) > EXPLANATION_MAX:
        raise ValidationError(
            _("Describe the circumstances in %(max)s characters or fewer.")
            % {"max": EXPLANATION_MAX},
            code="explanation",
        )
    _check_same_file(registrant, recipient, purpose, item_groups)
    reason = _check_provided_on(registrant, provided_on, late_reason)
    _locked(registrant)
    refused = _check_supersedes(registrant, recipient, purpose, supersedes)
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
        supersedes=refused,
        late_reason=reason,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            return _save_provision(
                actor=actor,
                provision=provision,
                item_groups=item_groups,
                use_case="ledger.record_override",
            )
    except IntegrityError as error:  # the same refusal followed meanwhile by someone else
        raise ValidationError(
            _("An exception has already been recorded for this refused provision."),
            code="already_superseded",
        ) from error
