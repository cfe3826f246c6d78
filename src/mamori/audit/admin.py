"""The audit trail in the admin, read-only, and a ModelAdmin base that audits admin writes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.contrib import admin
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.forms import ModelForm
from django.http import HttpRequest

from mamori.audit import services
from mamori.audit.models import AuditEvent

M = TypeVar("M", bound=models.Model)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["seq", "created_at", "actor_label", "action", "use_case", "object_repr"]
    list_filter = ["action"]
    search_fields = ["=actor_label", "=use_case", "=object_type", "object_repr"]
    list_select_related = ["actor"]
    ordering = ["-seq"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


class AuditedModelAdmin(admin.ModelAdmin[M]):
    """A ModelAdmin whose saves and deletes append audit events in the same transaction."""

    def audit_use_case(self, verb: str) -> str:
        """The use case recorded for an admin write, such as admin.council.meeting.update."""
        return f"admin.{self.opts.app_label}.{self.opts.model_name}.{verb}"

    def save_model(self, request: HttpRequest, obj: M, form: ModelForm[M], change: bool) -> None:
        with transaction.atomic(using=router.db_for_write(type(obj))):
            if not change:
                super().save_model(request, obj, form, change)
                services.record_create(
                    actor=request.user, use_case=self.audit_use_case("create"), obj=obj
                )
                return
            # The form has already written its values onto obj: read the stored row for "before".
            stored = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            before = services.snapshot(stored)
            super().save_model(request, obj, form, change)
            services.record_update(
                actor=request.user, use_case=self.audit_use_case("update"), obj=obj, before=before
            )

    def delete_model(self, request: HttpRequest, obj: M) -> None:
        with transaction.atomic(using=router.db_for_write(type(obj))):
            self._record_deletions(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[M]) -> None:
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            self._record_deletions(request, list(queryset))
            super().delete_queryset(request, queryset)

    def _record_deletions(self, request: HttpRequest, objs: Iterable[models.Model]) -> None:
        # Record what the cascade will take with it too, as Django's delete will collect it.
        objs = list(objs)
        if not objs:
            return
        collector = Collector(using=router.db_for_write(type(objs[0])), origin=objs[0])
        collector.collect(objs)
        use_case = self.audit_use_case("delete")
        for obj in _collected(collector):
            services.record_delete(actor=request.user, use_case=use_case, obj=obj)


def _collected(collector: Collector) -> Iterable[models.Model]:
    """Every row a collector will delete, skipping the hidden rows of many-to-many tables."""
    for model, instances in collector.data.items():
        if not model._meta.auto_created:
            yield from sorted(instances, key=lambda obj: obj.pk)
    for queryset in collector.fast_deletes:
        if not queryset.model._meta.auto_created:
            yield from queryset
