"""The audit trail: an append-only, hash-chained log of every write and sign-in."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any, NamedTuple, NoReturn

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GENESIS_HASH = "0" * 64


class AuditEventImmutable(Exception):
    """Raised when code tries to change or delete an audit event."""


ENCRYPTED_VALUE = "[encrypted]"

# Keys some use cases record that are not fields of the object: a view's purpose and the
# registration numbers shown, a sign-in's username, an import's counts, a key rotation's.
EXTRA_LABELS: dict[str, Any] = {
    "purpose": pgettext_lazy("audit key", "purpose"),
    "shown": pgettext_lazy("audit key", "registration numbers shown"),
    "username": pgettext_lazy("audit key", "username"),
    "locked_out": pgettext_lazy("audit key", "locked out"),
    "batch": pgettext_lazy("audit key", "batch"),
    "registrants": pgettext_lazy("audit key", "registrants"),
    "registration_numbers": pgettext_lazy("audit key", "registration numbers"),
    "key": pgettext_lazy("audit key", "key id"),
    "rows": pgettext_lazy("audit key", "rows"),
    "values": pgettext_lazy("audit key", "values"),
    "by_model": pgettext_lazy("audit key", "by table"),
    "completed": pgettext_lazy("audit key", "completed"),
    "started_at": pgettext_lazy("audit key", "started at"),
    "html_sha256": pgettext_lazy("audit key", "SHA-256 of the web page"),
    "text_sha256": pgettext_lazy("audit key", "SHA-256 of the text"),
}

# An ISO 8601 date and time as snapshots record them (datetime.isoformat()).
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")

# (model label, primary key as text) → what the related object's str() gave.
RelatedNames = dict[tuple[str, str], str]


class ChangeRow(NamedTuple):
    """One line of an event's changes; `before` is None for a value that is not a change
    (what a view event records: the purpose, the registration numbers shown)."""

    label: str
    before: str | None
    after: str


def _moment(value: str, *, with_time: bool) -> str | None:
    """An ISO date or date-time as 和暦 (a time in JST), or None when it is not one."""
    from mamori.core.templatetags.japanese import wareki, wareki_datetime

    try:
        if with_time:
            moment = dt.datetime.fromisoformat(value)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, dt.UTC)
            return wareki_datetime(moment) or None
        return wareki(dt.date.fromisoformat(value)) or None
    except ValueError:
        return None


def _shown(value: Any, field: Any = None, names: RelatedNames | None = None) -> str:
    """A recorded value as text for the audit trail page: a choice by its label, a foreign
    key by the related object's name, a date in 和暦; no value at all is shown as a dash.
    Never decrypts: an encrypted field was recorded as a mark, not a value."""
    if value is None or value == "" or value == []:
        return "—"
    if value == ENCRYPTED_VALUE:
        return str(_("(encrypted: value not recorded)"))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if field is not None and field.is_relation and field.related_model is not None:
        label = field.related_model._meta.label_lower
        items = value if isinstance(value, list) else [value]
        return ", ".join((names or {}).get((label, str(item)), str(item)) for item in items)
    if isinstance(value, list):
        return ", ".join(_shown(item, field, names) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if field is not None and field.choices:
        labels = {str(key): str(text) for key, text in field.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(value, str):
        if isinstance(field, models.DateTimeField) or (
            field is None and _ISO_DATETIME.match(value)
        ):
            return _moment(value, with_time=True) or value
        if isinstance(field, models.DateField):
            return _moment(value, with_time=False) or value
    return str(value)


@cache
def _fields_of(model: type[models.Model]) -> dict[str, Any]:
    """A model's concrete and many-to-many fields by the names snapshots record them under."""
    fields: dict[str, Any] = {}
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        fields[field.name] = field
        fields[field.attname] = field
    return fields


