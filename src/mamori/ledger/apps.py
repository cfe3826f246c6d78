from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "mamori.ledger"
    verbose_name = _("Ledger of personal information")
