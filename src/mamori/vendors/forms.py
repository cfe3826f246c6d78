"""Forms for vendors, certifications, contracts, clauses, data held and sub-outsourcing."""

from __future__ import annotations

import datetime as dt
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
from django.utils.translation import pgettext_lazy

from mamori.accounts.models import Department, Role, User
from mamori.consultations import attachments
from mamori.consultations.models import Consultation, Decision
from mamori.core import eras
from mamori.core.access import department_ids_of
from mamori.core.forms import WarekiDateField
from mamori.vendors import services
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
NONE_CHOSEN = _("(none)")
TOO_LONG = _("Enter at most %(limit_value)d characters (%(show_value)d were entered).")
DEPARTMENT = pgettext_lazy("contract", "Department")
# A consultation that was answered stays a basis for contracts after its follow-ups close.
ANSWERED_STATUSES = (
    Consultation.Status.ANSWERED,
    Consultation.Status.FOLLOW_UP,
    Consultation.Status.CLOSED,
)


def choices_with_empty(choices: Any) -> list[tuple[str, Any]]:
    return [("", CHOOSE), *choices]


def errors(required: Any = None) -> dict[str, Any]:
    """A field's messages: the one for an empty required field, saying what to enter, and
    the one for text over the length the model keeps."""
    messages: dict[str, Any] = {"max_length": TOO_LONG}
    if required is not None:
        messages["required"] = required
    return messages


