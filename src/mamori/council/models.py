"""The council, its members, its meetings with their agenda and attendance, and the minutes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mamori.core import eras


class Council(models.Model):
    """An advisory council of the city, such as its personal information protection council."""

    class Numbering(models.TextChoices):
        PER_FISCAL_YEAR = "fiscal_year", _("Numbered anew each fiscal year")
        CONTINUOUS = "continuous", _("Numbered continuously")

    municipality = models.CharField(_("municipality"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name for addresses"), unique=True)
    consultation_numbering = models.CharField(
        _("consultation numbering"),
        max_length=20,
        choices=Numbering.choices,
        default=Numbering.PER_FISCAL_YEAR,
    )
    secretariat_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("secretariat"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact = models.TextField(_("contact for inquiries"), blank=True)

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DisclosureGround(models.Model):
    """A ground of non-disclosure the secretariat may cite (e.g. 情報公開条例第6条第1号)."""

    article = models.CharField(_("article"), max_length=100)
    label = models.CharField(_("description"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("ground for non-disclosure")
        verbose_name_plural = _("grounds for non-disclosure")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.article}（{self.label}）"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def serving_on(self, day: dt.date) -> MembershipQuerySet:
        """Memberships whose term covers the day."""
        return self.filter(Q(term_start__lte=day), Q(term_end__isnull=True) | Q(term_end__gte=day))


class Membership(models.Model):
    """A person's seat on a council for a term, as member, chair or acting chair."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Acting chair")
        MEMBER = "member", _("Member")

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="memberships"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="membership_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member}（{self.get_role_display()}）"

    @property
    def title_suffix(self) -> str:
        """How the minutes call the member: 会長, 会長職務代理 or 委員."""
        return str(self.get_role_display())


class Openness(models.TextChoices):
    """Whether the public may attend."""

    OPEN = "open", _("Open to the public")
    PARTLY_CLOSED = "partly_closed", _("Partly closed")
    CLOSED = "closed", _("Closed to the public")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def sat_on_by(self, user: settings.AUTH_USER_MODEL) -> MeetingQuerySet:  # type: ignore[name-defined]
        """Meetings held while the user held a seat on their council."""
        return (
            self.filter(
                council__memberships__member=user,
                council__memberships__term_start__lte=F("date"),
            )
            .filter(
                Q(council__memberships__term_end__isnull=True)
                | Q(council__memberships__term_end__gte=F("date"))
            )
            .distinct()
        )


class Meeting(models.Model):
    """One meeting of a council, numbered within its fiscal year: 平成21年度第3回."""

    council = models.ForeignKey(
        Council, verbose_name=_("council"), on_delete=models.PROTECT, related_name="meetings"
    )
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    number = models.PositiveIntegerField(_("number within the fiscal year"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    openness = models.CharField(
        _("public attendance"), max_length=20, choices=Openness.choices, default=Openness.OPEN
    )
    closure_grounds = models.ManyToManyField(
        DisclosureGround, verbose_name=_("legal grounds for closing"), blank=True
    )
    closure_reason = models.TextField(_("reason for closing"), blank=True)
    observers = models.PositiveIntegerField(_("number of observers"), default=0)
    contact = models.TextField(_("contact for inquiries"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "fiscal_year", "number"], name="meeting_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(end_time__gt=F("start_time")),
                name="meeting_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """平成21年度第3回個人情報保護運営審議会."""
        year = eras.format_fiscal_year(self.fiscal_year, on=self.date)
        return f"{year}第{self.number}回{self.council.name}"

    @property
    def key(self) -> str:
        """The natural key within the council: 2009-3."""
        return f"{self.fiscal_year}-{self.number}"

    @property
    def is_public(self) -> bool:
        return self.openness == Openness.OPEN


class Attendance(models.Model):
    """Whether a member sat in a meeting."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    membership = models.ForeignKey(
        Membership, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["membership__order", "membership_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership.member}: {self.get_status_display()}"


class StaffAttendee(models.Model):
    """City staff at a meeting: the secretariat, or a department's explaining officials (説明員)."""

    class Capacity(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat")
        EXPLAINER = "explainer", _("Explaining official")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="staff"
    )
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity.choices)
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("staff attendee")
        verbose_name_plural = _("staff attendees")
        ordering = ["capacity", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name}{self.title}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda (会議次第), in order."""

    class Kind(models.TextChoices):
        GREETING = "greeting", _("Greeting")
        HANDOVER = "handover", _("Handing over of consultations")
        DELIBERATION = "deliberation", _("Deliberation of consultations")
        REPORT = "report", _("Report")
        MINUTES_CONFIRMATION = "minutes_confirmation", _("Confirmation of earlier minutes")
        OTHER = "other", _("Other")

    class ItemOpenness(models.TextChoices):
        AS_MEETING = "as_meeting", _("As the meeting")
        OPEN = "open", _("Open to the public")
        CLOSED = "closed", _("Closed to the public")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    consultations = models.ManyToManyField(
        "consultations.Consultation",
        verbose_name=_("consultations"),
        blank=True,
        related_name="agenda_items",
    )
    report = models.ForeignKey(
        "consultations.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    openness = models.CharField(
        _("public attendance"),
        max_length=20,
        choices=ItemOpenness.choices,
        default=ItemOpenness.AS_MEETING,
    )
    closure_grounds = models.ManyToManyField(
        DisclosureGround, verbose_name=_("legal grounds for closing"), blank=True, related_name="+"
    )
    closure_reason = models.TextField(_("reason for closing"), blank=True)
    note = models.TextField(_("note for the minutes"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agenda_item_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class MinutesQuerySet(models.QuerySet["Minutes"]):
    def published(self) -> MinutesQuerySet:
        return self.filter(status=Minutes.Status.PUBLISHED)


class Minutes(models.Model):
    """The minutes of a meeting: composed from its records, drafted, then published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    materials_published = models.BooleanField(_("materials are published"), default=False)
    materials_reason = models.TextField(_("reason for not publishing the materials"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = MinutesQuerySet.as_manager()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="minutes_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
