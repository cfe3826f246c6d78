"""Admin pages: the secretariat keeps the list of consultation kinds; the rest is to look at.

Consultations, opinions, responses, decisions, follow-ups and reports change only through
the pages, whose services record each use case in the audit trail; the admin shows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mamori.audit.admin import AuditedModelAdmin
from mamori.consultations.models import (
    Attachment,
    ChangeAssessment,
    Consultation,
    ConsultationKind,
    Decision,
    FollowUp,
    HandlingRecordVersion,
    Opinion,
    Report,
    Response,
)


@admin.register(ConsultationKind)
class ConsultationKindAdmin(AuditedModelAdmin[ConsultationKind]):
    """Kinds of consultation, which the secretariat adds and retires without code."""

    list_display = ("name", "code", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active",)
    search_fields = ("name", "code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A kind in use stays for the consultations that have it: retire it instead.
        return False


class ViewOnlyAdmin[M: Any](AuditedModelAdmin[M]):
    """Shown in the admin, changed only through the pages' audited use cases."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consultation)
class ConsultationAdmin(ViewOnlyAdmin[Consultation]):
    list_display = ("label_column", "fiscal_year", "title", "department", "status")
    list_filter = ("status", "fiscal_year", "council")
    search_fields = ("title",)
    list_select_related = ("council", "department__parent__parent")

    @admin.display(description=_("consultation"), ordering="number")
    def label_column(self, consultation: Consultation) -> str:
        return consultation.label


@admin.register(Opinion)
class OpinionAdmin(ViewOnlyAdmin[Opinion]):
    list_display = ("__str__", "consultation", "order", "kind", "member")
    list_filter = ("kind",)
    search_fields = ("text",)
    list_select_related = ("consultation", "member")


@admin.register(Response)
class ResponseAdmin(ViewOnlyAdmin[Response]):
    list_display = ("__str__", "opinion", "department", "show_department")
    search_fields = ("text",)
    list_select_related = ("opinion", "department__parent__parent")


@admin.register(Decision)
class DecisionAdmin(ViewOnlyAdmin[Decision]):
    list_display = ("__str__", "decided_on", "result", "decided_by_chair")
    list_filter = ("result",)
    list_select_related = ("consultation",)


@admin.register(FollowUp)
class FollowUpAdmin(ViewOnlyAdmin[FollowUp]):
    list_display = ("__str__", "owner", "due_on", "status", "done_on")
    list_filter = ("status",)
    search_fields = ("commitment", "evidence")
    list_select_related = ("owner__parent__parent",)


@admin.register(Report)
class ReportAdmin(ViewOnlyAdmin[Report]):
    list_display = ("__str__", "council", "department", "related_decision")
    search_fields = ("title",)
    list_select_related = (
        "council",
        "department__parent__parent",
        "related_decision__consultation",
    )


@admin.register(HandlingRecordVersion)
class HandlingRecordVersionAdmin(ViewOnlyAdmin[HandlingRecordVersion]):
    list_display = ("__str__", "created_by", "submitted_at", "note")
    list_select_related = ("consultation", "created_by")
    exclude = ("data",)  # large; read on the consultation's pages


@admin.register(ChangeAssessment)
class ChangeAssessmentAdmin(ViewOnlyAdmin[ChangeAssessment]):
    list_display = ("__str__", "outcome", "assessed_by", "assessed_at")
    list_filter = ("outcome",)
    list_select_related = ("version__consultation", "assessed_by")


@admin.register(Attachment)
class AttachmentAdmin(ViewOnlyAdmin[Attachment]):
    list_display = ("title", "consultation", "kind", "original_name", "size", "uploaded_at")
    list_filter = ("kind",)
    list_select_related = ("consultation",)
    # The file is served only by the consultation pages, which check who may see it.
    exclude = ("file",)
