"""Forms for consultations, opinions, responses, decisions, reports and follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mamori.accounts.models import Department, User
from mamori.consultations import anchors
from mamori.consultations.models import (
    Consultation,
    ConsultationKind,
    Decision,
    Opinion,
)
from mamori.consultations.services import next_number, number_is_taken
from mamori.core import eras
from mamori.core.access import department_ids_of
from mamori.core.forms import WarekiDateField
from mamori.council.models import Council, Meeting

CHOOSE = _("Choose…")


class ModelChoice[M: Model](forms.ModelChoiceField[M]):
    """A choice of one row, whose empty option asks the user to choose."""

    def __init__(self, *args: Any, empty_label: Any = CHOOSE, **kwargs: Any) -> None:
        super().__init__(*args, empty_label=empty_label, **kwargs)


class CouncilChoiceField(ModelChoice[Council]):
    """A council shown by name."""


class DepartmentChoiceField(ModelChoice[Department]):
    """A department shown with its full name: 健康福祉部障害支援課."""

    def label_from_instance(self, obj: Department) -> str:
        return obj.full_name


class MeetingChoiceField(ModelChoice[Meeting]):
    """A meeting shown by its title and date."""

    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.title}（{eras.format_date(obj.date)}）"


class MemberChoiceField(ModelChoice[User]):
    """A council member shown by name."""

    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class DecisionChoiceField(ModelChoice[Decision]):
    """An earlier decision: its date, consultation and verdict."""

    def label_from_instance(self, obj: Decision) -> str:
        consultation = obj.consultation
        return (
            f"{eras.format_date(obj.decided_on)} {consultation.fiscal_year_label}"
            f"{consultation.label}「{consultation.title}」: {obj.verdict}"
        )


class OpinionChoiceField(ModelChoice[Opinion]):
    """An opinion shown by its order and the start of its text."""

    def label_from_instance(self, obj: Opinion) -> str:
        return f"{obj.order}. {obj.text[:60]}"


def departments() -> QuerySet[Department]:
    """Every department, with the ancestors that its full name needs."""
    return Department.objects.select_related("parent__parent")


def meetings_with(consultation: Consultation) -> QuerySet[Meeting]:
    """The meetings that have the consultation on their agenda, latest first."""
    return (
        Meeting.objects.filter(agenda_items__consultations=consultation)
        .select_related("council")
        .distinct()
        .order_by("-date", "-number")
    )


def current_fiscal_year() -> int:
    """The fiscal year of today, in the local time zone."""
    return eras.fiscal_year_of(timezone.localdate())


def fiscal_year_choices(years: list[int]) -> list[tuple[str, Any]]:
    """Select options for fiscal years, labelled in the Japanese era."""
    return [("", _("All fiscal years"))] + [
        (str(year), eras.format_fiscal_year(year)) for year in years
    ]


def model_choice_field(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    """A form's model choice field, typed as one."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
    return field


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """A form's choice field, typed as one."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type
    return field


class KindChoiceField(ModelChoice[ConsultationKind]):
    """A kind of consultation shown by name."""


class ConsultationFilterForm(forms.Form):
    """Narrow the list of consultations as the secretariat needs, or a department its own."""

    fiscal_year = forms.TypedChoiceField(
        label=_("Fiscal year"), required=False, coerce=int, empty_value=None
    )
    department = DepartmentChoiceField(
        label=pgettext_lazy("consultation", "Department"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    kind = KindChoiceField(
        label=_("Kind"),
        required=False,
        queryset=ConsultationKind.objects.all(),
        empty_label=_("All kinds"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    follow_ups = forms.ChoiceField(
        label=_("Follow-ups"),
        required=False,
        choices=[
            ("", _("Any")),
            ("open", _("With open follow-ups")),
            ("overdue", _("With overdue follow-ups")),
        ],
    )
    changed = forms.BooleanField(label=_("Changed since the answer"), required=False)

    def __init__(
        self, *args: Any, years: list[int], departments: QuerySet[Department], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "fiscal_year").choices = fiscal_year_choices(years)
        model_choice_field(self, "department").queryset = departments
        statuses = [("", _("All statuses")), *Consultation.Status.choices]
        choice_field(self, "status").choices = statuses

    def valid_filters(self) -> dict[str, Any]:
        """The filters given that are valid; an invalid one is shown as an error and ignored."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value not in (None, "", False)}


