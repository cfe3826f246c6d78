"""Forms for attachments: filing a document and declaring the facts it states."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from mamori.consultations import attachments
from mamori.consultations.models import Attachment, Consultation

CHOOSE = _("Choose…")


class AttachmentForm(forms.Form):
    """A document to file with a consultation; its content is checked before it is stored."""

    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=[("", CHOOSE), *Attachment.Kind.choices],
        error_messages={"required": _("Choose the kind of document.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("When left empty, the file name is used."),
    )
    file = forms.FileField(
        label=_("File"),
        max_length=255,
        error_messages={
            "required": _("Choose a file to attach."),
            "empty": _("The file is empty."),
            "invalid": _("No file was sent: check the form's encoding."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The limit is read per form: settings may change it after import.
        limit = attachments.megabytes(settings.MAMORI_MAX_UPLOAD_BYTES)
        self.fields["file"].help_text = _("PDF, Word, Excel, PNG or JPEG, up to %(limit)s MB.") % {
            "limit": limit
        }

    def clean_file(self) -> UploadedFile[Any]:
        uploaded: UploadedFile[Any] = self.cleaned_data["file"]
        attachments.check_file(uploaded)
        return uploaded


class FactForm(forms.Form):
    """A fact the attachment states, in the record's terms, with the wording that says it."""

    path = forms.ChoiceField(
        label=_("Item of the handling record"),
        error_messages={
            "required": _("Choose an item of the handling record."),
            "invalid_choice": _("Choose an item of the handling record."),
        },
    )
    value = forms.CharField(
        label=_("Value stated"),
        max_length=200,
        help_text=_("In the record's terms; for a choice, one of the values offered."),
        error_messages={"required": _("Enter the value the document states.")},
    )
    quote = forms.CharField(
        label=_("Wording in the document"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example 「Eメール、FAX、電話等によるサポート」."),
    )
    page = forms.CharField(label=_("Page"), required=False, max_length=20)

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        path = cast(forms.ChoiceField, self.fields["path"])
        path.choices = [("", CHOOSE), *attachments.fact_paths(consultation)]

    def chosen_path(self) -> str:
        """The path chosen so far (valid or not), to offer its values."""
        if self.is_bound:
            return str(self.data.get(self.add_prefix("path"), ""))
        return str(self.initial.get("path", ""))


def fact_fields(form: FactForm) -> dict[str, Any]:
    """The form's values as the service takes them."""
    data = form.cleaned_data
    return {key: data[key] for key in ("path", "value", "quote", "page")}
