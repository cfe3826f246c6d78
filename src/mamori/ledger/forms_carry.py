"""Forms of carry-outs: the request, the refusal and the return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mamori.accounts.models import Role, User
from mamori.ledger import access
from mamori.ledger.models import Medium, PersonalInformationFile
from mamori.ledger.rules import RuleVerdict
from mamori.vendors.forms import CHOOSE, ContractChoiceField, DateField, errors
from mamori.vendors.models import Contract

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TIME_ERRORS = {"invalid": _("Enter the time as hours and minutes, for example 13:30.")}


def carriers_for(file: PersonalInformationFile, actor: Any) -> QuerySet[User]:
    """Who may carry the file out: staff of its department and users of its contractors
    (a contractor records carry-outs of its own people only)."""
    live = file.contracts.filter(access.contract_in_force_q(timezone.localdate()))
    vendor_ids = set(live.values_list("vendor_id", flat=True))
    if actor.is_contractor:
        own = access.vendor_id_of(actor)
        vendor_ids &= {own} if own is not None else set()
        staff = Q(pk__in=[])
    else:
        staff = Q(role=Role.DEPARTMENT_STAFF, department_id__in=file.department.subtree_ids())
    contractors = Q(role=Role.CONTRACTOR, vendor_link__vendor_id__in=vendor_ids)
    return User.objects.filter(is_active=True).filter(staff | contractors).order_by("username")


class CarrierField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


def _moment(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class CarryOutForm(forms.Form):
    medium = forms.ChoiceField(
        label=_("Medium"),
        choices=Medium.choices,
        widget=forms.RadioSelect,
        error_messages=errors(_("Choose paper or an electronic medium.")),
    )
    description = forms.CharField(
        label=_("What is taken out"),
        max_length=200,
        error_messages=errors(_("Say what is taken out.")),
    )
    record_count = forms.IntegerField(
        label=_("Number of records"),
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "required": _("Enter the number of records."),
            "invalid": _("Enter the number of records in digits."),
            "min_value": _("Enter the number of records, 1 or more."),
            "max_value": _("Enter at most %(limit_value)s records."),
        },
    )
    purpose = forms.CharField(
        label=_("Why"), max_length=300, error_messages=errors(_("Say why it is taken out."))
    )
    destination = forms.CharField(
        label=_("Taken to"), max_length=200, error_messages=errors(_("Say where it is taken."))
    )
    carried_by = CarrierField(
        label=_("Carried by"),
        queryset=User.objects.none(),
        empty_label=CHOOSE,
        error_messages=errors(_("Choose who carries it.")),
    )
    contract = ContractChoiceField(
        label=_("Contract"),
        queryset=Contract.objects.none(),
        required=False,
        empty_label=_("(none: the city's own staff)"),
    )
    leaves_on = DateField(
        label=_("Leaves on"),
        help_text=_("For example 令和8年4月1日, R8.4.1 or 2026-04-01."),
        error_messages=errors(_("Enter the day it leaves.")),
    )
    leaves_time = forms.TimeField(
        label=_("Leaves at (time)"),
        widget=TIME_INPUT,
        error_messages={"required": _("Enter the time it leaves."), **TIME_ERRORS},
    )
    due_on = DateField(
        label=_("Due back on"), error_messages=errors(_("Enter the day it is due back."))
    )
    due_time = forms.TimeField(
        label=_("Due back at (time)"),
        widget=TIME_INPUT,
        error_messages={"required": _("Enter the time it is due back."), **TIME_ERRORS},
    )

    def __init__(
        self,
        *args: Any,
        file: PersonalInformationFile,
        actor: Any,
        rules: dict[str, RuleVerdict],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        carriers = self.fields["carried_by"]
        assert isinstance(carriers, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        carriers.queryset = carriers_for(file, actor)
        contracts = self.fields["contract"]
        assert isinstance(contracts, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        contracts.queryset = file.contracts.select_related("vendor").order_by("-starts_on")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("leaves_on") and data.get("leaves_time"):
            data["leaves_at"] = _moment(data["leaves_on"], data["leaves_time"])
        if data.get("due_on") and data.get("due_time"):
            data["due_back_at"] = _moment(data["due_on"], data["due_time"])
        if (
            "leaves_at" in data
            and "due_back_at" in data
            and data["due_back_at"] <= data["leaves_at"]
        ):
            self.add_error(
                "due_on", _("The time it is due back must come after the time it leaves.")
            )
        return data

    def service_fields(self) -> dict[str, Any]:
        names = ("medium", "description", "record_count", "purpose", "destination")
        fields = {name: self.cleaned_data[name] for name in names}
        fields |= {
            "carried_by": self.cleaned_data["carried_by"],
            "contract": self.cleaned_data.get("contract"),
            "leaves_at": self.cleaned_data["leaves_at"],
            "due_back_at": self.cleaned_data["due_back_at"],
        }
        return fields


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not approved"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages=errors(_("Say why it is not approved.")),
    )


class ReturnForm(forms.Form):
    returned_on = DateField(
        label=_("Returned on"), error_messages=errors(_("Enter the day it came back."))
    )
    returned_time = forms.TimeField(
        label=_("Returned at (time)"),
        widget=TIME_INPUT,
        error_messages={"required": _("Enter the time it came back."), **TIME_ERRORS},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Usually recorded as it comes back: now, to the minute.
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["returned_on"].initial = now.date()
        self.fields["returned_time"].initial = now.time()

    def returned_at(self) -> dt.datetime:
        return _moment(self.cleaned_data["returned_on"], self.cleaned_data["returned_time"])
