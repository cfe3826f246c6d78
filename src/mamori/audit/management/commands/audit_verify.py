"""Walk the audit trail's hash chain; fail, naming the first broken event, if it does not hold."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from mamori.audit import services, triggers
from mamori.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit with status 1 at the first broken event."
    # The check must run even when an unrelated part of the project fails its system checks.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        if not triggers.installed(connection):
            self.stderr.write(_("Warning: the database does not refuse changes to audit events."))
        try:
            count = services.verify_chain()
        except services.ChainBroken as broken:
            raise CommandError(
                _("The audit trail is broken. %(fault)s") % {"fault": broken.describe()},
                returncode=1,
            ) from broken
        self.stdout.write(_("OK: %(count)s events verified.") % {"count": count})
        # Writing the last hash down elsewhere lets a later run show the chain was not rewritten.
        last_hash = AuditEvent.objects.filter(seq=count).values_list("hash", flat=True).first()
        if last_hash:
            self.stdout.write(
                _("Last hash (event number %(seq)s): %(hash)s") % {"seq": count, "hash": last_hash}
            )
