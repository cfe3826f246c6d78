"""Forms of the registrant screens: the purpose of opening a file's personal data, finding a
registrant, the registrant's items, consents, provisions and provisions under an exception."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mamori.consultations.forms import model_choice_field
from mamori.core.forms import WarekiDateField
from mamori.ledger.models import (
    ConsentStatus,
    ItemGroup,
    OverrideGround,
    PersonalInformationFile,
    ProvisionPurpose,
    Recipient,
    Registrant,
)
from mamori.ledger.services.consents import EXPLANATION_MIN, LATE_REASON_MAX
from mamori.ledger.text import clean


def field_label(name: str) -> str:
    """A registrant field's label as the model names it (its verbose name, in context)."""
    field = Registrant._meta.get_field(name)
    return str(capfirst(getattr(field, "verbose_name", name)))


NOTE_MAX = 100
OTHER = "other"
ACCESS_PURPOSES = [
    ("counter", _("Dealing with the person at the counter or on the telephone")),
    ("provision", _("Recording a provision to a recipient")),
    ("update", _("Updating the register")),
    ("consent", _("Recording a consent")),
    ("carry_out", _("Recording a carry-out")),
    (OTHER, _("Other")),
]
ACCESS_PURPOSE_LABELS = dict(ACCESS_PURPOSES)


def purpose_text(code: str, note: str) -> str:
    """What the audit trail records as the purpose: the choice, and the note when given."""
    label = str(ACCESS_PURPOSE_LABELS.get(code, ACCESS_PURPOSE_LABELS[OTHER]))
    return f"{label}：{note}" if note else label