class ConsultationForm(forms.Form):
    """A consultation's particulars, for opening it or changing it."""

    council = CouncilChoiceField(label=_("Council"), queryset=Council.objects.all())
    fiscal_year = forms.CharField(
        label=_("Fiscal year"),
        max_length=20,
        help_text=_("For example 令和8年度 or 2026."),
        widget=forms.TextInput(attrs={"placeholder": "令和8年度", "autocomplete": "off"}),
    )
    number = forms.IntegerField(
        label=_("Consultation number"),
        required=False,
        min_value=1,
        max_value=9999,
        help_text=_("Leave empty to use the next free number."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    department = DepartmentChoiceField(
        label=pgettext_lazy("consultation", "Department"), queryset=departments()
    )
    kinds = forms.ModelMultipleChoiceField(
        label=_("Kinds"),
        queryset=ConsultationKind.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)

    def __init__(
        self, *args: Any, user: User, instance: Consultation | None = None, **kwargs: Any
    ) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)
        if not user.is_secretariat:
            self._limit_departments(department_ids_of(user))
        if instance is None:
            self._set_create_defaults()
        else:
            self._set_edit_fields(instance)

    def _limit_departments(self, ids: set[int]) -> None:
        model_choice_field(self, "department").queryset = departments().filter(pk__in=ids)

    def _set_create_defaults(self) -> None:
        councils = list(Council.objects.all()[:2])
        if len(councils) == 1:
            self.fields["council"].initial = councils[0]
        self.fields["fiscal_year"].initial = eras.format_fiscal_year(current_fiscal_year())

    def _set_edit_fields(self, instance: Consultation) -> None:
        # A consultation stays with its council: its numbering belongs to that council.
        del self.fields["council"]
        self.fields["number"].required = True
        self.fields["number"].help_text = ""
        # A kind retired since stays offered to the consultations that have it.
        model_choice_field(self, "kinds").queryset = ConsultationKind.objects.filter(
            Q(active=True) | Q(pk__in=instance.kinds.values("pk"))
        )
        self.initial = {
            "fiscal_year": eras.format_fiscal_year(instance.fiscal_year),
            "number": instance.number,
            "title": instance.title,
            "department": instance.department,
            "kinds": list(instance.kinds.all()),
            "summary": instance.summary,
            **self.initial,
        }

    def clean_fiscal_year(self) -> int:
        text = self.cleaned_data["fiscal_year"]
        try:
            year = eras.parse_fiscal_year(text)
        except eras.EraDateError as error:
            raise forms.ValidationError(str(error), code="invalid") from error
        last = current_fiscal_year() + 1
        if not 1868 <= year <= last:
            raise forms.ValidationError(
                _("Enter a fiscal year from 明治元年度 (1868) to %(last)s.")
                % {"last": eras.format_fiscal_year(last)},
                code="out_of_range",
            )
        return year

    def council_of(self) -> Council | None:
        """The council the consultation belongs to."""
        if self.instance is not None:
            return self.instance.council
        council: Council | None = self.cleaned_data.get("council")
        return council

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        council, year, number = self.council_of(), cleaned.get("fiscal_year"), cleaned.get("number")
        if council is None or year is None or number is None:
            return cleaned
        exclude = self.instance.pk if self.instance is not None else None
        if number_is_taken(council, year, number, exclude=exclude):
            self.add_number_taken_error(council, year, number)
        return cleaned

    def add_number_taken_error(self, council: Council, year: int, number: int) -> None:
        """Say that the number is in use, and which number is free."""
        scope = (
            eras.format_fiscal_year(year)
            if council.consultation_numbering == Council.Numbering.PER_FISCAL_YEAR
            else council.name
        )
        self.add_error(
            "number",
            forms.ValidationError(
                _(
                    "Consultation number %(number)s is already taken in %(scope)s. Choose "
                    "another number, or leave it empty to use the next free one (%(next)s)."
                )
                % {"number": number, "scope": scope, "next": next_number(council, year)},
                code="taken",
            ),
        )

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values, as the services take them."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "fiscal_year": data["fiscal_year"],
            "title": data["title"],
            "department": data["department"],
            "summary": data["summary"],
            "kinds": list(data["kinds"]),
        }
        if data.get("number") is not None:
            fields["number"] = data["number"]
        return fields


