"""Django's `flush`, lifting the audit table's append-only triggers while it empties tables."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from mamori.audit import triggers
from mamori.consultations import triggers as version_triggers

PROMPT = """You have requested a flush of the database.
This will IRREVERSIBLY DESTROY all data currently in the "%s" database,
including the audit trail, and return each table to an empty state.
Are you sure you want to do this?

    Type 'yes' to continue, or 'no' to cancel: """


class Command(flush.Command):
    # Emptying every table wipes the audit trail together with its chain head, which leaves an
    # empty, valid chain. The test runner flushes after every transactional test; without this
    # the triggers refuse its DELETE (SQLite) or TRUNCATE (PostgreSQL) whenever events exist.
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if not triggers.table_exists(connection):
            super().handle(**options)
            return
        # Ask before the transaction starts, so no lock is held while a person reads the prompt.
        if options["interactive"]:
            if input(PROMPT % connection.settings_dict["NAME"]) != "yes":
                self.stdout.write("Flush cancelled.")
                return
            options["interactive"] = False
        versions = version_triggers.table_exists(connection)
        with transaction.atomic(using=connection.alias):
            triggers.remove(connection)
            if versions:
                version_triggers.remove(connection)
            super().handle(**options)
            triggers.install(connection)
            if versions:
                version_triggers.install(connection)