class AccessPurposeForm(forms.Form):
    """Why the user opens the file's personal data (recorded with every view in the session)."""

    purpose = forms.ChoiceField(
        label=_("Why do you open the personal data of this file?"),
        choices=ACCESS_PURPOSES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose why you open this data."),
            "invalid_choice": _("Choose why you open this data."),
        },
    )
    note = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=NOTE_MAX,
        help_text=_(
            "Required for “Other”. Do not write the person's name: the registration number "
            "is enough."
        ),
        error_messages={"max_length": _("Write the details in %(limit_value)d characters.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        cleaned["note"] = " ".join((cleaned.get("note") or "").split())
        if cleaned.get("purpose") == OTHER and not cleaned["note"]:
            self.add_error("note", _("Write the purpose when you choose “Other”."))
        return cleaned


class NumberFilterForm(forms.Form):
    """Narrow the list by registration number (in the address: a number names nobody)."""

    number = forms.CharField(label=_("Registration number"), required=False, max_length=30)


class NameSearchForm(forms.Form):
    """Find a registrant by name or reading; sent by POST so the name never reaches a URL."""

    name = forms.CharField(
        label=pgettext_lazy("person", "Name or reading"),
        max_length=100,
        error_messages={"required": _("Enter a name or its reading to search for.")},
    )


class RegistrantForm(forms.Form):
    """The items of a registrant; the service checks and normalises them."""

    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=30,
        error_messages={"required": _("Enter the registration number.")},
    )
    name = forms.CharField(
        label=pgettext_lazy("person", "Name"),
        max_length=100,
        error_messages={"required": _("Enter the name.")},
    )
    name_kana = forms.CharField(label=_("Name in kana"), max_length=100, required=False)
    birth_date = WarekiDateField(label=_("Date of birth"), required=False)
    address = forms.CharField(max_length=300, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=30, required=False)
    registered_on = WarekiDateField(
        label=_("Registered on"),
        error_messages={"required": _("Enter the day the person was registered.")},
    )
    left_on = WarekiDateField(label=_("Registration ended on"), required=False)
    notes = forms.CharField(
        label=_("Notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, instance: Registrant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's own word, in the person's context (住所, not a company's 所在地).
        self.fields["address"].label = field_label("address")
        if instance is not None:
            for name in self.fields:
                self.fields[name].initial = getattr(instance, name)
        else:
            self.fields["registered_on"].initial = timezone.localdate()
            del self.fields["left_on"]


def _choices_of(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    model_choice_field(form, name).queryset = queryset


class _ToRecipientForm(forms.Form):
    """A recipient, a purpose and item groups of one file."""

    recipient = forms.ModelChoiceField(
        label=_("Recipient"),
        queryset=Recipient.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the recipient."),
            "invalid_choice": _("Choose one of this file's recipients."),
        },
    )
    item_groups = forms.ModelMultipleChoiceField(
        label=_("Item groups"),
        queryset=ItemGroup.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one item group."),
            "invalid_choice": _("Choose item groups of this file."),
            "invalid_pk_value": _("Choose item groups of this file."),
        },
    )
    purpose = forms.ModelChoiceField(
        label=_("Purpose of provision"),
        queryset=ProvisionPurpose.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose the purpose of provision."),
            "invalid_choice": _("Choose one of this file's purposes of provision."),
        },
    )

    def __init__(self, *args: Any, file: PersonalInformationFile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices_of(self, "recipient", file.recipients.all())
        _choices_of(self, "item_groups", file.item_groups.all())
        _choices_of(self, "purpose", file.purposes.all())


def _not_future(form: forms.Form, name: str, message: Any) -> None:
    day = form.cleaned_data.get(name)
    if isinstance(day, dt.date) and day > timezone.localdate():
        form.add_error(name, message)


class ConsentForm(_ToRecipientForm):
    """A consent given, refused or withdrawn, as the registrant stated it."""

    status = forms.ChoiceField(
        label=pgettext_lazy("consent", "Statement"),
        choices=ConsentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose given, refused or withdrawn."),
            "invalid_choice": _("Choose given, refused or withdrawn."),
        },
    )
    effective_on = WarekiDateField(
        label=_("Effective from"),
        error_messages={"required": _("Enter the day the statement takes effect.")},
    )
    expires_on = WarekiDateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Only for a consent given for a limited time."),
    )
    written_form_on_file = forms.BooleanField(
        label=_("The written consent form is on file"),
        required=False,
        help_text=_(
            "A consent given counts only with the signed form on file where the recipient "
            "requires consent in writing."
        ),
    )
    explanation_given = forms.BooleanField(
        label=_("The purpose and the recipient were explained to the person"), required=False
    )

    field_order = ["recipient", "purpose", "item_groups", "status"]

    def __init__(
        self,
        *args: Any,
        file: PersonalInformationFile,
        ask_confirmation: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, file=file, **kwargs)
        self.fields["effective_on"].initial = timezone.localdate()
        self.ask_confirmation = ask_confirmation
        if ask_confirmation:
            self.fields["confirmed"] = forms.BooleanField(
                label=_(
                    "I have checked that the person now gives this consent, reversing the "
                    "earlier refusal or withdrawal"
                ),
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _not_future(
            self,
            "effective_on",
            _("A consent is recorded once it has been stated: the day cannot be in the future."),
        )
        effective_on, expires_on = cleaned.get("effective_on"), cleaned.get("expires_on")
        if expires_on and cleaned.get("status") not in (None, ConsentStatus.GIVEN):
            self.add_error("expires_on", _("Only a consent that is given has an end date."))
        elif expires_on and effective_on and expires_on < effective_on:
            self.add_error("expires_on", _("The consent cannot end before it takes effect."))
        return cleaned


class ProvisionForm(_ToRecipientForm):
    """A provision to be made, asked of Mamori first."""

    provided_on = WarekiDateField(
        label=_("Provided on"),
        error_messages={"required": _("Enter the day the data is given.")},
    )

    late_reason = forms.CharField(
        label=_("Why it is recorded late"),
        required=False,
        max_length=LATE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only for a provision dated before today. Shown on the registrant's page as a "
            "late record; the secretariat sees that it was recorded late, not this text. "
            "Do not write the person's name."
        ),
        error_messages={
            "max_length": _("Write why it is recorded late in %(limit_value)d characters or fewer.")
        },
    )

    field_order = ["recipient", "purpose", "item_groups", "provided_on", "late_reason"]

    def __init__(self, *args: Any, file: PersonalInformationFile, **kwargs: Any) -> None:
        super().__init__(*args, file=file, **kwargs)
        self.fields["provided_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        _not_future(
            self,
            "provided_on",
            _("Record a provision when it is made: the day cannot be in the future."),
        )
        cleaned["late_reason"] = clean(cleaned.get("late_reason"))
        day = cleaned.get("provided_on")
        if isinstance(day, dt.date) and day < timezone.localdate() and not cleaned["late_reason"]:
            self.add_error(
                "late_reason",
                _("The provision is dated before today: write why it is recorded only now."),
            )
        return cleaned


class OverrideForm(ProvisionForm):
    """A provision under a legal exception: the ground and the circumstances are required."""

    ground = forms.ChoiceField(
        label=_("Legal exception"),
        choices=OverrideGround.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the legal exception that applies."),
            "invalid_choice": _("Choose the legal exception that applies."),
        },
    )
    explanation = forms.CharField(
        label=_("Circumstances"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What happened, why consent could not be obtained or is not needed, and who "
            "decided (at least 10 characters). Stored encrypted: only your department sees it."
        ),
        error_messages={
            "required": _("Describe the circumstances that make the exception apply."),
            "max_length": _("Describe the circumstances in %(limit_value)d characters or fewer."),
        },
    )

    field_order = [
        "recipient",
        "purpose",
        "item_groups",
        "provided_on",
        "ground",
        "explanation",
        "late_reason",
    ]

    def clean_explanation(self) -> str:
        text = clean(self.cleaned_data.get("explanation"))
        if len(text) < EXPLANATION_MIN:
            raise forms.ValidationError(
                _(
                    "Describe the circumstances that make the exception apply in at least "
                    "%(min)s characters."
                )
                % {"min": EXPLANATION_MIN}
            )
        return text
