"""Use cases of the documents app: marking text and materials withheld from the published
minutes. Each is audited, secretariat only, and refused while the minutes are published
(withdraw them first): the minutes are re-read under a lock, so a page loaded before the
minutes were published cannot mark them afterwards."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.audit.writes import create_audited, delete_audited, update_audited
from mamori.consultations.models import Attachment
from mamori.core.access import require
from mamori.council.models import Minutes
from mamori.documents.builders import build_minutes
from mamori.documents.model import Document
from mamori.documents.models import MaterialDisclosure, Redaction
from mamori.documents.redaction import normalise, occurrences

MAX_WITHHELD_LENGTH = 500
# Words this short, or found this often, are withheld only once the secretariat confirms
# (「市」 would wipe out text across the whole minutes).
SHORT_WORDS = 2
MANY_OCCURRENCES = 3


def minutes_document(meeting: Any) -> Document:
    """The meeting's minutes as drafted (nothing withheld)."""
    return build_minutes(meeting)


def _lock_unpublished(actor: Any, minutes: Minutes) -> Minutes:
    """The minutes re-read under a lock; ValidationError when they are published by now."""
    require(actor.is_secretariat)
    locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if locked.is_published:
        raise ValidationError(
            _(
                "The minutes are published: withdraw them from the public site "
                "before changing what is withheld."
            )
        )
    return locked


def clean_withheld_text(minutes: Any, text: str) -> tuple[str, list[str]]:
    """The words stripped, checked to be short enough, present in the minutes and not yet
    withheld (compared as matching compares them), with where they occur; ValidationError in
    the secretariat's words otherwise."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Enter the words to withhold."))
    if len(text) > MAX_WITHHELD_LENGTH:
        raise ValidationError(
            _("Withhold at most %(limit)s characters at a time.") % {"limit": MAX_WITHHELD_LENGTH}
        )
    key = normalise(text)
    existing = Redaction.objects.filter(minutes=minutes).values_list("text", flat=True)
    if any(normalise(other) == key for other in existing):
        raise ValidationError(_("These words are already withheld."))
    found = occurrences(minutes_document(minutes.meeting), text)
    if not found:
        raise ValidationError(_("These words do not occur in the minutes."))
    return text, found


def needs_confirmation(text: str, found: list[str]) -> bool:
    """Whether withholding these words should be confirmed first (very short, or frequent)."""
    return len(text.strip()) <= SHORT_WORDS or len(found) > MANY_OCCURRENCES


@transaction.atomic
def add_redaction(
    *, actor: Any, minutes: Any, text: str, ground: Any, confirmed: bool = False
) -> Redaction:
    """Withhold every occurrence of these words from the published minutes, citing a ground;
    very short or frequent words need `confirmed` (ValidationError code "confirm" otherwise)."""
    minutes = _lock_unpublished(actor, minutes)
    text, found = clean_withheld_text(minutes, text)
    if not confirmed and needs_confirmation(text, found):
        raise ValidationError(
            _("These words occur %(count)s times. Check each place, then confirm."),
            code="confirm",
            params={"count": len(found)},
        )
    return create_audited(
        Redaction,
        actor=actor,
        use_case="documents.add_redaction",
        minutes=minutes,
        text=text,
        ground=ground,
        created_by=actor,
        created_at=timezone.now(),
    )


@transaction.atomic
def remove_redaction(*, actor: Any, redaction: Redaction) -> None:
    """Disclose words withheld before: they appear in the minutes published next."""
    _lock_unpublished(actor, redaction.minutes)
    delete_audited(redaction, actor=actor, use_case="documents.remove_redaction")


@transaction.atomic
def set_material_disclosure(
    *, actor: Any, minutes: Any, attachment: Any, disclosed: bool, ground: Any = None
) -> MaterialDisclosure:
    """Publish a material with the minutes, or withhold it with a ground (required then)."""
    minutes = _lock_unpublished(actor, minutes)
    if not Attachment.objects.filter(
        pk=attachment.pk, consultation__agenda_items__meeting=minutes.meeting_id
    ).exists():
        raise ValidationError(_("This material does not belong to the meeting."))
    if not disclosed and ground is None:
        raise ValidationError(_("Choose the ground for withholding the material."))
    values: dict[str, Any] = {"disclosed": disclosed, "ground": None if disclosed else ground}
    existing = MaterialDisclosure.objects.filter(minutes=minutes, attachment=attachment).first()
    if existing is None:
        return create_audited(
            MaterialDisclosure,
            actor=actor,
            use_case="documents.set_material_disclosure",
            minutes=minutes,
            attachment=attachment,
            **values,
        )
    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
    return update_audited(
        existing, actor=actor, use_case="documents.set_material_disclosure", **changed
    )


@transaction.atomic
def set_material_disclosures(
    *,
    actor: Any,
    minutes: Any,
    decisions: list[tuple[int, bool, Any]],
    reason: str | None = None,
) -> None:
    """Every material's decision (attachment id, published?, ground) and the reason the
    minutes give for withholding materials, all or none; the minutes' materials sentence
    follows from the decisions, so it cannot contradict them."""
    minutes = _lock_unpublished(actor, minutes)
    attachments = Attachment.objects.in_bulk([decision[0] for decision in decisions])
    for attachment_id, disclosed, ground in decisions:
        attachment = attachments.get(attachment_id)
        if attachment is None:
            raise ValidationError(_("This material does not belong to the meeting."))
        set_material_disclosure(
            actor=actor, minutes=minutes, attachment=attachment, disclosed=disclosed, ground=ground
        )
    fields: dict[str, Any] = {}
    if decisions:
        fields["materials_published"] = all(decision[1] for decision in decisions)
    if reason is not None:
        fields["materials_reason"] = reason.strip()
    changed = {k: v for k, v in fields.items() if getattr(minutes, k) != v}
    if changed:
        update_audited(
            minutes, actor=actor, use_case="documents.set_material_disclosures", **changed
        )
