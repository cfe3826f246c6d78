"""`mamori snapshot_published_minutes`: after upgrading, render the public copy of minutes that
were published before published minutes were kept as snapshots (else they leave the site)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from mamori.documents import publication


class Command(BaseCommand):
    help = "Render and keep the public copy of published minutes that have none."

    def handle(self, *args: Any, **options: Any) -> None:
        made = publication.snapshot_published_minutes(actor=None)
        for snapshot in made:
            self.stdout.write(
                _("Published copy made: %(title)s") % {"title": snapshot.title or snapshot}
            )
        self.stdout.write(
            _("%(count)s published minutes had no public copy.") % {"count": len(made)}
        )