class OpinionForm(forms.Form):
    """A member's question, request or remark, about a field or row of the record if any."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Opinion.Kind.choices,
        initial=Opinion.Kind.QUESTION,
        widget=forms.RadioSelect,
    )
    anchor = forms.ChoiceField(
        label=_("About"),
        required=False,
        help_text=_("The item or row of the handling record the opinion is about, if any."),
    )
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea)

    def __init__(
        self,
        *args: Any,
        consultation: Consultation,
        user: User,
        current_anchor: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = _anchor_choices(consultation, user, current_anchor)
        choice_field(self, "anchor").choices = choices


def _anchor_choices(consultation: Consultation, user: User, current_anchor: str) -> list[Any]:
    """The fields and rows of the record the user may read, by section; an anchor no longer
    there is kept apart. Members are offered the submitted record, never the draft."""
    groups = anchors.anchor_choices(anchors.record_visible_to(user, consultation))
    offered = {path for _, group in groups for path, _ in group}
    choices: list[Any] = [("", _("The consultation as a whole")), *groups]
    if current_anchor and current_anchor not in offered:
        label = anchors.label_of(current_anchor, {})
        choices.append((gettext("No longer in the record"), [(current_anchor, label)]))
    return choices


class SecretariatOpinionForm(OpinionForm):
    """An opinion the secretariat records on a member's behalf."""

    member = MemberChoiceField(label=_("Member"), queryset=User.objects.none())
    meeting = MeetingChoiceField(label=_("Meeting"), queryset=Meeting.objects.none())

    field_order = ["member", "meeting", "kind", "anchor", "text"]

    def __init__(self, *args: Any, consultation: Consultation, user: User, **kwargs: Any) -> None:
        super().__init__(*args, consultation=consultation, user=user, **kwargs)
        model_choice_field(self, "member").queryset = (
            User.objects.filter(memberships__council=consultation.council)
            .distinct()
            .order_by("display_name", "username")
        )
        set_meeting_choices(self, consultation)


def set_meeting_choices(form: forms.Form, consultation: Consultation) -> None:
    """Offer the meetings with the consultation on their agenda, the latest first by default."""
    field = model_choice_field(form, "meeting")
    meetings = meetings_with(consultation)
    field.queryset = meetings
    if not form.is_bound:
        field.initial = meetings.first()


class ResponseForm(forms.Form):
    """The department's answer to an opinion, and by when, where it promises something."""

    text = forms.CharField(label=_("Response"), widget=forms.Textarea)
    due_on = WarekiDateField(
        label=_("Promised by"),
        required=False,
        help_text=_(
            "Where the response promises something, the day by which it will be done. "
            "The promise can then be tracked as a follow-up."
        ),
    )


class SecretariatResponseForm(ResponseForm):
    """An answer the secretariat records, for the department or in its own name."""

    department = DepartmentChoiceField(
        label=_("Answered by"),
        queryset=Department.objects.none(),
        help_text=_("When another department answers, its name is shown after the answer."),
    )
    field_order = ["department", "text", "due_on"]

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        secretariat = consultation.council.secretariat_department
        ids = {consultation.department_id} | {
            d.pk for d in secretariat.lineage() if d.level != Department.Level.BU
        }
        field = model_choice_field(self, "department")
        field.queryset = departments().filter(pk__in=ids)
        field.initial = consultation.department_id


