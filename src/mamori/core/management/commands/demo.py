"""`mamori demo`: load the seed meeting as demo data, with one demo sign-in per role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mamori.accounts.models import Department
from mamori.core import demo


class Command(BaseCommand):
    help = (
        "Load the council meeting of 2009-08-06 as demo data, with one demo sign-in per role "
        "(only with DEBUG on). Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "Demo sign-ins are only created with DEBUG on: the demo was not loaded. "
                    "Set DEBUG=1 to load it on a development machine."
                )
            )
        meeting = demo.load()
        if meeting is None:
            self.stdout.write(
                _("The demo is already loaded (%(meeting)s); nothing was changed.")
                % {"meeting": demo.demo_meeting()}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Loaded the demo: %(meeting)s.") % {"meeting": meeting})
            )
        self.stdout.write("")
        self.stdout.write(sign_in_table())


def sign_in_table() -> str:
    """The demo sign-ins as a Markdown table (the README shows the same table)."""
    departments = {d.name: d.full_name for d in Department.objects.select_related("parent")}
    header = (
        pgettext("demo sign-in", "Username"),
        pgettext("demo sign-in", "Password"),
        pgettext("demo sign-in", "Role"),
        pgettext("demo sign-in", "Department"),
    )
    rows = [
        (s.username, s.password, str(s.role), departments.get(s.department, "—"))
        for s in demo.SIGN_INS
    ]
    lines = [
        _("Demo sign-ins (for trying Mamori out only; never on a production system):"),
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
