"""Audited writes: create, change and delete a row and record it in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models, transaction

from mamori.audit.models import AuditEvent
from mamori.audit.services import diff, record, record_delete, snapshot


def create_audited[M: models.Model](
    model: type[M],
    *,
    actor: Any,
    use_case: str,
    m2m: dict[str, Sequence[models.Model]] | None = None,
    **fields: Any,
) -> M:
    """Create a row (and its many-to-many links) and record it all, in one transaction."""
    with transaction.atomic():
        obj = model._default_manager.create(**fields)
        changes = diff(None, snapshot(obj))
        for name, related in (m2m or {}).items():
            getattr(obj, name).set(related)
            changes |= m2m_change(name, [], [r.pk for r in related])
        record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            use_case=use_case,
            obj=obj,
            changes=changes,
        )
    return obj


def update_audited[M: models.Model](
    obj: M,
    *,
    actor: Any,
    use_case: str,
    m2m: dict[str, Sequence[models.Model] | None] | None = None,
    **fields: Any,
) -> M:
    """Change some fields (and many-to-many links, where not None) and record what changed."""
    with transaction.atomic():
        before = snapshot(obj)
        for name, value in fields.items():
            setattr(obj, name, value)
        if fields:
            obj.save(update_fields=list(fields))
        changes = diff(before, snapshot(obj))
        for name, related in (m2m or {}).items():
            if related is None:
                continue
            manager = getattr(obj, name)
            old = list(manager.values_list("pk", flat=True))
            manager.set(related)
            changes |= m2m_change(name, old, [r.pk for r in related])
        if changes:
            record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                use_case=use_case,
                obj=obj,
                changes=changes,
            )
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