class DecisionForm(forms.Form):
    """The council's answer, with the vote when one was taken."""

    meeting = MeetingChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("(not decided at a recorded meeting)"),
    )
    decided_on = WarekiDateField(
        label=_("Decided on"),
        required=False,
        help_text=_("Leave empty to use the date of the meeting."),
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=Decision.Result.choices, widget=forms.RadioSelect
    )
    attached_opinions = forms.CharField(
        label=_("Attached opinions (付帯意見)"), required=False, widget=forms.Textarea
    )
    votes_for = forms.IntegerField(label=_("Votes for"), required=False, min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), required=False, min_value=0)
    decided_by_chair = forms.BooleanField(
        label=_("The votes were tied and the chair decided"), required=False
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_meeting_choices(self, consultation)
        meeting = self.fields["meeting"].initial
        if meeting is not None:
            self.fields["decided_on"].initial = meeting.date

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        self._default_the_date(cleaned)
        self._check_the_votes(cleaned)
        return cleaned

    def _default_the_date(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get("decided_on") is not None or "decided_on" in self.errors:
            return
        meeting: Meeting | None = cleaned.get("meeting")
        if meeting is None:
            self.add_error(
                "decided_on",
                _("Enter the date of the decision, or choose the meeting that decided it."),
            )
        else:
            cleaned["decided_on"] = meeting.date

    def _check_the_votes(self, cleaned: dict[str, Any]) -> None:
        if "votes_for" in self.errors or "votes_against" in self.errors:
            return
        votes_for, votes_against = cleaned.get("votes_for"), cleaned.get("votes_against")
        if (votes_for is None) != (votes_against is None):
            self.add_error(None, _("Enter both the votes for and the votes against, or neither."))
        elif cleaned.get("decided_by_chair"):
            self._check_the_tie(votes_for, votes_against)

    def _check_the_tie(self, votes_for: int | None, votes_against: int | None) -> None:
        if votes_for is None or votes_against is None:
            message = gettext("The chair decides only a tie: enter the votes for and against.")
        elif votes_for != votes_against:
            message = gettext(
                "The chair decides only a tie, but the votes for (%(for)s) and against "
                "(%(against)s) are not equal."
            ) % {"for": votes_for, "against": votes_against}
        else:
            return
        self.add_error("decided_by_chair", message)


class ReportForm(forms.Form):
    """A matter reported to the council, often about an earlier answer."""

    council = CouncilChoiceField(label=_("Council"), queryset=Council.objects.all())
    title = forms.CharField(label=_("Title"), max_length=300)
    department = DepartmentChoiceField(label=_("Reporting department"), queryset=departments())
    explanation = forms.CharField(label=_("Explanation"), required=False, widget=forms.Textarea)
    related_decision = DecisionChoiceField(
        label=_("Earlier decision"),
        required=False,
        empty_label=_("(none)"),
        queryset=Decision.objects.select_related("consultation").order_by("-decided_on", "-id"),
        help_text=_("The answer this report is about, if any."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        councils = list(Council.objects.all()[:2])
        if len(councils) == 1:
            self.fields["council"].initial = councils[0]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        council, decision = cleaned.get("council"), cleaned.get("related_decision")
        if council is not None and decision is not None:
            if decision.consultation.council_id != council.pk:
                self.add_error("related_decision", _("Choose a decision of the same council."))
        return cleaned


class FollowUpForm(forms.Form):
    """A commitment made to the council, with its owner and due date."""

    commitment = forms.CharField(label=_("Commitment"), widget=forms.Textarea)
    owner = DepartmentChoiceField(
        label=_("Owner"),
        queryset=departments(),
        help_text=_("The department (or the secretariat) that keeps the commitment."),
    )
    due_on = WarekiDateField(label=_("Due on"), required=False)
    meeting = MeetingChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )
    opinion = OpinionChoiceField(
        label=_("Arising from the opinion"),
        queryset=Opinion.objects.none(),
        required=False,
        empty_label=_("(none)"),
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_meeting_choices(self, consultation)
        model_choice_field(self, "opinion").queryset = consultation.opinions.all()
        if not self.is_bound:
            self.fields["owner"].initial = consultation.department_id


class CompleteFollowUpForm(forms.Form):
    """The evidence that a commitment was kept, and the day it was."""

    evidence = forms.CharField(
        label=_("Evidence of completion"),
        widget=forms.Textarea,
        help_text=_("What was done and where it can be checked, such as the clause added."),
        error_messages={
            "required": _("Enter the evidence that the commitment was kept."),
        },
    )
    done_on = WarekiDateField(label=_("Done on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()

    def clean_done_on(self) -> dt.date:
        done_on: dt.date = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError(
                _("The day it was done cannot be in the future."), code="future"
            )
        return done_on


class FollowUpFilterForm(forms.Form):
    """Narrow the list of follow-ups to open, done or overdue ones."""

    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("done", _("Done")),
        ],
    )
