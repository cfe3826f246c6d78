"""Admin pages for departments and the people who sign in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Case, F, IntegerField, OrderBy, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mamori.accounts.models import Department, User

WORK_FIELDS = ("display_name", "title", "role", "department")
# Departments in tree order: sort keys from the root down (部, 課, 係), so that each
# department follows its parent. As expressions, they also order the department choices
# in other admin forms.
TREE_ORDER = (
    Coalesce(F("parent__parent_id"), F("parent_id"), F("id")).asc(),
    Case(
        When(parent__parent__isnull=False, then=F("parent_id")),
        When(parent__isnull=False, then=F("id")),
        default=Value(0),
        output_field=IntegerField(),
    ).asc(),
    Case(
        When(parent__parent__isnull=False, then=F("id")),
        default=Value(0),
        output_field=IntegerField(),
    ).asc(),
)

# The admin classes are generic only in the type stubs.
if TYPE_CHECKING:
    DepartmentAdminBase = admin.ModelAdmin[Department]
    UserAdminBase = BaseUserAdmin[User]
else:
    DepartmentAdminBase = admin.ModelAdmin
    UserAdminBase = BaseUserAdmin


@admin.register(Department)
class DepartmentAdmin(DepartmentAdminBase):
    """Departments listed as a tree: each 部, then its 課 and their 係, by full name."""

    list_display = ("full_name_column", "level", "phone", "fax")
    list_filter = ("level",)
    search_fields = ("name",)
    list_select_related = ("parent__parent",)
    autocomplete_fields = ("parent",)
    fields = ("name", "level", "parent", "phone", "fax")

    def get_ordering(self, request: HttpRequest) -> tuple[OrderBy, ...]:
        return TREE_ORDER

    @admin.display(description=_("department"), ordering=TREE_ORDER[0])
    def full_name_column(self, department: Department) -> str:
        return department.full_name


@admin.register(User)
class UserAdmin(UserAdminBase):
    """Django's user admin with Mamori's name, job title, role and department."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Role and department"), {"fields": WORK_FIELDS}),
        *(BaseUserAdmin.fieldsets or ())[1:],
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and department"), {"classes": ("wide",), "fields": WORK_FIELDS}),
    )
    list_display = ("username", "display_name", "title", "role", "department", "is_active")
    list_filter = ("role", "is_active", "is_staff", "department")
    list_select_related = ("department__parent__parent",)
    search_fields = ("username", "display_name", "email", "department__name")
    autocomplete_fields = ("department",)
