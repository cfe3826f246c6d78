from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "mamori.review"
    verbose_name = _("Pre-review")

    def ready(self) -> None:
        from mamori.review import search_index

        # Keeps the precedent-search index in step with every save (see search_index).
        search_index.connect_signals()
