"""The filters of the audit trail page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mamori.audit.models import AuditEvent, AuditEventQuerySet


class EventFilterForm(forms.Form):
    """Narrow the audit trail by object type, user, action and use case."""

    object_type = forms.CharField(
        label=pgettext_lazy("audit", "Object type"),
        required=False,
        max_length=100,
        help_text=_("For example accounts.user"),
    )
    actor = forms.CharField(
        label=pgettext_lazy("audit", "Username"), required=False, max_length=150
    )
    action = forms.ChoiceField(
        label=pgettext_lazy("audit", "Action"),
        required=False,
        choices=[("", pgettext_lazy("audit", "All")), *AuditEvent.Action.choices],
    )
    use_case = forms.CharField(
        label=pgettext_lazy("audit", "Use case"),
        required=False,
        max_length=100,
        help_text=_("For example accounts.sign_in"),
    )

    def filter(self, events: AuditEventQuerySet) -> AuditEventQuerySet:
        """The events that match the valid filters given."""
        self.is_valid()  # an invalid filter is shown as an error and left out; the rest apply
        data = self.cleaned_data
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"].strip().lower())
        if data.get("actor"):
            events = events.filter(actor_label=data["actor"].strip())
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("use_case"):
            events = events.filter(use_case=data["use_case"].strip())
        return events
