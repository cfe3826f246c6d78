"""Use cases of the documents app: marking text and materials withheld from the published
minutes. Each is audited, secretariat only, and refused while the minutes are published
(withdraw them first)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.audit.writes import create_audited, delete_audited, update_audited
from mamori.consultations.models import Attachment
from mamori.core.access import require
from mamori.documents.builders import build_minutes
from mamori.documents.model import plain_text
from mamori.documents.models import MaterialDisclosure, Redaction
from mamori.documents.redaction import occurs_in

MAX_WITHHELD_LENGTH = 500


def minutes_text(meeting: Any) -> str:
    """Every visible character of the meeting's minutes as drafted (nothing withheld)."""
    return plain_text(build_minutes(meeting))


def _check_may_mark(actor: Any, minutes: Any) -> None:
    require(actor.is_secretariat)
    if minutes.is_published:
        raise ValidationError(
            _(
                "The minutes are published: withdraw them from the public site "
                "before changing what is withheld."
            )
        )


def clean_withheld_text(minutes: Any, text: str) -> str:
    """The words stripped, checked to be short enough, present in the minutes and not yet
    withheld; ValidationError in the secretariat's words otherwise."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Enter the words to withhold."))
    if len(text) > MAX_WITHHELD_LENGTH:
        raise ValidationError(
            _("Withhold at most %(limit)s characters at a time.") % {"limit": MAX_WITHHELD_LENGTH}
        )
    if Redaction.objects.filter(minutes=minutes, text=text).exists():
        raise ValidationError(_("These words are already withheld."))
    if not occurs_in(text, minutes_text(minutes.meeting)):
        raise ValidationError(_("These words do not occur in the minutes."))
    return text


@transaction.atomic
def add_redaction(*, actor: Any, minutes: Any, text: str, ground: Any) -> Redaction:
    """Withhold every occurrence of these words from the published minutes, citing a ground."""
    _check_may_mark(actor, minutes)
    text = clean_withheld_text(minutes, text)
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
    _check_may_mark(actor, redaction.minutes)
    delete_audited(redaction, actor=actor, use_case="documents.remove_redaction")


@transaction.atomic
def set_material_disclosure(
    *, actor: Any, minutes: Any, attachment: Any, disclosed: bool, ground: Any = None
) -> MaterialDisclosure:
    """Publish a material with the minutes, or withhold it with a ground (required then)."""
    _check_may_mark(actor, minutes)
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
