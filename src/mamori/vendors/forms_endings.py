"""Forms for the end of a contract: ending it, return or erasure, handovers, documents asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mamori.consultations.attachments import megabytes
from mamori.core import eras
from mamori.core.forms import WarekiDateField
from mamori.vendors.models import Contract, ReturnErasure

CHOOSE = _("Choose…")

FILE_ERRORS = {
    "required": _("Choose a file."),
    "empty": _("The file is empty."),
    "invalid": _("No file was sent: check the form's encoding."),
}


def _file_help() -> str:
    # The limit is read per form: settings may change it after import.
    return str(
        _("PDF, Word, Excel, PNG or JPEG, up to %(limit)s MB.")
        % {"limit": megabytes(settings.MAMORI_MAX_UPLOAD_BYTES)}
    )


class ContractEndForm(forms.Form):
    """The day a contract ended and, when it was cut short, why; confirmed, as it is final.

    The day defaults to the contract's last day: only an early termination (中途解約), with
    its reason, ends it before. The confirmation is asked only when the contract is really
    ended, not when the due dates are previewed."""

    ended_on = WarekiDateField(
        label=_("Ended on"),
        error_messages={"required": _("Enter the day the contract ended.")},
    )
    terminated = forms.BooleanField(label=_("Terminate the contract early"), required=False)
    reason = forms.CharField(
        label=_("Reason for the early termination"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for an early termination."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that ending a contract cannot be undone"), required=False
    )

    def __init__(
        self, *args: Any, contract: Contract, preview: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.preview = preview
        field = self.fields["ended_on"]
        field.initial = contract.ends_on
        field.help_text = str(
            _(
                "The last day of the contract (%(date)s). To end it earlier, tick “Terminate "
                "the contract early” and give the reason."
            )
            % {"date": eras.format_date(contract.ends_on)}
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("terminated") and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Enter the reason for the early termination."))
        if not self.preview and not cleaned.get("confirm"):
            self.add_error("confirm", _("Confirm that the contract is to be ended."))
        return cleaned

    def preview_date(self) -> dt.date | None:
        """The day typed so far (valid or not yet confirmed), to show the tasks it opens."""
        if not self.is_bound:
            initial: dt.date | None = self.fields["ended_on"].initial
            return initial
        try:
            value: dt.date | None = self.fields["ended_on"].clean(self.data.get("ended_on"))
        except forms.ValidationError:
            return None
        return value


class ErasurePlanForm(forms.Form):
    """The department's plan for one task: return or erase, how, and by when; moving the
    due date needs a reason, kept in the task's history."""

    action = forms.ChoiceField(
        label=_("To do"),
        choices=ReturnErasure.Action.choices,
        widget=forms.RadioSelect,
    )
    method = forms.CharField(
        label=_("Method"),
        required=False,
        max_length=200,
        help_text=_("For example: overwritten with dedicated software, or shredded."),
    )
    due_on = WarekiDateField(label=_("Due on"), required=False)
    due_on_reason = forms.CharField(
        label=_("Reason for changing the due date"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the due date is changed. Kept in the history."),
    )

    def __init__(self, *args: Any, task: ReturnErasure, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "plan")
        super().__init__(*args, **kwargs)
        self.task = task
        self.initial.update({"action": task.action, "method": task.method, "due_on": task.due_on})

    def due_on_changed(self) -> bool:
        due_on = self.cleaned_data.get("due_on")
        return due_on is not None and due_on != self.task.due_on

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        cleaned["due_on_reason"] = cleaned.get("due_on_reason", "").strip()
        if self.due_on_changed() and not cleaned["due_on_reason"]:
            self.add_error("due_on_reason", _("Enter the reason for changing the due date."))
        return cleaned


class CertificateForm(forms.Form):
    """The contractor's certificate of erasure or receipt of return, and how it was done."""

    file = forms.FileField(label=_("Certificate"), max_length=255, error_messages=FILE_ERRORS)
    method = forms.CharField(
        label=_("Method used"),
        required=False,
        max_length=200,
        help_text=_("How the data was returned or erased."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "certificate")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help()


class VerifyForm(forms.Form):
    """The department confirms the certificate and closes the task."""

    verified_on = WarekiDateField(
        label=_("Verified on"),
        error_messages={"required": _("Enter the day the certificate was verified.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "verify")
        super().__init__(*args, **kwargs)
        self.fields["verified_on"].initial = timezone.localdate()


class SendBackForm(forms.Form):
    """The department refuses a certificate and says why."""

    reason = forms.CharField(
        label=_("Reason for sending back"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the contractor."),
        error_messages={"required": _("Enter the reason for sending the certificate back.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "send_back")
        super().__init__(*args, **kwargs)


class SuccessorChoiceField(forms.ModelChoiceField[Contract]):
    """A successor contract shown with its contractor and period."""

    def label_from_instance(self, obj: Contract) -> str:
        return f"{obj.title}（{obj.vendor.legal_name}）"


class HandoverForm(forms.Form):
    """Start a handover from this (old) contract to the contract that replaces it."""

    new_contract = SuccessorChoiceField(
        label=_("New contract"),
        queryset=Contract.objects.none(),
        empty_label=CHOOSE,
        help_text=_("A contract of the same department with another contractor."),
        error_messages={
            "required": _("Choose the new contract."),
            "invalid_choice": _("Choose the new contract."),
        },
    )
    description = forms.CharField(
        label=_("Information handed over"),
        max_length=200,
        error_messages={"required": _("Enter the information handed over.")},
    )

    def __init__(self, *args: Any, successors: QuerySet[Contract], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_contract"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (narrowing for mypy)
        field.queryset = successors


class HandoverStepForm(forms.Form):
    """The next step of a handover and the day it happened."""

    step = forms.ChoiceField(
        choices=[("received", ""), ("checked", ""), ("handed_over", "")],
        widget=forms.HiddenInput,
    )
    on = WarekiDateField(
        label=pgettext_lazy("handover", "Date"),
        error_messages={"required": _("Enter the day it happened.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "step")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class DirectTransferForm(forms.Form):
    """A fact to record, not a step: the data went from the old contractor to the new."""

    on = WarekiDateField(
        label=pgettext_lazy("handover", "Date"),
        error_messages={"required": _("Enter the day it happened.")},
    )
    note = forms.CharField(
        label=_("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Describe what happened.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "direct")
        super().__init__(*args, **kwargs)


class DocumentRequestForm(forms.Form):
    """A document the department asks of its contractor."""

    title = forms.CharField(
        label=_("Document"),
        max_length=200,
        help_text=_("For example: 従事者名簿, 作業報告書."),
        error_messages={"required": _("Enter the document asked for.")},
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_on = WarekiDateField(label=_("Due on"), required=False)


class RequestedDocumentForm(forms.Form):
    """The file filed in answer to a document request."""

    file = forms.FileField(label=_("File"), max_length=255, error_messages=FILE_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help()


class ErasureFilterForm(forms.Form):
    """Narrow the list of return-or-erasure tasks."""

    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Not yet verified")),
            ("overdue", _("Overdue")),
            ("open", _("Awaiting the certificate")),
            ("submitted", _("Awaiting verification")),
            ("verified", _("Verified")),
            ("all", _("All")),
        ],
    )
