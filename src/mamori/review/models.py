"""Pre-review: the secretariat's checklist, the departments' answers and explanations, and
the last findings computed for each consultation (so a re-run can say what changed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChecklistQuestion(models.Model):
    """A yes/no/explain question the secretariat asks of consultations, without code."""

    class AnswerKind(models.TextChoices):
        YES_NO = "yes_no", _("Yes or no")
        YES_NO_EXPLAIN = "yes_no_explain", _("Yes or no, with an explanation")
        EXPLAIN = "explain", _("An explanation")

    text = models.CharField(_("question"), max_length=300)
    help_text = models.TextField(_("guidance"), blank=True)
    answer_kind = models.CharField(
        _("kind of answer"), max_length=20, choices=AnswerKind.choices, default=AnswerKind.YES_NO
    )
    # Empty: asked of every consultation; otherwise only of consultations of these kinds.
    kinds = models.ManyToManyField(
        "consultations.ConsultationKind",
        verbose_name=_("asked of consultation kinds"),
        blank=True,
        related_name="checklist_questions",
    )
    # The answer that needs no explanation; the other one asks the department to explain.
    expected_answer = models.BooleanField(_("expected answer"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class ChecklistAnswer(models.Model):
    """The department's answer to a checklist question, for one consultation."""

    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="checklist_answers",
    )
    question = models.ForeignKey(
        ChecklistQuestion,
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    answer = models.BooleanField(_("answer"), null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "question"], name="checklist_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation}: {self.question}"


class Explanation(models.Model):
    """The department's explanation of a finding it will not fix; the council reads it.

    It belongs to the version it was written on (always the draft, which becomes the submitted
    version): a later draft inherits it when read, until the department writes another one, and
    what the council read beside a submitted version never changes afterwards.
    """

    consultation = models.ForeignKey(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="finding_explanations",
    )
    # Null only for rows written before explanations had versions and left without one.
    version = models.ForeignKey(
        "consultations.HandlingRecordVersion",
        verbose_name=_("handling record version"),
        null=True,
        on_delete=models.CASCADE,
        related_name="finding_explanations",
    )
    # Finding.key: rule, path and a hash of the message, so two findings on a field differ.
    key = models.CharField(_("finding"), max_length=255, default="")
    rule = models.CharField(_("rule"), max_length=20)
    path = models.CharField(_("record field"), max_length=200)
    text = models.TextField(_("explanation"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("explanation of a finding")
        verbose_name_plural = _("explanations of findings")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="explanation_one_per_finding_and_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.path}"


class ReviewResult(models.Model):
    """The findings last computed for a consultation, kept so a re-run can report changes."""

    consultation = models.OneToOneField(
        "consultations.Consultation",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="review_result",
    )
    # [{"rule": "R10", "severity": "must_fix", "path": "carry_out", "message": "…"}, …]
    findings = models.JSONField(_("findings"), default=list)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("review result")
        verbose_name_plural = _("review results")

    def __str__(self) -> str:
        return str(self.consultation)
