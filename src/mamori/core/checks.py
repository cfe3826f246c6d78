"""System checks of the deployment's settings (run by `mamori check` and before commands)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.compatibility, deploy=False)
def site_url_for_mail(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Mails (reminders, contractors' incident reports) link to pages: without the site's
    address their links are relative and cannot be followed."""
    if settings.DEBUG or settings.MAMORI_SITE_URL:
        return []
    return [
        Warning(
            "MAMORI_SITE_URL is not set: links in e-mails will lack the site's address.",
            hint="Set MAMORI_SITE_URL to the address staff reach Mamori at, "
            "e.g. https://mamori.city.example.",
            id="mamori.W001",
        )
    ]
