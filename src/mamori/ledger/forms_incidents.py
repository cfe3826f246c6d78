"""Forms for incidents (漏えい等): what happened, the questions of the reporting rule, and the
dates of the reports and of the notification of the people."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mamori.accounts.models import Department
from mamori.core.access import department_ids_of
from mamori.core.forms import WarekiDateField
from mamori.ledger import access
from mamori.ledger.deadlines import PEOPLE_THRESHOLD
from mamori.ledger.models import Incident, IncidentKind, PersonalInformationFile
from mamori.ledger.services.incidents import MAX_TEXT
from mamori.vendors.models import Contract

CHOOSE = _("Choose…")
NOT_CHOSEN = pgettext_lazy("empty choice", "(none chosen)")
NO_NAMES = _("Do not write information that identifies a person (such as names).")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
# The questions of 施行規則第43条, as the form asks them.
QUESTIONS = {
    "special_care": _(
        "Does the data include special-care information (要配慮個人情報: for example illness, "
        "disability, criminal record, beliefs)?"
    ),
    "financial_harm": _(
        "Could the data be misused to cause financial harm (for example bank account or "
        "card numbers, login passwords)?"
    ),
    "malicious": _(
        "May it have been done with malicious intent (for example theft, unauthorized "
        "access, taking data out to misuse it)?"
    ),
    "ordinance_special_care": _(
        "Does the data include information the city's ordinance requires special care for "
        "(条例要配慮個人情報)?"
    ),
    "suspected": _("Is it only a risk so far (not yet confirmed)?"),
}


def yes_no(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        # No initial answer: each question must be answered, never pre-answered "no".
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer this question.")},
    )


def report_text(label: Any, *, rows: int = 3, help_text: Any = NO_NAMES) -> forms.CharField:
    """An optional matter of the report to the Commission, written as free text."""
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class IncidentForm(forms.Form):
    """An incident: what happened, to which file and how many people, and the questions that
    decide whether it must be reported to the Commission."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        empty_label=CHOOSE,
        error_messages={"required": _("Choose the department.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_(
            "For example: 利用登録者台帳の写しの誤送付. Do not write information that "
            "identifies a person (such as names)."
        ),
        error_messages={"required": _("Enter a title for the incident.")},
    )
    kind = forms.ChoiceField(
        label=_("What happened to the data"),
        choices=IncidentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether data leaked, was lost or damaged.")},
    )
    suspected = yes_no(QUESTIONS["suspected"])
    what_happened = forms.CharField(
        label=_("What happened"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=NO_NAMES,
        error_messages={"required": _("Describe what happened.")},
    )
    occurred_on = WarekiDateField(label=_("Day it occurred"), required=False)
    discovered_on = WarekiDateField(
        label=_("Day it became known"),
        help_text=_("The report deadlines count from this day."),
        error_messages={"required": _("Enter the day the incident became known.")},
    )
    people_count = forms.IntegerField(
        label=_("Number of people concerned"),
        min_value=0,
        max_value=100_000_000,
        error_messages={
            "required": _("Enter the number of people concerned."),
            "invalid": _("Enter the number of people as a whole number."),
            "min_value": _("The number of people cannot be negative."),
            "max_value": _("The number of people is too large."),
        },
    )
    special_care = yes_no(QUESTIONS["special_care"])
    financial_harm = yes_no(QUESTIONS["financial_harm"])
    malicious = yes_no(QUESTIONS["malicious"])
    ordinance_special_care = yes_no(QUESTIONS["ordinance_special_care"])
    file = forms.ModelChoiceField(
        label=_("Personal information file"),
        queryset=PersonalInformationFile.objects.none(),
        required=False,
        empty_label=NOT_CHOSEN,
    )
    special_care_confirmed = forms.BooleanField(
        label=_(
            "I have checked that the data concerned includes no special-care information, "
            "although the file holds some"
        ),
        required=False,
    )
    items_concerned = forms.CharField(
        label=_("Items of personal information concerned"),
        max_length=500,
        required=False,
        help_text=_("For example: 氏名、住所、障害の状況. Name the kinds of data, not the data."),
    )
    cause = report_text(_("Cause"))
    secondary_harm = report_text(
        _("Secondary harm, or the risk of it"),
        help_text=_(
            "Whether there is any, and what. Do not write information that identifies a "
            "person (such as names)."
        ),
    )
    publication = report_text(
        pgettext_lazy("incident report", "Publication"),
        rows=2,
        help_text=_("Whether, when and how the incident was made public, or why not."),
    )
    prevention = report_text(_("Measures to prevent it happening again"))
    other_matters = report_text(_("Other matters for reference"), rows=2)
    contract = forms.ModelChoiceField(
        label=_("Contract (when a contractor caused it)"),
        queryset=Contract.objects.none(),
        required=False,
        empty_label=NOT_CHOSEN,
    )

    field_order = [
        "department",
        "title",
        "kind",
        "suspected",
        "what_happened",
        "occurred_on",
        "discovered_on",
        "people_count",
        "file",
        "contract",
        "special_care",
        "special_care_confirmed",
        "financial_harm",
        "malicious",
        "ordinance_special_care",
        "items_concerned",
        "cause",
        "secondary_harm",
        "publication",
        "prevention",
        "other_matters",
    ]

    def __init__(self, *args: Any, user: Any, incident: Incident | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["people_count"].help_text = str(
            _("More than %(n)s people makes the incident one to report.") % {"n": PEOPLE_THRESHOLD}
        )
        if user.is_secretariat:
            departments = Department.objects.all()
        else:
            departments = Department.objects.filter(pk__in=department_ids_of(user))
        if incident is not None:
            # The department of an incident is not changed.
            del self.fields["department"]
            ids = [incident.department_id]
        else:
            department_field: Any = self.fields["department"]
            department_field.queryset = departments.order_by("pk")
            department_field.initial = user.department_id
            ids = list(departments.values_list("pk", flat=True))
        file_field: Any = self.fields["file"]
        file_field.queryset = PersonalInformationFile.objects.filter(department_id__in=ids)
        file_field.label_from_instance = _file_label
        self._warn_special_care(file_field.queryset)
        contract_field: Any = self.fields["contract"]
        contract_field.queryset = Contract.objects.filter(department_id__in=ids).select_related(
            "vendor"
        )
        contract_field.label_from_instance = lambda c: f"{c.title}（{c.vendor.legal_name}）"
        contract_field.help_text = _("The contractor's users can read an incident linked to it.")
        if incident is not None and incident.reported_by_contractor:
            # A contractor's report keeps the contract it was made under.
            contract_field.disabled = True
            contract_field.help_text = _(
                "A contractor's report keeps the contract it was made under."
            )

    def _warn_special_care(self, files: Any) -> None:
        """The special-care question names the files that hold special-care information."""
        names = [f.name for f in files.filter(contains_special_care=True).order_by("name")]
        if names:
            self.fields["special_care"].help_text = str(
                _(
                    "These files hold special-care information: %(files)s. If the incident "
                    "concerns one of them, answer “yes” unless you have checked that none of "
                    "it is involved."
                )
                % {"files": "、".join(names)}
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        occurred, discovered = cleaned.get("occurred_on"), cleaned.get("discovered_on")
        if occurred and discovered and occurred > discovered:
            self.add_error(
                "occurred_on", _("The day it occurred cannot be after the day it became known.")
            )
        file = cleaned.get("file")
        answered_no = cleaned.get("special_care") is False and "special_care" not in self.errors
        confirming = "special_care_confirmed" in self.fields
        if confirming and file is not None and file.contains_special_care and answered_no:
            if not cleaned.get("special_care_confirmed"):
                self.add_error(
                    "special_care",
                    _(
                        "The file “%(file)s” holds special-care information (要配慮個人情報): "
                        "answer “yes”, or tick the box below once you have checked that none "
                        "of it is involved."
                    )
                    % {"file": file.name},
                )
        return cleaned


class ContractorIncidentForm(IncidentForm):
    """A contractor's report: under which of its contracts in force, and which file kept under
    it; the incident belongs to the contract's department."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["department"]
        # Whether special-care data is involved is the department's judgement to confirm;
        # publication and the measures against recurrence are the city's decisions.
        for name in ("special_care_confirmed", "publication", "prevention", "other_matters"):
            del self.fields[name]
        contracts = access.contracts_reportable_by(user).select_related("vendor", "department")
        contract_field: Any = self.fields["contract"]
        contract_field.queryset = contracts.order_by("pk")
        contract_field.label = _("Contract")
        contract_field.required = True
        contract_field.empty_label = CHOOSE
        contract_field.error_messages["required"] = _("Choose the contract.")
        contract_field.label_from_instance = lambda c: f"{c.title}（{c.department.name}）"
        contract_field.help_text = _("The report goes to the department of this contract.")
        only = list(contract_field.queryset[:2])
        if len(only) == 1:
            contract_field.initial = only[0].pk
        file_field: Any = self.fields["file"]
        file_field.queryset = PersonalInformationFile.objects.filter(
            contracts__in=contracts
        ).distinct()
        file_field.help_text = _("Only files kept under your contracts are listed.")
        self._warn_special_care(file_field.queryset)
        discovered: Any = self.fields["discovered_on"]
        discovered.label = _("Day you became aware of it")
        discovered.help_text = _(
            "The deadlines for reporting to the Personal Information Protection Commission "
            "count from this day."
        )
        discovered.error_messages["required"] = _("Enter the day you became aware of it.")
        self.order_fields(
            [
                "contract",
                "file",
                *[name for name in self.field_order if name not in ("contract", "file")],
            ]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        contract, file = cleaned.get("contract"), cleaned.get("file")
        if contract is not None and file is not None:
            if not file.contracts.filter(pk=contract.pk).exists():
                self.add_error("file", _("Choose a file kept under the chosen contract."))
        return cleaned


def _file_label(file: PersonalInformationFile) -> str:
    if file.contains_special_care:
        return str(_("%(name)s (holds special-care information)") % {"name": file.name})
    return file.name


class IncidentReportsForm(forms.Form):
    """The dates of the prompt and final reports and of the notification of the people."""

    prompt_reported_on = WarekiDateField(label=_("Prompt report (速報) made on"), required=False)
    final_reported_on = WarekiDateField(label=_("Final report (確報) made on"), required=False)
    people_notified_on = WarekiDateField(label=_("People notified on"), required=False)
    notification_note = forms.CharField(
        label=_("How people were notified, or why they could not be"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "When the people cannot be notified, say why and what was done instead "
            "(for example: published on the city's website). Do not write information that "
            "identifies a person (such as names)."
        ),
    )
    close = forms.BooleanField(label=_("Close the incident"), required=False)
