"""Admin pages: the secretariat keeps the checklist without code; the rest is to look at."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mamori.audit.admin import AuditedModelAdmin
from mamori.review.models import ChecklistAnswer, ChecklistQuestion, Explanation


@admin.register(ChecklistQuestion)
class ChecklistQuestionAdmin(AuditedModelAdmin[ChecklistQuestion]):
    """Questions asked of consultations (of every kind, or of the kinds chosen)."""

    list_display = ("text", "answer_kind", "expected_answer", "kind_names", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active", "answer_kind", "kinds")
    search_fields = ("text",)
    filter_horizontal = ("kinds",)
    fields = ("text", "help_text", "answer_kind", "expected_answer", "kinds", "order", "active")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("kinds")

    @admin.display(description=ChecklistQuestion._meta.get_field("kinds").verbose_name)
    def kind_names(self, question: ChecklistQuestion) -> str:
        return "、".join(kind.name for kind in question.kinds.all()) or "—"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Answered questions stay for the consultations that answered them: retire instead.
        return False


class ViewOnlyAdmin[M: Any](AuditedModelAdmin[M]):
    """Shown in the admin, written only through the pages' audited use cases."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChecklistAnswer)
class ChecklistAnswerAdmin(ViewOnlyAdmin[ChecklistAnswer]):
    list_display = ("consultation", "question", "answer", "answered_by", "answered_at")
    list_select_related = ("consultation__council", "question", "answered_by")


@admin.register(Explanation)
class ExplanationAdmin(ViewOnlyAdmin[Explanation]):
    list_display = ("consultation", "rule", "path", "written_by", "written_at")
    list_filter = ("rule",)
    list_select_related = ("consultation__council", "written_by")
