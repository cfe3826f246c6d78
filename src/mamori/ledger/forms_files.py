"""Forms of the file register: a file's description, its setup (recipients, item groups,
purposes), the internal list's filter and the public register's search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mamori.accounts.models import Department
from mamori.consultations.models import Consultation, Decision
from mamori.core import eras
from mamori.ledger.models import ItemGroup, PersonalInformationFile, ProvisionPurpose, Recipient
from mamori.ledger.services.files import default_agency_name
from mamori.vendors.forms import (
    CHOOSE,
    DepartmentChoiceField,
    consultation_label,
    errors,
)
from mamori.vendors.models import Contract

# The fields in the order of the statutory 個人情報ファイル簿 (法第75条, 施行令第20条), then
# what Mamori adds.
REGISTER_ORDER = [
    "name",
    "agency_name",
    "department",
    "purpose",
    "items",
    "data_subjects",
    "sources",
    "contains_special_care",
    "regular_recipients",
    "request_office",
    "special_procedures",
    "form",
    "anonymized_information",
    "retention",
    "remarks",
    "consultation",
    "decision",
    "contracts",
    "expected_subjects",
    "published",
]


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, fields_by_code: Mapping[str, str]
) -> None:
    """Put a service's ValidationError on the fields it names (or its code maps to), else
    above the form (as vendors.forms.add_service_errors, for model forms too)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.error_dict.items():
            form.add_error(name if name in form.fields else None, messages)
        return
    for item in error.error_list:
        field = fields_by_code.get(item.code or "")
        form.add_error(field if field in form.fields else None, item)


class ConsultationField(forms.ModelChoiceField[Consultation]):
    def label_from_instance(self, obj: Consultation) -> str:
        return consultation_label(obj)


class DecisionField(forms.ModelChoiceField[Decision]):
    def label_from_instance(self, obj: Decision) -> str:
        return f"{obj.consultation.label} {eras.format_date(obj.decided_on)}「{obj.verdict}」"


class ContractsField(forms.ModelMultipleChoiceField[Contract]):
    def label_from_instance(self, obj: Contract) -> str:
        return f"{obj.title}（{obj.vendor.legal_name}）"


