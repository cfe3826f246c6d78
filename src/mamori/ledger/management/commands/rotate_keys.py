"""`mamori rotate_keys [--batch N]`: re-encrypt every stored value under the current key."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from mamori.ledger import crypto, keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value that is not under the current (first) key of "
        "MAMORI_DATA_KEYS, in batches, each in its own transaction; running it again "
        "continues where it stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=keys.DEFAULT_BATCH, help="rows per transaction"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch = options["batch"]
        if batch < 1:
            raise CommandError(_("--batch must be 1 or more."))
        current = crypto.keyring().current_id
        total = sum(keys.pending().values())
        if not total:
            self.stdout.write(
                _("Every encrypted value is already under key “%(key)s”: nothing to do.")
                % {"key": current}
            )
            return
        bar = tqdm(total=total, unit=_("rows"), desc=_("Re-encrypting"), file=sys.stderr)
        try:
            result = keys.rotate(batch=batch, progress=bar.update)
        except keys.RotationStopped as stopped:
            raise CommandError(str(stopped)) from stopped
        finally:
            bar.close()
        for label, rows in sorted(result.by_model.items()):
            self.stdout.write(
                _("%(model)s: %(rows)s rows re-encrypted.") % {"model": label, "rows": rows}
            )
        self.stdout.write(
            _("Done: %(values)s values in %(rows)s rows are now under key “%(key)s”.")
            % {"values": result.values, "rows": result.rows, "key": result.key_id}
        )
