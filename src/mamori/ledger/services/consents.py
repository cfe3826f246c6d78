"""Consents, and provisions asked of Mamori (allowed, refused, or under a legal exception)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from mamori.ledger.models import (
    ConsentEvent,
    ItemGroup,
    Provision,
    ProvisionPurpose,
    Recipient,
    Registrant,
)


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
    raise NotImplementedError


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
    raise NotImplementedError


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
    """A provision under a legal exception (OverrideGround); ground and explanation required."""
    raise NotImplementedError
