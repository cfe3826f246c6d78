from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "mamori.vendors"
    verbose_name = _("Contractors and contracts")
