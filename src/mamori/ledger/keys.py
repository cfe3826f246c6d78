"""Key rotation: re-encrypting every stored encrypted value under the current key.

Every model of the project with an encrypted field (fields.py, found through the app registry)
is walked in primary-key order, a batch of rows at a time, each batch in its own transaction:
the raw tokens are read (never decrypted by the field), opened with the key they name,
sealed again under the current key, and written back to the raw column. A row is picked only
while one of its values is under another key, so an interrupted run resumes where it stopped
and a second run finds nothing to do. The rotation is one audit event, with counts only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Substr
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _

from mamori.audit.services import Action, record
from mamori.ledger import crypto

DEFAULT_BATCH = 500
USE_CASE = "ledger.rotate_keys"


class RotationStopped(Exception):
    """A stored value cannot be re-encrypted (its key is not configured, or it does not
    decrypt); the message names the key id, the model and the field, never the value."""


@dataclass
class RotationResult:
    key_id: str
    rows: int = 0
    values: int = 0
    by_model: dict[str, int] = field(default_factory=dict)


def encrypted_fields() -> list[tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Each model of the project with encrypted fields, and those fields."""
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
        if fields:
            found.append((model, fields))
    return found


def _raw(name: str) -> str:
    return f"_raw_{name}"


def _with_raw(
    model: type[models.Model], fields: list[models.Field[Any, Any]]
) -> models.QuerySet[Any]:
    """The model's rows with each encrypted column read as plain text (the token itself)."""
    raw = {_raw(f.attname): Cast(f.attname, output_field=models.TextField()) for f in fields}
    rows: models.QuerySet[Any] = model._base_manager.annotate(**raw).order_by("pk")
    return rows


def _stored(name: str) -> Q:
    return Q(**{f"{_raw(name)}__isnull": False}) & ~Q(**{_raw(name): ""})


def _under_key(name: str, key_id: str) -> Q:
    """Tokens of the raw column `name` sealed under `key_id`, compared case-sensitively (a
    `startswith` is a LIKE on SQLite, which ignores ASCII case: 'k1' would match 'K1')."""
    prefix = f"{crypto.VERSION}.{key_id}."
    head = Substr(name, 1, len(prefix), output_field=models.TextField())
    return Q(Exact(head, Value(prefix, output_field=models.TextField())))


def _stale_rows(model: type[models.Model], fields: list[models.Field[Any, Any]]) -> Any:
    current = crypto.keyring().current_id
    stale = Q()
    for f in fields:
        stale |= _stored(f.attname) & ~_under_key(_raw(f.attname), current)
    return _with_raw(model, fields).filter(stale)


def pending() -> dict[str, int]:
    """How many rows of each model hold a value under a key other than the current one."""
    counts = {}
    for model, fields in encrypted_fields():
        count = _stale_rows(model, fields).count()
        if count:
            counts[model._meta.label] = count
    return counts


def check_keys() -> None:
    """Stop before writing anything if a stored value names a key that is not configured."""
    key_ids = list(crypto.keyring().keys)
    for model, fields in encrypted_fields():
        for f in fields:
            name = _raw(f.attname)
            rows = _with_raw(model, fields).filter(_stored(f.attname))
            for key_id in key_ids:
                rows = rows.exclude(_under_key(name, key_id))
            token = rows.values_list(name, flat=True).first()
            if token is not None:
                raise _stopped(model, f, token)


def _stopped(model: type[models.Model], f: models.Field[Any, Any], token: str) -> RotationStopped:
    try:
        key_id = crypto.key_id_of(token)
    except crypto.DecryptionFailed:
        return RotationStopped(
            _("A value of %(model)s.%(field)s is not an encrypted value: rotation stopped.")
            % {"model": model._meta.label, "field": f.name}
        )
    return RotationStopped(
        _(
            "Key “%(key)s” is not configured, but values of %(model)s.%(field)s are encrypted "
            "with it: add it to MAMORI_DATA_KEYS (after the new key) and run the rotation again."
        )
        % {"key": key_id, "model": model._meta.label, "field": f.name}
    )


def _reseal(model: type[models.Model], f: models.Field[Any, Any], token: str) -> str:
    context = f.context()  # type: ignore[attr-defined]
    try:
        plaintext = crypto.decrypt(token, context=context)
    except crypto.DecryptionFailed as error:
        if crypto.key_id_of(token) not in crypto.keyring().keys:
            raise _stopped(model, f, token) from error
        raise RotationStopped(
            _(
                "A value of %(model)s.%(field)s does not decrypt (altered, or copied from "
                "another column): rotation stopped."
            )
            % {"model": model._meta.label, "field": f.name}
        ) from error
    return crypto.encrypt(plaintext, context=context)


def _rotate_batch(
    model: type[models.Model], fields: list[models.Field[Any, Any]], after: Any, size: int
) -> tuple[Any, int, int]:
    """Rotate the next `size` stale rows after primary key `after`; (last pk, rows, values)."""
    names = [_raw(f.attname) for f in fields]
    current = crypto.keyring().current_id
    stale = _stale_rows(model, fields)
    with transaction.atomic():
        rows = list(
            (stale if after is None else stale.filter(pk__gt=after))
            .select_for_update()
            .values_list("pk", *names)[:size]
        )
        values = 0
        for pk, *tokens in rows:
            update = {}
            for f, token in zip(fields, tokens, strict=True):
                if token and crypto.key_id_of(token) != current:
                    sealed = _reseal(model, f, token)
                    update[f.attname] = Value(sealed, output_field=models.TextField())
            model._base_manager.filter(pk=pk).update(**update)
            values += len(update)
    last = rows[-1][0] if rows else after
    return last, len(rows), values


def rotate(
    *, batch: int = DEFAULT_BATCH, progress: Callable[[int], object] | None = None
) -> RotationResult:
    """Re-encrypt every value not under the current key; one audit event for the whole run
    (also when it stops half-way: what was done by then is committed and counted)."""
    check_keys()
    result = RotationResult(key_id=crypto.keyring().current_id)
    started = dt.datetime.now(dt.UTC)
    try:
        for model, fields in encrypted_fields():
            after: Any = None
            while True:
                after, rows, values = _rotate_batch(model, fields, after, batch)
                if not rows:
                    break
                result.rows += rows
                result.values += values
                label = model._meta.label
                result.by_model[label] = result.by_model.get(label, 0) + rows
                if progress is not None:
                    progress(rows)
    except RotationStopped:
        _record(result, started, completed=False)
        raise
    _record(result, started, completed=True)
    return result


def _record(result: RotationResult, started: dt.datetime, *, completed: bool) -> None:
    if not result.rows:
        return
    record(
        actor=None,
        action=Action.UPDATE,
        use_case=USE_CASE,
        object_repr=f"MAMORI_DATA_KEYS → {result.key_id}",
        changes={
            "key": result.key_id,
            "rows": result.rows,
            "values": result.values,
            "by_model": result.by_model,
            "completed": completed,
            "started_at": started.isoformat(),
        },
    )
