"""Small factories shared by the documents tests (grounds, materials, minutes published the
old way)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from mamori.consultations.models import Attachment, Consultation
from mamori.council.models import DisclosureGround, Minutes

SECOND = "情報公開条例第6条第2号"
FIRST = "情報公開条例第6条第1号"


def ground(article: str = SECOND) -> DisclosureGround:
    return DisclosureGround.objects.get(article=article)


def make_material(
    consultation: Consultation, user: Any, title: str = "仕様書", name: str = "仕様書.pdf"
) -> Attachment:
    """An attachment stored directly (no audit event)."""
    return Attachment.objects.create(
        consultation=consultation,
        kind=Attachment.Kind.SPECIFICATION,
        title=title,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=name),
        original_name=name,
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )


def publish(minutes: Minutes) -> None:
    """Minutes marked published directly, as before snapshots existed (no public copy)."""
    minutes.status = Minutes.Status.PUBLISHED
    minutes.published_at = dt.datetime(2009, 9, 1, tzinfo=dt.UTC)
    minutes.save(update_fields=["status", "published_at"])
