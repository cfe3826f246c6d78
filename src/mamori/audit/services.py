"""Appending to the audit trail, and the field-level snapshots that feed it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from mamori.audit.models import AuditChainHead, AuditEvent

Action = AuditEvent.Action
SECRET_FIELDS = {"password"}


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
        values[field.attname] = _plain(getattr(obj, field.attname))
    return values


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    """The fields whose values differ, as {field: [before, after]}."""
    before = before or {}
    after = after or {}
    return {
        key: [before.get(key), after.get(key)]
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
        actor=actor, action=Action.CREATE, use_case=use_case, obj=obj,
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
        actor=actor, action=Action.DELETE, use_case=use_case, obj=obj,
        changes=diff(snapshot(obj), None),
    )


class ChainBroken(Exception):
    """The chain does not verify; `event_seq` names the first event that fails."""

    def __init__(self, event_seq: int, reason: str) -> None:
        super().__init__(reason)
        self.event_seq = event_seq
        self.reason = reason


def verify_chain() -> int:
    """Walk the whole chain; return the number of events, or raise ChainBroken at the first fault."""
    expected_prev = "0" * 64
    expected_seq = 1
    count = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            raise ChainBroken(expected_seq, "missing")
        if event.prev_hash != expected_prev:
            raise ChainBroken(event.seq, "prev_hash")
        if event.compute_hash() != event.hash:
            raise ChainBroken(event.seq, "hash")
        expected_prev = event.hash
        expected_seq += 1
        count += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_seq != count or head.last_hash != expected_prev):
        raise ChainBroken(count + 1, "missing")
    return count


M = TypeVar("M", bound=models.Model)


def create_audited(model: type[M], *, actor: Any, use_case: str, **fields: Any) -> M:
    """Create a row and record it, in one transaction."""
    with transaction.atomic():
        obj = model._default_manager.create(**fields)
        record_create(actor=actor, use_case=use_case, obj=obj)
    return obj


def update_audited(
    obj: M, *, actor: Any, use_case: str, extra_changes: dict[str, Any] | None = None, **fields: Any
) -> M:
    """Change some fields of a row and record what changed, in one transaction."""
    with transaction.atomic():
        before = snapshot(obj)
        for name, value in fields.items():
            setattr(obj, name, value)
        if fields:
            obj.save(update_fields=list(fields))
        changes = diff(before, snapshot(obj)) | (extra_changes or {})
        if changes:
            record(actor=actor, action=Action.UPDATE, use_case=use_case, obj=obj, changes=changes)
    return obj


def delete_audited(obj: models.Model, *, actor: Any, use_case: str) -> None:
    """Record a row's values, then delete it, in one transaction."""
    with transaction.atomic():
        record_delete(actor=actor, use_case=use_case, obj=obj)
        obj.delete()


def m2m_change(name: str, before: list[Any], after: list[Any]) -> dict[str, list[Any]]:
    """A many-to-many field's change as {name: [before ids, after ids]}, or nothing."""
    old, new = sorted(before), sorted(after)
    return {} if old == new else {name: [old, new]}
