"""`mamori data_key [--id ID]`: print a new data key line for MAMORI_DATA_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.ledger import crypto

ID_LIMIT = 16


class Command(BaseCommand):
    help = (
        "Print a new data key as `id:base64key`. Put it first in MAMORI_DATA_KEYS (keeping "
        "the old keys after it), restart, run `mamori rotate_keys`, then drop the old keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--id", dest="key_id", help="the key's id (letters and digits, up to 16)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key_id = options["key_id"] or timezone.localdate().strftime("k%Y%m%d")
        if not key_id.isascii() or not key_id.isalnum() or len(key_id) > ID_LIMIT:
            raise CommandError(
                _("A key id is made of letters and digits only, %(limit)s at most.")
                % {"limit": ID_LIMIT}
            )
        if key_id in _configured_ids():
            raise CommandError(
                _("Key id “%(key)s” is already in MAMORI_DATA_KEYS: choose another id.")
                % {"key": key_id}
            )
        self.stdout.write(f"{key_id}:{crypto.new_key()}")
        self.stderr.write(
            _(
                "Keep this key secret. Put it first in MAMORI_DATA_KEYS, keep the old keys "
                "after it, and run `mamori rotate_keys`."
            )
        )


def _configured_ids() -> set[str]:
    try:
        return set(crypto.keyring().keys)
    except Exception:  # no usable keys configured yet: any id is free
        return set()