class FileForm(forms.ModelForm[PersonalInformationFile]):
    """A file's description as the register gives it, and what it rests on. The choices are
    given by the view: departments the user keeps files for, their answered consultations,
    the answers to those, and their contracts."""

    department = DepartmentChoiceField(
        label=pgettext_lazy("register", "Office in charge of the work the file is used for"),
        queryset=Department.objects.none(),
        empty_label=CHOOSE,
        error_messages=errors(_("Choose the department that keeps the file.")),
    )
    consultation = ConsultationField(
        label=_("Consultation the file rests on"),
        queryset=Consultation.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )
    decision = DecisionField(
        label=_("Answer the file rests on"),
        queryset=Decision.objects.none(),
        required=False,
        empty_label=_("(none)"),
        help_text=_("Its answered handling record rules carry-outs of the file."),
    )
    contracts = ContractsField(
        label=_("Contracts under which a contractor keeps the file"),
        queryset=Contract.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PersonalInformationFile
        fields = [name for name in REGISTER_ORDER if name != "department"]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "items": forms.Textarea(attrs={"rows": 5}),
            "data_subjects": forms.Textarea(attrs={"rows": 2}),
            "sources": forms.Textarea(attrs={"rows": 2}),
            "regular_recipients": forms.Textarea(attrs={"rows": 2}),
            "special_procedures": forms.Textarea(attrs={"rows": 2}),
            "anonymized_information": forms.Textarea(attrs={"rows": 2}),
            "remarks": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "name": pgettext_lazy("register", "Name of the file"),
            "agency_name": pgettext_lazy("register", "Name of the public body"),
            "purpose": pgettext_lazy("register", "Purpose of use"),
            "items": pgettext_lazy("register", "Items recorded"),
            "data_subjects": pgettext_lazy("register", "People recorded"),
            "sources": pgettext_lazy("register", "How the data is collected"),
            "contains_special_care": _("The file contains special-care information"),
            "regular_recipients": pgettext_lazy("register", "Regular recipients"),
            "request_office": pgettext_lazy(
                "register", "Office receiving requests for disclosure and the like"
            ),
            "special_procedures": pgettext_lazy(
                "register", "Special procedures for correction and suspension under other laws"
            ),
            "form": pgettext_lazy("register", "Kind of file"),
            "anonymized_information": pgettext_lazy(
                "register", "Anonymously processed information held by public bodies"
            ),
            "retention": pgettext_lazy("register", "Retention period"),
            "remarks": pgettext_lazy("register", "Remarks"),
            "expected_subjects": _("Number of people (expected)"),
            "published": _("Publish in the public register"),
        }
        help_texts = {
            "agency_name": _("For example 東村山市長."),
            "special_procedures": _(
                "Leave it empty when there are none: the register then says it does not apply."
            ),
            "anonymized_information": _(
                "Whether proposals are invited for this file, and the office receiving them. "
                "Leave it empty when it does not apply: the register then says so."
            ),
        }
        error_messages = {
            "name": errors(_("Enter the name of the file.")),
            "agency_name": errors(),
            "special_procedures": errors(),
            "anonymized_information": errors(),
            "purpose": errors(_("Enter the purpose of use.")),
            "items": errors(_("Enter the items recorded, one per line.")),
            "data_subjects": errors(_("Enter whose data the file records.")),
            "sources": errors(_("Enter how the data is collected.")),
            "form": errors(_("Choose the kind of file.")),
            "retention": errors(_("Enter the retention period.")),
            "request_office": errors(),
            "expected_subjects": {
                "invalid": _("Enter the number of people in digits."),
                "min_value": _("The number of people cannot be negative."),
            },
        }

    def __init__(
        self,
        *args: Any,
        departments: QuerySet[Department] | None,
        consultations: QuerySet[Consultation],
        contracts: QuerySet[Contract],
        may_change_contracts: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.agency_name:
            self.initial.setdefault("agency_name", default_agency_name())
        if departments is None:
            del self.fields["department"]
        else:
            self._set_queryset("department", departments)
        self._set_queryset("consultation", consultations)
        self._set_queryset(
            "decision",
            Decision.objects.filter(consultation__in=consultations)
            .select_related("consultation")
            .order_by("-decided_on", "-id"),
        )
        if may_change_contracts:
            self._set_queryset("contracts", contracts.select_related("vendor"))
        else:
            # Which contractors see the file's data is the department's decision (R12).
            del self.fields["contracts"]
        self.order_fields(REGISTER_ORDER)

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = queryset

    def validate_unique(self) -> None:
        """The service checks the name within the department, with its own message."""

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("department", None)
        if "contracts" in self.fields:
            data["contracts"] = list(data.get("contracts") or [])
        return data


class SetupRecipientForm(forms.ModelForm[Recipient]):
    class Meta:
        model = Recipient
        fields = ["name", "written_consent_required", "legal_basis"]
        labels = {"written_consent_required": _("A consent counts only with the signed form")}
        help_texts = {
            "written_consent_required": _(
                "As the answered handling record says for this recipient (「書面で同意をとる」)."
            )
        }
        error_messages = {"name": errors(_("Enter the recipient."))}

    def validate_unique(self) -> None:
        """The service checks names within the file."""


class SetupItemGroupForm(forms.ModelForm[ItemGroup]):
    class Meta:
        model = ItemGroup
        fields = ["name", "items", "special_care"]
        error_messages = {"name": errors(_("Enter the item group."))}

    def validate_unique(self) -> None:
        """The service checks names within the file."""


class SetupPurposeForm(forms.ModelForm[ProvisionPurpose]):
    class Meta:
        model = ProvisionPurpose
        fields = ["name"]
        error_messages = {"name": errors(_("Enter the purpose of provision."))}

    def validate_unique(self) -> None:
        """The service checks names within the file."""


SETUP_FORMS: dict[str, type[forms.ModelForm[Any]]] = {
    "recipient": SetupRecipientForm,
    "item_group": SetupItemGroupForm,
    "purpose": SetupPurposeForm,
}


class FileFilterForm(forms.Form):
    department = DepartmentChoiceField(
        label=pgettext_lazy("contract", "Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )

    def __init__(self, *args: Any, departments: QuerySet[Department] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["department"]
        else:
            field = self.fields["department"]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
            field.queryset = departments

    def chosen_department(self) -> Department | None:
        if "department" not in self.fields or not self.is_valid():
            return None
        chosen: Department | None = self.cleaned_data.get("department")
        return chosen


class RegisterSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the register (name, purpose, items)"),
        required=False,
        max_length=100,
        error_messages=errors(),
    )
