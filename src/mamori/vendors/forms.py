"""Forms for vendors, certifications, contracts, clauses, data held and sub-outsourcing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mamori.accounts.models import Department, Role, User
from mamori.consultations import attachments
from mamori.consultations.models import Consultation
from mamori.core.access import department_ids_of
from mamori.core.forms import WarekiDateField
from mamori.vendors.models import (
    Certification,
    Clause,
    Contract,
    EntityKind,
    Medium,
    ProcurementMethod,
    SubcontractApproval,
    Vendor,
)

CHOOSE = _("Choose…")
# A consultation that was answered stays a basis for contracts after its follow-ups close.
ANSWERED_STATUSES = (
    Consultation.Status.ANSWERED,
    Consultation.Status.FOLLOW_UP,
    Consultation.Status.CLOSED,
)


def choices_with_empty(choices: Any) -> list[tuple[str, Any]]:
    return [("", CHOOSE), *choices]


def add_service_errors(
    form: forms.Form, error: ValidationError, fields_by_code: Mapping[str, str]
) -> None:
    """Put a service's ValidationError on the fields it concerns, else above the form.

    A service may name fields (ValidationError({"field": ...})) or give a code; a code
    found in fields_by_code goes to that field, anything else is an error of the form.
    """
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for item in error.error_list:
        field = fields_by_code.get(item.code or "")
        form.add_error(field if field in form.fields else None, item)


def checked_upload(uploaded: UploadedFile[Any] | None) -> UploadedFile[Any] | None:
    """A file checked by content and size before any row is written (services check again)."""
    if uploaded is not None:
        attachments.check_file(uploaded)
    return uploaded


def upload_help() -> str:
    limit = attachments.megabytes(settings.MAMORI_MAX_UPLOAD_BYTES)
    return str(_("PDF, Word, Excel, PNG or JPEG, up to %(limit)s MB.") % {"limit": limit})


class OptionalFileField(forms.FileField):
    """An optional file with the messages of the consultation attachments."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault(
            "error_messages",
            {
                "empty": _("The file is empty."),
                "invalid": _("No file was sent: check the form's encoding."),
            },
        )
        super().__init__(**kwargs)


# Vendors ------------------------------------------------------------------------------------

_YEN = re.compile(r"^(?:(?P<oku>\d+)億)?(?:(?P<man>\d+)万)?(?P<rest>\d*)$")