class DateField(WarekiDateField):
    """A date in the Japanese era or ISO, with no placeholder that could pass for a value
    (the field's hint gives the example)."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("placeholder", None)
        return attrs


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
        amount = parts["oku"] * 100_000_000 + parts["man"] * 10_000 + parts["rest"]
        if amount > services.MAX_CAPITAL_YEN:
            raise ValidationError(
                _("The capital is too large: enter the correct amount."), code="too_large"
            )
        return amount

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
        error_messages=errors(_("Enter the vendor's legal name.")),
    )
    entity_kind = forms.ChoiceField(
        label=_("Kind of entity"),
        choices=choices_with_empty(EntityKind.choices),
        error_messages=errors(_("Choose the kind of entity.")),
    )
    corporate_number = forms.CharField(
        label=_("Corporate number (法人番号)"),
        max_length=30,
        required=False,
        error_messages=errors(),
        help_text=_("13 digits; hyphens and full-width digits are accepted. Leave empty if none."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, error_messages=errors()
    )
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

    def __init__(self, *args: Any, vendor: Vendor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vendor = vendor

    def clean_corporate_number(self) -> str:
        """13 digits with a matching check digit, held by no other vendor (checked here so
        that every error of the form shows at once; the service checks again)."""
        number = (self.cleaned_data.get("corporate_number") or "").strip()
        if not number:
            return ""
        number = services.normalize_corporate_number(number)
        others = Vendor.objects.filter(corporate_number=number)
        if self.vendor is not None:
            others = others.exclude(pk=self.vendor.pk)
        holder = others.first()
        if holder is not None:
            raise ValidationError(
                _("Another vendor (%(name)s) already has the corporate number %(number)s.")
                % {"name": holder.legal_name, "number": number},
                code="corporate_number_taken",
            )
        return number

    def clean_capital_yen(self) -> int | None:
        capital: int | None = self.cleaned_data.get("capital_yen")
        if capital is not None and capital < 0:
            raise ValidationError(_("The capital cannot be negative."), code="capital")
        return capital

    @classmethod
    def initial_of(cls, vendor: Vendor) -> dict[str, Any]:
        return {name: getattr(vendor, name) for name in cls.base_fields}


class ContactForm(forms.Form):
    """A person to call at a vendor."""

    name = forms.CharField(
        label=_("Name"), max_length=100, error_messages=errors(_("Enter the contact's name."))
    )
    title = forms.CharField(
        label=_("Job title"), max_length=100, required=False, error_messages=errors()
    )
    phone = forms.CharField(
        label=_("Telephone"), max_length=60, required=False, error_messages=errors()
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, required=False, error_messages=errors()
    )


class CertificationForm(forms.Form):
    """A certification with its validity and the evidence file."""

    kind = forms.ChoiceField(
        label=_("Kind of certification"),
        choices=choices_with_empty(Certification.Kind.choices),
        error_messages=errors(_("Choose the certification.")),
    )
    name = forms.CharField(
        label=_("Name of the certification"),
        max_length=100,
        required=False,
        help_text=_("Required when the kind is “Other”."),
        error_messages=errors(),
    )
    number = forms.CharField(
        label=_("Registration number"), max_length=100, required=False, error_messages=errors()
    )
    valid_from = DateField(
        label=_("Valid from"),
        help_text=_("For example 令和8年4月1日."),
        error_messages=errors(_("Enter the day the certification became valid.")),
    )
    expires_on = DateField(
        label=_("Valid until"),
        help_text=_("For example 令和10年3月31日."),
        error_messages=errors(_("Enter the last day the certification is valid.")),
    )
    evidence = OptionalFileField(label=_("Evidence (a copy of the certificate)"))

    ERROR_FIELDS = {
        "evidence_required": "evidence",
        "expiry_before_start": "expires_on",
        "name": "name",
        "kind": "kind",
        "empty": "evidence",
        "too_large": "evidence",
        "type": "evidence",
    }

    def __init__(self, *args: Any, evidence_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        evidence = self.fields["evidence"]
        evidence.help_text = upload_help()
        if evidence_required:
            # A vendor's own declaration is confirmed by the city against this copy.
            evidence.required = True
            evidence.error_messages["required"] = _(
                "Attach a copy of the certificate: the city confirms the certification against it."
            )
            evidence.help_text = _(
                "Required: the city confirms the certification against it. %(types)s"
            ) % {"types": upload_help()}

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
        label=_("Contractor user"),
        queryset=User.objects.none(),
        empty_label=CHOOSE,
        error_messages=errors(_("Choose the contractor user.")),
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
        label=DEPARTMENT,
        queryset=Department.objects.none(),
        empty_label=CHOOSE,
        error_messages=errors(_("Choose the department.")),
    )
    vendor = VendorChoiceField(
        label=_("Contractor"),
        queryset=Vendor.objects.none(),
        empty_label=CHOOSE,
        error_messages=errors(_("Choose the contractor.")),
    )
    title = forms.CharField(
        label=_("Title of the contract"),
        max_length=300,
        error_messages=errors(_("Enter the contract's title.")),
    )
    number = forms.CharField(
        label=_("Contract number"), max_length=50, required=False, error_messages=errors()
    )
    starts_on = DateField(
        label=_("Starts on"),
        help_text=_("For example 令和8年4月1日."),
        error_messages=errors(_("Enter the first day of the contract.")),
    )
    ends_on = DateField(
        label=_("Ends on"),
        help_text=_("For example 令和9年3月31日."),
        error_messages=errors(_("Enter the last day of the contract.")),
    )
    procurement_method = forms.ChoiceField(
        label=_("Procurement method"),
        choices=choices_with_empty(ProcurementMethod.choices),
        error_messages=errors(_("Choose the procurement method.")),
    )
    consultations = ConsultationsField(
        label=_("Consultations the contract rests on"),
        queryset=Consultation.objects.none(),
        help_text=_(
            "Answered consultations of the department. To choose several, hold down Ctrl "
            "(⌘ on a Mac) while clicking."
        ),
        error_messages={"required": _("Choose the consultation the contract rests on.")},
    )
    previous_contract = ContractChoiceField(
        label=_("Replaces the contract"),
        queryset=Contract.objects.none(),
        required=False,
        empty_label=NONE_CHOSEN,
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
        answered_on: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # On an existing contract: the latest answer it rests on (it may not start before).
        self.answered_on = answered_on
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
        answered_on = self._latest_answer(cleaned)
        if start and answered_on and start < answered_on:
            self.add_error(
                "starts_on",
                _("The contract period starts before the answer (%(date)s).")
                % {"date": eras.format_date(answered_on)},
            )
        department = cleaned.get("department")
        if department is not None:
            self._check_same_department(department, cleaned)
        return cleaned

    def _latest_answer(self, cleaned: dict[str, Any]) -> dt.date | None:
        """The day of the latest 可 or 条件付き可 answer of the consultations chosen (or, on an
        existing contract, of those it rests on)."""
        if "consultations" not in self.fields:
            return self.answered_on
        chosen = cleaned.get("consultations") or []
        if not chosen:
            return None
        decisions = Decision.objects.filter(
            consultation__in=chosen, result__in=services.APPROVING_RESULTS
        ).order_by("-decided_on")
        latest = decisions.values_list("decided_on", flat=True).first()
        return latest

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
    """Every clause kind of a contract: provided for in the contract (and where) or not."""

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
                label=pgettext_lazy("clause", "Provided"), required=False
            )
            self.fields[f"{kind.value}-reference"] = forms.CharField(
                # Named after its clause, so that the error list says which one is wrong.
                label=_("%(clause)s: where provided") % {"clause": kind.label},
                max_length=100,
                required=False,
                error_messages=errors(),
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
            name = f"{kind.value}-reference"
            if name not in cleaned:
                continue  # already in error (too long)
            present = cleaned.get(f"{kind.value}-present")
            reference = (cleaned.get(name) or "").strip()
            if present and not reference:
                self.add_error(
                    name,
                    _("Enter where the contract provides for “%(clause)s”.")
                    % {"clause": kind.label},
                )
            elif reference and not present:
                self.add_error(
                    name, _("Tick “provided” or clear the article where it is provided for.")
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

    medium = forms.ChoiceField(
        label=_("Form"),
        choices=choices_with_empty(Medium.choices),
        error_messages=errors(_("Choose paper or electronic data.")),
    )
    description = forms.CharField(
        label=_("Data"),
        max_length=200,
        help_text=_("For example 利用者台帳（氏名、住所、障害の状況）."),
        error_messages=errors(_("Describe the data the contractor holds.")),
    )
    location = forms.CharField(
        label=_("Where it is kept"), max_length=200, required=False, error_messages=errors()
    )


class SubcontractorTierField(forms.ModelChoiceField[SubcontractApproval]):
    def label_from_instance(self, obj: SubcontractApproval) -> str:
        return obj.subcontractor.legal_name


# The choice of the contractor's form that proposes a company not among those offered.
NEW_COMPANY = "new"


class SubcontractForm(forms.Form):
    """A sub-contractor under the contractor or under another sub-contractor of the contract.

    The city's staff choose from every vendor. A contractor user (``proposing``) does not see
    the city's list: it chooses among the vendors already in the contract's chain and those
    the answered record names, or proposes a new company by name, kind and 法人番号.
    """

    subcontractor = VendorChoiceField(
        label=_("Sub-contractor"),
        queryset=Vendor.objects.none(),
        empty_label=CHOOSE,
        error_messages=errors(_("Choose the sub-contractor.")),
    )
    new_legal_name = forms.CharField(
        label=_("Legal name of the new company"),
        max_length=200,
        required=False,
        help_text=_("As registered, with the kind of entity: 株式会社〇〇."),
        error_messages=errors(),
    )
    new_entity_kind = forms.ChoiceField(
        label=_("Kind of entity of the new company"),
        choices=choices_with_empty(EntityKind.choices),
        required=False,
    )
    new_corporate_number = forms.CharField(
        label=_("Corporate number of the new company (法人番号)"),
        max_length=30,
        required=False,
        help_text=_("13 digits; hyphens and full-width digits are accepted. Leave empty if none."),
        error_messages=errors(),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    parent = SubcontractorTierField(
        label=pgettext_lazy("subcontract", "Works under"),
        queryset=SubcontractApproval.objects.none(),
        required=False,
        help_text=_("Leave as the contractor unless it works for another sub-contractor."),
    )
    scope = forms.CharField(
        label=_("Work sub-contracted"),
        max_length=2000,
        widget=forms.Textarea,
        error_messages=errors(_("Describe the work sub-contracted.")),
    )
    consultation = ConsultationChoiceField(
        label=_("Consultation on the sub-outsourcing"),
        queryset=Consultation.objects.none(),
        required=False,
        empty_label=NONE_CHOSEN,
        help_text=_("When the council was consulted on this sub-outsourcing."),
    )
    request_file = OptionalFileField(label=_("Approval request (承認願)"))

    NEW_FIELDS = ("new_legal_name", "new_entity_kind", "new_corporate_number")
    ERROR_FIELDS = {
        "cycle": "subcontractor",
        "duplicate": "subcontractor",
        "parent": "parent",
        "department": "consultation",
        "scope": "scope",
        "empty": "request_file",
        "too_large": "request_file",
        "type": "request_file",
        "legal_name": "new_legal_name",
        "entity_kind": "new_entity_kind",
        "corporate_number_digits": "new_corporate_number",
        "corporate_number_length": "new_corporate_number",
        "corporate_number_check_digit": "new_corporate_number",
        "corporate_number_taken": "new_corporate_number",
    }

    def __init__(
        self,
        *args: Any,
        contract: Contract,
        consultations: QuerySet[Consultation] | None,
        proposable: list[Vendor] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.proposing = proposable is not None
        if proposable is None:
            # The city's staff: any vendor but the contractor itself may work under it.
            _queryset_of(self, "subcontractor", Vendor.objects.exclude(pk=contract.vendor_id))
            for name in self.NEW_FIELDS:
                del self.fields[name]
        else:
            self.fields["subcontractor"] = forms.ChoiceField(
                label=_("Sub-contractor"),
                choices=[
                    ("", CHOOSE),
                    *[(str(vendor.pk), vendor.legal_name) for vendor in proposable],
                    (NEW_COMPANY, _("A company not in this list (enter it below)")),
                ],
                error_messages=errors(_("Choose the sub-contractor.")),
            )
            self.proposable = {vendor.pk: vendor for vendor in proposable}
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        parent.queryset = contract.subcontracts.filter(refused_on__isnull=True).select_related(
            "subcontractor"
        )
        parent.empty_label = _("The contractor (%(name)s)") % {"name": contract.vendor.legal_name}
        if consultations is None:
            del self.fields["consultation"]
        else:
            _queryset_of(self, "consultation", consultations)
        self.fields["request_file"].help_text = upload_help()

    def clean_request_file(self) -> UploadedFile[Any] | None:
        return checked_upload(self.cleaned_data.get("request_file"))

    def clean_subcontractor(self) -> Vendor | str | None:
        chosen = self.cleaned_data.get("subcontractor")
        if not self.proposing or chosen in (None, "", NEW_COMPANY):
            return chosen
        return self.proposable[int(chosen)]

    def clean_new_corporate_number(self) -> str:
        number = (self.cleaned_data.get("new_corporate_number") or "").strip()
        return services.normalize_corporate_number(number) if number else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parent, vendor = cleaned.get("parent"), cleaned.get("subcontractor")
        if (
            isinstance(vendor, Vendor)
            and parent is not None
            and parent.subcontractor_id == vendor.pk
        ):
            self.add_error("subcontractor", _("A sub-contractor cannot work under itself."))
        if self.is_new_company():
            if not (cleaned.get("new_legal_name") or "").strip() and "new_legal_name" in cleaned:
                self.add_error("new_legal_name", _("Enter the legal name of the new company."))
            if not cleaned.get("new_entity_kind"):
                self.add_error("new_entity_kind", _("Choose the kind of entity."))
        return cleaned

    def is_new_company(self) -> bool:
        return self.proposing and self.cleaned_data.get("subcontractor") == NEW_COMPANY


class ApproveForm(forms.Form):
    """The day the department approved the sub-outsourcing, and the consultation on it."""

    approved_on = DateField(
        label=_("Approved on"),
        help_text=_("For example 令和8年4月1日."),
        error_messages=errors(_("Enter the day of the approval.")),
    )
    consultation = ConsultationChoiceField(
        label=_("Consultation on the sub-outsourcing"),
        queryset=Consultation.objects.none(),
        required=False,
        empty_label=NONE_CHOSEN,
        help_text=_("When the council was consulted on this sub-outsourcing."),
    )

    ERROR_FIELDS = {
        "future": "approved_on",
        "before_parent": "approved_on",
        "department": "consultation",
    }

    def __init__(
        self, *args: Any, consultations: QuerySet[Consultation] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"approved_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        _queryset_of(
            self,
            "consultation",
            consultations if consultations is not None else Consultation.objects.none(),
        )


class RefuseForm(forms.Form):
    """The day the department refused the sub-outsourcing, and why."""

    refused_on = DateField(
        label=_("Refused on"),
        help_text=_("For example 令和8年4月1日."),
        error_messages=errors(_("Enter the day of the refusal.")),
    )
    reason = forms.CharField(
        label=_("Reason for refusal"),
        max_length=2000,
        widget=forms.Textarea,
        help_text=_("The contractor sees this reason."),
        error_messages=errors(_("Enter the reason for the refusal.")),
    )

    ERROR_FIELDS = {"future": "refused_on", "reason": "reason"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"refused_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ContractFilterForm(forms.Form):
    """Narrow the list of contracts."""

    department = DepartmentChoiceField(
        label=DEPARTMENT,
        queryset=Department.objects.none(),
        required=False,
        empty_label=pgettext_lazy("contract", "All departments"),
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
