"""Appending to the audit trail, and the field-level snapshots that feed it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mamori.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

Action = AuditEvent.Action
SECRET_FIELDS = {"password"}
# What the audit trail holds for an encrypted field's value: that there is one, never what.
ENCRYPTED = AuditEvent.ENCRYPTED_VALUE
# Snapshots compare encrypted values through a keyed digest that lives only in this process,
# so a change is seen without the value (or a fingerprint of it) reaching the trail.
_SEAL_KEY = os.urandom(32)
_SEAL_PREFIX = "\x00sealed:"


def _sealed(value: Any) -> Any:
    if value is None or value == "":
        return value
    digest = hmac.new(_SEAL_KEY, str(value).encode(), hashlib.sha256).hexdigest()
    return _SEAL_PREFIX + digest


def _unsealed(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_SEAL_PREFIX):
        return ENCRYPTED
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The values of an object's concrete fields (foreign keys as ids, secrets left out)."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            continue
        value = getattr(obj, field.attname)
        if getattr(field, "encrypted", False):
            values[field.attname] = _sealed(value)
        else:
            values[field.attname] = _plain(value)
    return values


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    """The fields whose values differ, as {field: [before, after]}; an encrypted field's
    values are replaced by a mark saying that there was a value."""
    before = before or {}
    after = after or {}
    return {
        key: [_unsealed(before.get(key)), _unsealed(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return str(actor.get_username())


@transaction.atomic
def record(
    *,
    actor: Any,
    action: str,
    use_case: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event, chained to the previous one, in the caller's transaction."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        seq=head.last_seq + 1,
        created_at=timezone.now(),
        actor=actor if authenticated else None,
        actor_label=_actor_label(actor),
        action=action,
        use_case=use_case,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr if object_repr is not None else str(obj or ""))[:300],
        changes=json.loads(json.dumps(changes or {}, default=str)),
        prev_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["last_seq", "last_hash"])
    return event


def record_create(*, actor: Any, use_case: str, obj: models.Model) -> AuditEvent:
    """Record that an object was created, with all its values."""
    return record(
        actor=actor,
        action=Action.CREATE,
        use_case=use_case,
        obj=obj,
        changes=diff(None, snapshot(obj)),
    )


def record_update(
    *, actor: Any, use_case: str, obj: models.Model, before: dict[str, Any]
) -> AuditEvent | None:
    """Record what changed on an object since the snapshot `before`; nothing if nothing did."""
    changes = diff(before, snapshot(obj))
    if not changes:
        return None
    return record(actor=actor, action=Action.UPDATE, use_case=use_case, obj=obj, changes=changes)


def record_delete(*, actor: Any, use_case: str, obj: models.Model) -> AuditEvent:
    """Record that an object is about to be deleted, with the values it had."""
    return record(
        actor=actor,
        action=Action.DELETE,
        use_case=use_case,
        obj=obj,
        changes=diff(snapshot(obj), None),
    )


class ChainBroken(Exception):
    """The chain does not verify; `event_seq` names the first event that fails, and why."""

    class Reason(models.TextChoices):
        HASH = "hash", gettext_lazy("its recorded contents do not match its hash")
        PREV_HASH = "prev_hash", gettext_lazy("it does not chain to the previous event's hash")
        MISSING = "missing", gettext_lazy("the event is missing")
        HEAD = "head", gettext_lazy("the chain head does not match the last event")

    def __init__(self, event_seq: int, reason: Reason, event_id: int | None = None) -> None:
        super().__init__(f"event {event_seq}: {reason.value}")
        self.event_seq = event_seq
        self.reason = reason
        self.event_id = event_id

    def describe(self) -> str:
        """A sentence, in the active language, naming the event and the fault."""
        if self.event_id is None:
            return _("Event number %(seq)s: %(reason)s.") % {
                "seq": self.event_seq,
                "reason": self.reason.label,
            }
        return _("Event number %(seq)s (id %(id)s): %(reason)s.") % {
            "seq": self.event_seq,
            "id": self.event_id,
            "reason": self.reason.label,
        }


def verify_chain() -> int:
    """Walk the chain up to its head; return the number of events, or raise ChainBroken."""
    Reason = ChainBroken.Reason
    # Read the head first: events appended while the walk runs lie beyond it and are left out.
    head = AuditChainHead.objects.filter(pk=1).first()
    events = AuditEvent.objects.order_by("seq")
    if head is not None:
        events = events.filter(seq__lte=head.last_seq)
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            raise ChainBroken(expected_seq, Reason.MISSING)
        if event.prev_hash != expected_prev:
            raise ChainBroken(event.seq, Reason.PREV_HASH, event.pk)
        if event.compute_hash() != event.hash:
            raise ChainBroken(event.seq, Reason.HASH, event.pk)
        expected_prev = event.hash
        expected_seq += 1
    count = expected_seq - 1
    if head is None:
        if count:
            raise ChainBroken(count, Reason.HEAD)
        return 0
    if head.last_seq != count:
        raise ChainBroken(count + 1, Reason.MISSING)
    if head.last_hash != expected_prev:
        raise ChainBroken(count, Reason.HEAD)
    return count