def _encrypted_attnames(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


def _names_of(model: type[models.Model], keys: set[str]) -> RelatedNames:
    """str() of the rows of one model among `keys`, in one query. Encrypted columns are never
    read: they are left out of the query and blanked on the objects, so str() cannot load and
    decrypt them."""
    pks: list[Any] = []
    for key in keys:
        try:
            pks.append(model._meta.pk.to_python(key))
        except ValidationError:
            continue
    if not pks:
        return {}
    encrypted = _encrypted_attnames(model)
    # Plain required foreign keys are joined, so a str() naming its parent costs no query.
    joined = [
        f.name
        for f in model._meta.concrete_fields
        if f.many_to_one
        and not f.null
        and f.related_model is not None
        and f.related_model is not model
        and not _encrypted_attnames(f.related_model)
    ]
    rows = model._base_manager.filter(pk__in=pks).defer(*encrypted)
    if joined:
        rows = rows.select_related(*joined)
    label = model._meta.label_lower
    names: RelatedNames = {}
    for row in rows:
        for attname in encrypted:
            row.__dict__[attname] = None
        names[(label, str(row.pk))] = str(row)
    return names


def related_names(events: Iterable[AuditEvent]) -> RelatedNames:
    """The names of every object the events' foreign keys point at: one query per model."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for event in events:
        fields = event._fields()
        for name, values in event.changes.items():
            field = fields.get(name)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            for value in _values(event, values):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, int | str) and not isinstance(item, bool) and item != "":
                        wanted[field.related_model].add(str(item))
    names: RelatedNames = {}
    for model, keys in wanted.items():
        names |= _names_of(model, keys)
    return names


def _values(event: AuditEvent, values: Any) -> list[Any]:
    """[before, after] of a recorded change, or [value] for a value that is not a change."""
    if event.action != AuditEvent.Action.VIEW and isinstance(values, list) and len(values) == 2:
        return list(values)
    return [values]


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditEventImmutable("Audit events cannot be deleted.")

    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One thing that happened: who did which use case to which object, and what changed."""

    ENCRYPTED_VALUE = ENCRYPTED_VALUE

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        VIEW = "view", _("Viewed")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    use_case = models.CharField(_("use case"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        # The audit trail page filters on these and shows the newest events first.
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["object_type", "seq"]),
            models.Index(fields=["actor_label", "seq"]),
            models.Index(fields=["use_case", "seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.use_case} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEventImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEventImmutable("Audit events cannot be deleted.")

    def model(self) -> type[models.Model] | None:
        """The model of the object the event is about, when it still exists in the code."""
        if not self.object_type:
            return None
        try:
            return apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return None

    def _fields(self) -> dict[str, Any]:
        """The fields the recorded keys name; none for a view, whose keys are not fields."""
        model = self.model()
        if model is None or self.action == self.Action.VIEW:
            return {}
        return _fields_of(model)

    def change_rows(self, names: RelatedNames | None = None) -> list[ChangeRow]:
        """The changes as (field label, before, after), ready to show to a person; `names`
        (from related_names) gives the names of the objects that foreign keys point at."""
        fields = self._fields()
        rows: list[ChangeRow] = []
        for name, values in self.changes.items():
            field = fields.get(name)
            label = str(field.verbose_name) if field is not None else name
            if field is None and name in EXTRA_LABELS:
                label = str(EXTRA_LABELS[name])
            pair = _values(self, values)
            after = _shown(pair[-1], field, names)
            before = _shown(pair[0], field, names) if len(pair) == 2 else None
            rows.append(ChangeRow(label, before, after))
        return rows

    def payload(self) -> dict[str, Any]:
        """The recorded facts that the hash covers."""
        return {
            "seq": self.seq,
            "created_at": self.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "use_case": self.use_case,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "changes": self.changes,
        }

    def compute_hash(self) -> str:
        """SHA-256 over the previous event's hash and this event's facts."""
        body = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(f"{self.prev_hash}\n{body}".encode()).hexdigest()


class AuditChainHead(models.Model):
    """The single row that holds the chain's last event; writers lock it to append in turn."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash}"
