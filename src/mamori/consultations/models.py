"""Consultations (諮問), the council's opinions and the departments' responses, decisions (答申),
the follow-ups they create, and reports."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mamori.consultations import handling
from mamori.core import eras


class ConsultationKind(models.Model):
    """A kind of consultation (業務委託, 目的外利用, …): a list the secretariat extends."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("consultation kind")
        verbose_name_plural = _("consultation kinds")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ConsultationQuerySet(models.QuerySet["Consultation"]):
    def of_departments(self, department_ids: set[int]) -> ConsultationQuerySet:
        return self.filter(department_id__in=department_ids)

    def on_agendas_of(self, meetings: models.QuerySet[models.Model]) -> ConsultationQuerySet:
        return self.filter(agenda_items__meeting__in=meetings).distinct()

    def changed_since_answer(self) -> ConsultationQuerySet:
        """Answered consultations with a later submitted version nobody has assessed yet."""
        return self.filter(
            models.Exists(
                HandlingRecordVersion.objects.unassessed_after_answer().filter(
                    consultation=models.OuterRef("pk")
                )
            )
        )


class Consultation(models.Model):
    """A department's consultation of the council: 諮問第4号「障害者就労支援事業業務委託」."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("consultation status", "Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        ON_AGENDA = "on_agenda", _("Accepted, on an agenda")
        DELIBERATING = "deliberating", _("Under deliberation")
        CONTINUED = "continued", _("Deliberation continues")
        ANSWERED = "answered", _("Answered")
        FOLLOW_UP = "follow_up", _("Follow-ups open")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    council = models.ForeignKey(
        "council.Council",
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    number = models.PositiveIntegerField(_("number"))
    # The fiscal year when the council numbers consultations per year, 0 when continuously:
    # the number is unique within this scope.
    numbering_scope = models.PositiveIntegerField(editable=False)
    title = models.CharField(_("title"), max_length=300)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    kinds = models.ManyToManyField(ConsultationKind, verbose_name=_("kinds"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # Why the secretariat returned it, or why it was withdrawn: shown to the department.
    status_reason = models.TextField(_("reason"), blank=True)
    # The version of the HandlingRecord the council answered; later versions are compared to it.
    answered_version = models.ForeignKey(
        "HandlingRecordVersion",
        verbose_name=_("answered version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-fiscal_year", "-number"]
        # The list pages walk consultations in this order, thousands of them over the years.
        indexes = [models.Index(fields=["-fiscal_year", "-number"], name="consultation_list_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "numbering_scope", "number"],
                name="consultation_unique_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}「{self.title}」"

    @property
    def label(self) -> str:
        """諮問第4号."""
        return f"諮問第{self.number}号"

    @property
    def key(self) -> str:
        """The natural key within the council: 2009-4."""
        return f"{self.fiscal_year}-{self.number}"

    @property
    def fiscal_year_label(self) -> str:
        return eras.format_fiscal_year(self.fiscal_year)


class Opinion(models.Model):
    """A member's question, request or remark on a consultation (委員意見)."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        REQUEST = "request", _("Request")
        REMARK = "remark", _("Remark")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    meeting = models.ForeignKey(
        "council.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("opinion state", "Open")
        ANSWERED = "answered", pgettext_lazy("opinion state", "Answered")
        CLOSED = "closed", pgettext_lazy("opinion state", "Closed")

    order = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    text = models.TextField(_("opinion"))
    # The field or row of the HandlingRecord it is about: "outsourcing.repair_policy",
    # "recipients[3fa2c1d0]"; rows are named by their id so the anchor survives new versions.
    anchor = models.CharField(_("about"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["consultation", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Response(models.Model):
    """The department's (or the secretariat's) answer to an opinion (回答)."""

    opinion = models.OneToOneField(
        Opinion, verbose_name=_("opinion"), on_delete=models.CASCADE, related_name="response"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("response"))
    # Where the answer is a promise ("we will state it in the specification"), by when.
    due_on = models.DateField(_("promised by"), null=True, blank=True)
    # Shown after the text, as the minutes do when another department answers: （総務課）.
    show_department = models.BooleanField(_("name the answering department"), default=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return self.text[:40]


class DecisionQuerySet(models.QuerySet["Decision"]):
    def answers(self) -> DecisionQuerySet:
        """The decisions that answer (可, 条件付き可 or 否), not those continuing deliberation."""
        return self.exclude(result=Decision.Result.CONTINUED)

    def latest_answer(self) -> Decision | None:
        """The latest answer among these decisions (of one consultation: its answer), if any."""
        return self.answers().order_by("-decided_on", "-id").first()


class Decision(models.Model):
    """The council's answer (答申) to a consultation."""

    class Result(models.TextChoices):
        APPROVED = "approved", _("Approved (可)")
        CONDITIONALLY_APPROVED = "conditional", _("Approved with conditions (条件付き可)")
        REJECTED = "rejected", _("Not approved (否)")
        CONTINUED = "continued", _("Deliberation continues (継続審議)")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    meeting = models.ForeignKey(
        "council.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    decided_on = models.DateField(_("decided on"))
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    attached_opinions = models.TextField(_("attached opinions (付帯意見)"), blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    decided_by_chair = models.BooleanField(_("tie decided by the chair"), default=False)
    answered_version = models.ForeignKey(
        "HandlingRecordVersion",
        verbose_name=_("version answered"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by_chair=False)
                | Q(votes_for__isnull=False, votes_for=F("votes_against")),
                name="decision_chair_decides_only_a_tie",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation.label}: {self.get_result_display()}"

    @property
    def verdict(self) -> str:
        """The word the minutes quote: 可, 条件付き可, 否 or 継続審議."""
        return VERDICTS[Decision.Result(self.result)]

    @property
    def sentence(self) -> str:
        """諮問第4号「…」について、諮問どおり行うことを「可」とする。"""
        subject = f"{self.consultation.label}「{self.consultation.title}」について、"
        if self.result == self.Result.CONTINUED:
            return subject + "継続審議とする。"
        return subject + f"諮問どおり行うことを「{self.verdict}」とする。"


VERDICTS = {
    Decision.Result.APPROVED: "可",
    Decision.Result.CONDITIONALLY_APPROVED: "条件付き可",
    Decision.Result.REJECTED: "否",
    Decision.Result.CONTINUED: "継続審議",
}


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> FollowUpQuerySet:
        return self.filter(status=FollowUp.Status.OPEN)

    def overdue(self, today: dt.date) -> FollowUpQuerySet:
        return self.open().filter(due_on__lt=today)


class FollowUp(models.Model):
    """A commitment made to the council, with its owner, due date and evidence of completion."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    opinion = models.ForeignKey(
        Opinion,
        verbose_name=_("arising from the opinion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    meeting = models.ForeignKey(
        "council.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    commitment = models.TextField(_("commitment"))
    owner = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    evidence = models.TextField(_("evidence of completion"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="followup_done_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.commitment[:40]


class Report(models.Model):
    """A matter reported to the council without a decision, often about an earlier answer."""

    council = models.ForeignKey(
        "council.Council",
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    title = models.CharField(_("title"), max_length=300)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    explanation = models.TextField(_("explanation"), blank=True)
    related_decision = models.ForeignKey(
        Decision,
        verbose_name=_("earlier decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"「{self.title}」について"


class SubmittedVersionError(Exception):
    """A submitted HandlingRecord version cannot change."""


class HandlingRecordVersionQuerySet(models.QuerySet["HandlingRecordVersion"]):
    def submitted(self) -> HandlingRecordVersionQuerySet:
        return self.filter(submitted_at__isnull=False)

    def unassessed_after_answer(self) -> HandlingRecordVersionQuerySet:
        """Versions filed after the answered one that the secretariat has not assessed."""
        return self.submitted().filter(
            consultation__answered_version__isnull=False,
            number__gt=F("consultation__answered_version__number"),
            assessment__isnull=True,
        )


class HandlingRecordVersion(models.Model):
    """One version of a consultation's HandlingRecord; frozen once submitted.

    The database refuses UPDATE and DELETE of a submitted row (triggers in migration 0005,
    see consultations/triggers.py); save() refuses it before the database is asked.
    """

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="record_versions",
    )
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("record"), default=dict)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = HandlingRecordVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("handling record version")
        verbose_name_plural = _("handling record versions")
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="handling_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["consultation"],
                condition=Q(submitted_at__isnull=True),
                name="handling_version_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(submitted_by__isnull=False),
                name="handling_version_submitted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation.label} 第{self.number}版"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_stored_submitted", False):
            raise SubmittedVersionError(f"{self} was submitted and cannot change")
        super().save(*args, **kwargs)
        self._stored_submitted = self.submitted_at is not None

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, "_stored_submitted", False):
            raise SubmittedVersionError(f"{self} was submitted and cannot be deleted")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(
        cls, db: Any, field_names: Any, values: Any, **kwargs: Any
    ) -> HandlingRecordVersion:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._stored_submitted = instance.submitted_at is not None
        return instance

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def record(self) -> handling.HandlingRecord:
        """The stored document, validated."""
        return handling.parse(self.data)


class ChangeAssessment(models.Model):
    """The secretariat's view of a version filed after the answer: what the change needs."""

    class Outcome(models.TextChoices):
        NEW_CONSULTATION = "new_consultation", _("A new consultation is needed")
        REPORT = "report", _("A report to the council is needed")
        NOTHING = "nothing", _("Nothing further is needed")

    version = models.OneToOneField(
        HandlingRecordVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="assessment",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed at"))

    class Meta:
        verbose_name = _("change assessment")
        verbose_name_plural = _("change assessments")

    def __str__(self) -> str:
        return f"{self.version}: {self.get_outcome_display()}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Stored under a random name: the uploaded name is kept in the row, never in the path."""
    return f"consultations/{instance.consultation_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A document filed with a consultation: the 諮問書 itself, 承認願, 仕様書, …"""

    class Kind(models.TextChoices):
        CONSULTATION_DOCUMENT = "consultation_document", _("Consultation document (諮問書)")
        APPROVAL_REQUEST = "approval_request", _("Approval request (承認願)")
        SPECIFICATION = "specification", _("Specification (仕様書)")
        SECURITY_AGREEMENT = "security_agreement", _("Security agreement (セキュリティ合意書)")
        OTHER = "other", _("Other")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["consultation", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class AttachmentFact(models.Model):
    """A fact an attachment states that the record also states, so the two can be compared."""

    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment"),
        on_delete=models.CASCADE,
        related_name="facts",
    )
    # A path of the HandlingRecord: "outsourcing.support_method".
    path = models.CharField(_("record field"), max_length=200)
    # The value in the record's terms ("remote"), so a rule can compare it without parsing prose.
    value = models.CharField(_("value stated"), max_length=200)
    quote = models.TextField(_("wording in the document"), blank=True)
    page = models.CharField(_("page"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("attachment fact")
        verbose_name_plural = _("attachment facts")
        ordering = ["attachment", "id"]

    def __str__(self) -> str:
        """In the reader's language, as the history shows it: 業務委託 / サポートの方法: 遠隔."""
        from mamori.consultations.attachments import value_choices

        value = dict(value_choices(self.path)).get(self.value, self.value)
        return f"{handling.path_label(self.path)}: {value}"
