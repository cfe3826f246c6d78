"""What the documents app stores: text and materials withheld from published minutes, and the
snapshot of the minutes as published (so later edits never change what the public reads)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Redaction(models.Model):
    """Words withheld from the published minutes (every occurrence), with the ground cited."""

    minutes = models.ForeignKey(
        "council.Minutes",
        verbose_name=_("minutes"),
        on_delete=models.CASCADE,
        related_name="redactions",
    )
    # The exact words withheld; stored for the secretariat only, never published.
    text = models.CharField(_("text withheld"), max_length=500)
    # 情報公開条例第6条 各号: the grounds are data the secretariat maintains.
    ground = models.ForeignKey(
        "council.DisclosureGround",
        verbose_name=_("ground for non-disclosure"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("marked at"))

    class Meta:
        verbose_name = _("withheld text")
        verbose_name_plural = _("withheld text")
        ordering = ["minutes", "id"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "text"], name="redaction_unique_text"),
        ]

    def __str__(self) -> str:
        return str(self.ground)


class MaterialDisclosure(models.Model):
    """Whether one material of a meeting (an attachment of a consultation on its agenda) is
    published with the minutes, or withheld with a ground."""

    minutes = models.ForeignKey(
        "council.Minutes",
        verbose_name=_("minutes"),
        on_delete=models.CASCADE,
        related_name="material_disclosures",
    )
    attachment = models.ForeignKey(
        "consultations.Attachment",
        verbose_name=_("material"),
        on_delete=models.CASCADE,
        related_name="disclosures",
    )
    disclosed = models.BooleanField(_("published"), default=False)
    ground = models.ForeignKey(
        "council.DisclosureGround",
        verbose_name=_("ground for non-disclosure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication of a material")
        verbose_name_plural = _("publication of materials")
        ordering = ["minutes", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "attachment"], name="materialdisclosure_unique"
            ),
            models.CheckConstraint(
                condition=Q(disclosed=True) | Q(ground__isnull=False),
                name="materialdisclosure_withheld_has_ground",
            ),
        ]

    def __str__(self) -> str:
        return str(self.attachment)


def snapshot_path(instance: PublishedMinutes, filename: str) -> str:
    """Published files under a random name; the public address names them, not the path."""
    return f"published/{instance.minutes_id}/{uuid.uuid4().hex}"


class PublishedMinutesQuerySet(models.QuerySet["PublishedMinutes"]):
    def current(self) -> PublishedMinutesQuerySet:
        """The snapshots the public sees: of published minutes, not withdrawn."""
        return self.filter(minutes__status="published", withdrawn_at__isnull=True)


class PublishedMinutes(models.Model):
    """The minutes exactly as published: redacted HTML, text for search, PDF and Word files."""

    minutes = models.ForeignKey(
        "council.Minutes",
        verbose_name=_("minutes"),
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    html = models.TextField(_("web page"))
    # The redacted plain text, for the public search.
    text = models.TextField(_("text"))
    pdf = models.FileField(_("PDF"), upload_to=snapshot_path, max_length=200)
    docx = models.FileField(_("Word file"), upload_to=snapshot_path, max_length=200)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # The meeting's title with withheld words marked, for the page title, list and feed.
    title = models.CharField(_("title"), max_length=500, blank=True)
    # 開催日時・開催場所・議題 as published, for the feed.
    summary = models.TextField(_("summary"), blank=True)
    # The materials as listed at publication (attachment id, marked title and file name,
    # disclosed, ground, consultation): the public page lists and serves only these. None for
    # snapshots made before the list was kept (`mamori snapshot_published_minutes` fills it).
    materials = models.JSONField(_("materials"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    docx_sha256 = models.CharField(_("SHA-256 of the Word file"), max_length=64, blank=True)
    pdf_size = models.PositiveBigIntegerField(_("size of the PDF"), null=True, blank=True)
    docx_size = models.PositiveBigIntegerField(_("size of the Word file"), null=True, blank=True)
    # The published files' name without the extension, as the renderer named them.
    file_stem = models.CharField(_("file name"), max_length=200, blank=True)
    # When the files of a withdrawn snapshot were deleted from storage (a leak, say).
    purged_at = models.DateTimeField(_("files deleted at"), null=True, blank=True)

    objects = PublishedMinutesQuerySet.as_manager()

    class Meta:
        verbose_name = _("published minutes")
        verbose_name_plural = _("published minutes")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return str(self.minutes)
