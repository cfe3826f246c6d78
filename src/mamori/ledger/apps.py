from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "mamori.ledger"
    verbose_name = _("Ledger of personal information")

    def ready(self) -> None:
        from mamori.ledger import crypto

        # A malformed MAMORI_DATA_KEYS stops the start, not the first save of a registrant.
        crypto.keyring()
