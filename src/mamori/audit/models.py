"""The audit trail: an append-only, hash-chained log of every write and sign-in."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, NoReturn

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEventImmutable(Exception):
    """Raised when code tries to change or delete an audit event."""


ENCRYPTED_VALUE = "[encrypted]"


def _shown(value: Any) -> str:
    """A recorded value as text for the audit trail page; no value at all is shown as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if value == ENCRYPTED_VALUE:
        return str(_("(encrypted: value not recorded)"))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


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

    def change_rows(self) -> list[tuple[str, str, str]]:
        """The changes as (field label, before, after), ready to show to a person."""
        labels: dict[str, str] = {}
        try:
            model = apps.get_model(self.object_type) if self.object_type else None
        except LookupError:
            model = None
        if model is not None:
            fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
            labels = {f.attname: str(f.verbose_name) for f in fields}
        rows: list[tuple[str, str, str]] = []
        for name, values in self.changes.items():
            pair = values if isinstance(values, list) and len(values) == 2 else [None, values]
            rows.append((labels.get(name, name), _shown(pair[0]), _shown(pair[1])))
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
