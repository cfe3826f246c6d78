"""`mamori purge_published_files ID…`: delete the PDF and Word files of withdrawn published
minutes (after a leak, say); `--list` shows the withdrawn copies whose files remain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mamori.documents import publication
from mamori.documents.models import PublishedMinutes


class Command(BaseCommand):
    help = "Delete the stored files of withdrawn published minutes (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="ids of withdrawn published copies")
        parser.add_argument(
            "--list", action="store_true", help="list withdrawn copies whose files remain"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"] or not options["ids"]:
            self._list()
            return
        for pk in options["ids"]:
            snapshot = PublishedMinutes.objects.filter(pk=pk).first()
            if snapshot is None:
                raise CommandError(_("No published copy has the id %(id)s.") % {"id": pk})
            try:
                publication.purge_snapshot_files(actor=None, snapshot=snapshot)
            except publication.PublicationError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(_("Files deleted: %(id)s %(title)s") % {"id": pk, "title": snapshot})

    def _list(self) -> None:
        withdrawn = PublishedMinutes.objects.filter(
            withdrawn_at__isnull=False, purged_at__isnull=True
        ).select_related("minutes__meeting")
        for snapshot in withdrawn.order_by("id"):
            self.stdout.write(f"{snapshot.pk}\t{snapshot.withdrawn_at:%Y-%m-%d %H:%M}\t{snapshot}")
