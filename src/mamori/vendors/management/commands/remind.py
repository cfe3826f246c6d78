"""`mamori remind [--date YYYY-MM-DD] [--dry-run]`: e-mail what is due soon and overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mamori.accounts.models import User
from mamori.vendors.reminders import Summary, send_reminders


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(text)s is not a date: give it as YYYY-MM-DD.") % {"text": text}
        ) from None


def _who(user: User) -> str:
    return f"{user} ({user.username})"


class Command(BaseCommand):
    help = (
        "E-mail each person what is due soon and what is overdue: follow-ups, returns and "
        "erasures, documents asked of contractors, expiring certifications. Suitable for cron: "
        "running it twice the same day sends nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=str, default=None, help="the day to remind for (YYYY-MM-DD; today)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be sent; send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = _day(options["date"]) if options["date"] else timezone.localdate()
        with translation.override(settings.LANGUAGE_CODE):
            summary = send_reminders(day, dry_run=options["dry_run"])
            self._report(summary)

    def _report(self, summary: Summary) -> None:
        for user, count in summary.sent:
            line = (
                ngettext(
                    "Would send to %(user)s: %(count)d item",
                    "Would send to %(user)s: %(count)d items",
                    count,
                )
                if summary.dry_run
                else ngettext(
                    "Sent to %(user)s: %(count)d item", "Sent to %(user)s: %(count)d items", count
                )
            )
            self.stdout.write(line % {"user": _who(user), "count": count})
        for user in summary.skipped:
            self.stdout.write(_("Skipped (no e-mail address): %(user)s") % {"user": _who(user)})
        for user, error in summary.failed:
            self.stderr.write(
                _("Could not send to %(user)s: %(error)s") % {"user": _who(user), "error": error}
            )
        counts = {
            "sent": len(summary.sent),
            "unchanged": len(summary.nothing_new),
            "skipped": len(summary.skipped),
        }
        if summary.dry_run:
            self.stdout.write(
                _(
                    "Test run (nothing sent or recorded): %(sent)d e-mails would be sent, "
                    "nothing new for %(unchanged)d, skipped %(skipped)d."
                )
                % counts
            )
        else:
            self.stdout.write(
                _("Sent %(sent)d, nothing new for %(unchanged)d, skipped %(skipped)d.") % counts
            )
        if summary.failed:
            raise CommandError(
                _("%(count)d e-mails could not be sent; they will be tried on the next run.")
                % {"count": len(summary.failed)}
            )
