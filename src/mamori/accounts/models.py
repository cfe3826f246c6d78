"""People and departments: the custom user, the department tree and roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A unit of the city office: a 部, a 課 under it, or a 係 under a 課."""

    class Level(models.TextChoices):
        BU = "bu", _("Division (部)")
        KA = "ka", _("Section (課)")
        KAKARI = "kakari", _("Unit (係)")

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    fax = models.CharField(_("fax"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="department_unique_name_in_parent"
            ),
            models.CheckConstraint(
                condition=Q(level="bu", parent__isnull=True) | ~Q(level="bu"),
                name="department_bu_is_a_root",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """The name with its ancestors, as written in minutes: 健康福祉部障害支援課."""
        return "".join(d.name for d in self.lineage())

    def lineage(self) -> list[Department]:
        """This department and its ancestors, from the root down."""
        chain: list[Department] = []
        node: Department | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def subtree_ids(self) -> set[int]:
        """Ids of this department and of every department under it."""
        ids = {self.pk}
        frontier = [self.pk]
        while frontier:
            frontier = list(
                Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids.update(frontier)
        return ids


class Role(models.TextChoices):
    """What a person does in Mamori; chair and vice chair are council membership roles."""

    SECRETARIAT = "secretariat", _("Secretariat")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    COUNCIL_MEMBER = "council_member", _("Council member")
    CONTRACTOR = "contractor", _("Contractor")
    AUDITOR = "auditor", _("Auditor")


class User(AbstractUser):
    """A person who signs in to Mamori."""

    display_name = models.CharField(_("full name"), max_length=100, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="department_staff") | Q(department__isnull=False),
                name="user_department_staff_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_secretariat(self) -> bool:
        return self.is_active and self.role == Role.SECRETARIAT

    @property
    def is_department_staff(self) -> bool:
        return self.is_active and self.role == Role.DEPARTMENT_STAFF

    @property
    def is_council_member(self) -> bool:
        return self.is_active and self.role == Role.COUNCIL_MEMBER

    @property
    def is_auditor(self) -> bool:
        return self.is_active and self.role == Role.AUDITOR

    @property
    def is_contractor(self) -> bool:
        return self.is_active and self.role == Role.CONTRACTOR
