"""Consultations (諮問), the council's opinions and the departments' responses, decisions (答申),
the follow-ups they create, and reports."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class Consultation(models.Model):
    """A department's consultation of the council: 諮問第4号「障害者就労支援事業業務委託」."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("consultation status", "Draft")
        SUBMITTED = "submitted", _("Submitted")
        ON_AGENDA = "on_agenda", _("On an agenda")
        ANSWERED = "answered", _("Answered")

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

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-fiscal_year", "-number"]
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
    order = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    text = models.TextField(_("opinion"))

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
    # Shown after the text, as the minutes do when another department answers: （総務課）.
    show_department = models.BooleanField(_("name the answering department"), default=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return self.text[:40]


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
