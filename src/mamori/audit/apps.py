from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "mamori.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from django.contrib.auth import signals

        from mamori.audit import receivers

        # dispatch_uid keeps one receiver each however often ready() runs.
        signals.user_logged_in.connect(receivers.record_sign_in, dispatch_uid="audit.sign_in")
        signals.user_logged_out.connect(receivers.record_sign_out, dispatch_uid="audit.sign_out")
        signals.user_login_failed.connect(
            receivers.record_sign_in_failed, dispatch_uid="audit.sign_in_failed"
        )