class YenField(forms.Field):
    """An amount in yen: 30000000, 30,000,000, ３０，０００，０００円 or 3000万円."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> int | None:
        text = unicodedata.normalize("NFKC", str(value or "")).strip()
        text = re.sub(r"[\s,]", "", text).removesuffix("円")
        if not text:
            return None
        match = _YEN.match(text)
        if match is None or not any(match.groupdict().values()):
            raise ValidationError(
                _("Enter the amount in yen in digits, for example 30,000,000 or 3000万円."),
                code="invalid",
            )
        parts = {name: int(digits or 0) for name, digits in match.groupdict().items()}
        return parts["oku"] * 100_000_000 + parts["man"] * 10_000 + parts["rest"]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "numeric")
        attrs.setdefault("autocomplete", "off")
        return attrs


class VendorForm(forms.Form):
    """A vendor's particulars, for adding it or changing it."""

    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=200,
        help_text=_("As registered, with the kind of entity: 株式会社〇〇."),
    )
    entity_kind = forms.ChoiceField(
        label=_("Kind of entity"), choices=choices_with_empty(EntityKind.choices)
    )
    corporate_number = forms.CharField(
        label=_("Corporate number (法人番号)"),
        max_length=30,
        required=False,
        help_text=_("13 digits; hyphens and full-width digits are accepted. Leave empty if none."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    capital_yen = YenField(
        label=_("Capital (yen)"),
        required=False,
        help_text=_("For example 30,000,000 or 3000万円."),
    )

    # Where each code of a service's ValidationError belongs.
    ERROR_FIELDS = {
        "corporate_number_digits": "corporate_number",
        "corporate_number_length": "corporate_number",
        "corporate_number_check_digit": "corporate_number",
        "corporate_number_taken": "corporate_number",
        "legal_name": "legal_name",
        "entity_kind": "entity_kind",
        "capital": "capital_yen",
    }

    @classmethod
    def initial_of(cls, vendor: Vendor) -> dict[str, Any]:
        return {name: getattr(vendor, name) for name in cls.base_fields}


class ContactForm(forms.Form):
    """A person to call at a vendor."""

    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class CertificationForm(forms.Form):
    """A certification with its validity and the evidence file."""

    kind = forms.ChoiceField(
        label=_("Kind of certification"), choices=choices_with_empty(Certification.Kind.choices)
    )
    name = forms.CharField(
        label=_("Name of the certification"),
        max_length=100,
        required=False,
        help_text=_("Required when the kind is “Other”."),
    )
    number = forms.CharField(label=_("Registration number"), max_length=100, required=False)
    valid_from = WarekiDateField(label=_("Valid from"), help_text=_("For example 令和8年4月1日."))
    expires_on = WarekiDateField(
        label=_("Valid until"), help_text=_("For example 令和10年3月31日.")
    )
    evidence = OptionalFileField(label=_("Evidence (a copy of the certificate)"))

    ERROR_FIELDS = {
        "expiry_before_start": "expires_on",
        "name": "name",
        "kind": "kind",
        "empty": "evidence",
        "too_large": "evidence",
        "type": "evidence",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = upload_help()

    def clean_evidence(self) -> UploadedFile[Any] | None:
        return checked_upload(self.cleaned_data.get("evidence"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Certification.Kind.OTHER and not cleaned.get("name"):
            self.add_error("name", _("Enter the name of the certification."))
        start, end = cleaned.get("valid_from"), cleaned.get("expires_on")
        if start and end and end < start:
            self.add_error(
                "expires_on", _("The certification cannot expire before it becomes valid.")
            )
        return cleaned


class ContractorUserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        name = obj.display_name or obj.username
        return f"{name}（{obj.username}）" if obj.display_name else name


class VendorUserLinkForm(forms.Form):
    """The secretariat ties a contractor user, not yet tied to a vendor, to this vendor."""

    user = ContractorUserChoiceField(
        label=_("Contractor user"), queryset=User.objects.none(), empty_label=CHOOSE
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = User.objects.filter(
            is_active=True, role=Role.CONTRACTOR, vendor_link__isnull=True
        ).order_by("username")


# Contracts ----------------------------------------------------------------------------------


def consultation_label(consultation: Consultation) -> str:
    """諮問第4号（平成21年度）障害者就労支援事業業務委託."""
    return f"{consultation.label}（{consultation.fiscal_year_label}）{consultation.title}"


class DepartmentChoiceField(forms.ModelChoiceField[Department]):
    def label_from_instance(self, obj: Department) -> str:
        return obj.full_name


class VendorChoiceField(forms.ModelChoiceField[Vendor]):
    def label_from_instance(self, obj: Vendor) -> str:
        return obj.legal_name


class ConsultationsField(forms.ModelMultipleChoiceField[Consultation]):
    def label_from_instance(self, obj: Consultation) -> str:
        return consultation_label(obj)


class ConsultationChoiceField(forms.ModelChoiceField[Consultation]):
    def label_from_instance(self, obj: Consultation) -> str:
        return consultation_label(obj)


class ContractChoiceField(forms.ModelChoiceField[Contract]):
    def label_from_instance(self, obj: Contract) -> str:
        return f"{obj.title}（{obj.vendor.legal_name}）"


def answered_consultations(consultations: QuerySet[Consultation]) -> QuerySet[Consultation]:
    """The consultations the council has answered, newest first."""
    return consultations.filter(status__in=ANSWERED_STATUSES).order_by("-fiscal_year", "-number")


def _queryset_of(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
    field.queryset = queryset


class ContractForm(forms.Form):
    """A contract's particulars; on a new contract also its department, contractor and bases.

    The choices are given by the view: the departments the user acts for, the answered
    consultations the user may see, and the contracts it may replace.
    """

    department = DepartmentChoiceField(
        label=_("Department"), queryset=Department.objects.none(), empty_label=CHOOSE
    )
    vendor = VendorChoiceField(
        label=_("Contractor"), queryset=Vendor.objects.none(), empty_label=CHOOSE
    )
    title = forms.CharField(label=_("Title of the contract"), max_length=300)
    number = forms.CharField(label=_("Contract number"), max_length=50, required=False)
    starts_on = WarekiDateField(label=_("Starts on"), help_text=_("For example 平成21年10月1日."))
    ends_on = WarekiDateField(label=_("Ends on"), help_text=_("For example 平成22年3月31日."))
    procurement_method = forms.ChoiceField(
        label=_("Procurement method"), choices=choices_with_empty(ProcurementMethod.choices)
    )
    consultations = ConsultationsField(
        label=_("Consultations the contract rests on"),
        queryset=Consultation.objects.none(),
        help_text=_("Answered consultations of the department. Choose one or more."),
        error_messages={"required": _("Choose the consultation the contract rests on.")},
    )
    previous_contract = ContractChoiceField(
        label=_("Replaces the contract"),
        queryset=Contract.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("The earlier contract whose contractor hands the data over through the city."),
    )

    # Fields only a new contract has: an existing one keeps its department, contractor and bases.
    CREATE_ONLY = ("department", "vendor", "consultations", "previous_contract")
    ERROR_FIELDS = {
        "title": "title",
        "starts_before_answer": "starts_on",
        "ends_before_start": "ends_on",
        "department": "consultations",
        "not_approved": "consultations",
        "no_answered_version": "consultations",
        "no_consultation": "consultations",
        "previous_contract": "previous_contract",
        "procurement_method": "procurement_method",
    }

    def __init__(
        self,
        *args: Any,
        departments: QuerySet[Department] | None = None,
        vendors: QuerySet[Vendor] | None = None,
        consultations: QuerySet[Consultation] | None = None,
        previous: QuerySet[Contract] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if departments is None:
            for name in self.CREATE_ONLY:
                del self.fields[name]
            return
        _queryset_of(self, "department", departments)
        _queryset_of(self, "vendor", vendors if vendors is not None else Vendor.objects.none())
        _queryset_of(
            self,
            "consultations",
            consultations if consultations is not None else Consultation.objects.none(),
        )
        _queryset_of(
            self, "previous_contract", previous if previous is not None else Contract.objects.none()
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The contract cannot end before it starts."))
        department = cleaned.get("department")
        if department is not None:
            self._check_same_department(department, cleaned)
        return cleaned

    def _check_same_department(self, department: Department, cleaned: dict[str, Any]) -> None:
        """The bases and the contract replaced belong to the contract's department."""
        others = [c for c in cleaned.get("consultations") or [] if c.department_id != department.pk]
        if others:
            self.add_error(
                "consultations",
                _("%(label)s is a consultation of another department.")
                % {"label": others[0].label},
            )
        previous = cleaned.get("previous_contract")
        if previous is not None and previous.department_id != department.pk:
            self.add_error(
                "previous_contract", _("The contract it replaces belongs to another department.")
            )

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the service takes it."""
        fields = dict(self.cleaned_data)
        if "consultations" in fields:
            fields["consultations"] = list(fields["consultations"])
        return fields

    @classmethod
    def initial_of(cls, contract: Contract) -> dict[str, Any]:
        names = ("title", "number", "starts_on", "ends_on", "procurement_method")
        return {name: getattr(contract, name) for name in names}


@dataclass(frozen=True)
class ClauseRow:
    """One clause kind of the clauses form: its name and its two inputs."""

    kind: str
    label: str
    present: forms.BoundField
    reference: forms.BoundField


class ClausesForm(forms.Form):
    """Every clause kind of a contract: in the contract (with its article) or not."""

    def __init__(self, *args: Any, clauses: list[Clause] | None = None, **kwargs: Any) -> None:
        existing = {clause.kind: clause for clause in clauses or []}
        initial: dict[str, Any] = {}
        for kind in Clause.Kind:
            clause = existing.get(kind.value)
            initial[f"{kind.value}-present"] = bool(clause and clause.present)
            initial[f"{kind.value}-reference"] = clause.reference if clause else ""
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for kind in Clause.Kind:
            self.fields[f"{kind.value}-present"] = forms.BooleanField(
                label=_("In the contract"), required=False
            )
            self.fields[f"{kind.value}-reference"] = forms.CharField(
                label=_("Article"),
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": "第7条"}),
            )

    def rows(self) -> list[ClauseRow]:
        return [
            ClauseRow(
                kind=kind.value,
                label=str(kind.label),
                present=self[f"{kind.value}-present"],
                reference=self[f"{kind.value}-reference"],
            )
            for kind in Clause.Kind
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for kind in Clause.Kind:
            present = cleaned.get(f"{kind.value}-present")
            reference = (cleaned.get(f"{kind.value}-reference") or "").strip()
            if present and not reference:
                self.add_error(
                    f"{kind.value}-reference",
                    _("Enter the article of the contract where the clause is written."),
                )
        return cleaned

    def clauses(self) -> dict[str, tuple[bool, str]]:
        """The clauses as services.set_clauses takes them."""
        result: dict[str, tuple[bool, str]] = {}
        for kind in Clause.Kind:
            present = bool(self.cleaned_data.get(f"{kind.value}-present"))
            reference = (self.cleaned_data.get(f"{kind.value}-reference") or "").strip()
            result[kind.value] = (present, reference if present else "")
        return result


class HoldingForm(forms.Form):
    """A kind of personal data the contractor holds under the contract, and where."""

    medium = forms.ChoiceField(label=_("Form"), choices=choices_with_empty(Medium.choices))
    description = forms.CharField(
        label=_("Data"),
        max_length=200,
        help_text=_("For example 利用者台帳（氏名、住所、障害の状況）."),
    )
    location = forms.CharField(label=_("Where it is kept"), max_length=200, required=False)


class SubcontractorTierField(forms.ModelChoiceField[SubcontractApproval]):
    def label_from_instance(self, obj: SubcontractApproval) -> str:
        return obj.subcontractor.legal_name


class SubcontractForm(forms.Form):
    """A sub-contractor under the contractor or under another sub-contractor of the contract."""

    subcontractor = VendorChoiceField(
        label=_("Sub-contractor"), queryset=Vendor.objects.none(), empty_label=CHOOSE
    )
    parent = SubcontractorTierField(
        label=_("Works under"),
        queryset=SubcontractApproval.objects.none(),
        required=False,
        help_text=_("Leave as the contractor unless it works for another sub-contractor."),
    )
    scope = forms.CharField(label=_("Work sub-contracted"), widget=forms.Textarea)
    consultation = ConsultationChoiceField(
        label=_("Consultation on the sub-outsourcing"),
        queryset=Consultation.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("When the council was consulted on this sub-outsourcing."),
    )
    request_file = OptionalFileField(label=_("Approval request (承認願)"))

    ERROR_FIELDS = {
        "cycle": "subcontractor",
        "duplicate": "subcontractor",
        "parent": "parent",
        "department": "consultation",
        "scope": "scope",
        "empty": "request_file",
        "too_large": "request_file",
        "type": "request_file",
    }

    def __init__(
        self,
        *args: Any,
        contract: Contract,
        consultations: QuerySet[Consultation] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Any vendor but the contractor itself may work under the contract.
        _queryset_of(self, "subcontractor", Vendor.objects.exclude(pk=contract.vendor_id))
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        parent.queryset = contract.subcontracts.select_related("subcontractor")
        parent.empty_label = _("The contractor (%(name)s)") % {"name": contract.vendor.legal_name}
        if consultations is None:
            del self.fields["consultation"]
        else:
            _queryset_of(self, "consultation", consultations)
        self.fields["request_file"].help_text = upload_help()

    def clean_request_file(self) -> UploadedFile[Any] | None:
        return checked_upload(self.cleaned_data.get("request_file"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parent, vendor = cleaned.get("parent"), cleaned.get("subcontractor")
        if parent is not None and vendor is not None and parent.subcontractor_id == vendor.pk:
            self.add_error("subcontractor", _("A sub-contractor cannot work under itself."))
        return cleaned


class ApproveForm(forms.Form):
    """The day the department approved the sub-outsourcing."""

    approved_on = WarekiDateField(label=_("Approved on"))

    ERROR_FIELDS = {"future": "approved_on", "before_parent": "approved_on"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"approved_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ContractFilterForm(forms.Form):
    """Narrow the list of contracts."""

    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All departments"),
    )
    vendor = VendorChoiceField(
        label=_("Contractor"),
        queryset=Vendor.objects.none(),
        required=False,
        empty_label=_("All contractors"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Contract.Status.choices],
    )
    flagged = forms.BooleanField(label=_("Only contracts with warnings"), required=False)

    def __init__(
        self,
        *args: Any,
        departments: QuerySet[Department] | None,
        vendors: QuerySet[Vendor],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if departments is None:
            del self.fields["department"]
        else:
            _queryset_of(self, "department", departments)
        _queryset_of(self, "vendor", vendors)

    def valid_filters(self) -> dict[str, Any]:
        """The filters given that are valid; an invalid one is shown as an error and ignored."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value not in (None, "", False)}


def departments_for(user: Any) -> QuerySet[Department]:
    """Every department for the secretariat; a member of staff their own and those under it."""
    departments = Department.objects.select_related("parent__parent").order_by("id")
    if user.is_secretariat or user.is_auditor:
        return departments
    return departments.filter(pk__in=department_ids_of(user))
