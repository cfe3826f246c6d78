"""Use cases of the documents app (owned by helper D3): marking text and materials withheld
from the published minutes. Each is audited, secretariat only, and refused while the minutes
are published (withdraw them first)."""

from __future__ import annotations

from typing import Any

from mamori.documents.models import MaterialDisclosure, Redaction


def add_redaction(*, actor: Any, minutes: Any, text: str, ground: Any) -> Redaction:
    """Withhold every occurrence of these words from the published minutes, citing a ground."""
    raise NotImplementedError


def remove_redaction(*, actor: Any, redaction: Redaction) -> None:
    raise NotImplementedError


def set_material_disclosure(
    *, actor: Any, minutes: Any, attachment: Any, disclosed: bool, ground: Any = None
) -> MaterialDisclosure:
    """Publish a material with the minutes, or withhold it with a ground (required then)."""
    raise NotImplementedError
