"""Forms for meetings, attendance, the agenda and the minutes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mamori.consultations.models import Consultation, Report
from mamori.core import eras
from mamori.core.forms import WarekiDateField
from mamori.council.models import (
    AgendaItem,
    Council,
    DisclosureGround,
    Meeting,
    Membership,
    Openness,
    StaffAttendee,
)

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MeetingForm(forms.ModelForm[Meeting]):
    """The particulars of a meeting: when, where, and whether the public may attend."""

    date = WarekiDateField(label=_("Date"))
    closure_grounds = forms.ModelMultipleChoiceField(
        label=_("Legal grounds for closing"),
        queryset=DisclosureGround.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Meeting
        fields = [
            "council",
            "number",
            "date",
            "start_time",
            "end_time",
            "place",
            "openness",
            "closure_grounds",
            "closure_reason",
            "observers",
            "contact",
        ]
        widgets = {
            "start_time": TIME_INPUT,
            "end_time": TIME_INPUT,
            "openness": forms.RadioSelect,
            "closure_reason": forms.Textarea(attrs={"rows": 3}),
            "contact": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "number": _("The meeting's number within its fiscal year (第3回 → 3)."),
            "contact": _("Leave empty to use the council's contact."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.all()  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["council"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The meeting cannot end before it starts."))
        if data.get("openness") in (Openness.CLOSED, Openness.PARTLY_CLOSED) and not (
            data.get("closure_grounds") and data.get("closure_reason")
        ):
            self.add_error(
                "closure_reason",
                _("A meeting closed to the public needs its legal grounds and a reason."),
            )
        council, day, number = data.get("council"), data.get("date"), data.get("number")
        if council and day and number:
            clash = Meeting.objects.filter(
                council=council, fiscal_year=eras.fiscal_year_of(day), number=number
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "number",
                    _("Meeting %(title)s already exists.") % {"title": clash.first()},
                )
        return data

    def _post_clean(self) -> None:
        # Fiscal year follows from the date (set by the service); skip the model's own
        # uniqueness check, which the form has done above in the user's words.
        pass


class AttendanceForm(forms.Form):
    """Which members were present and which absent."""

    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    absent = forms.ModelMultipleChoiceField(
        label=_("Absent"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        serving = meeting.council.memberships.serving_on(meeting.date).select_related("member")
        for name in ("present", "absent"):
            self.fields[name].queryset = serving  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("present") or []) & set(data.get("absent") or [])
        if both:
            names = "、".join(str(m.member) for m in both)
            raise forms.ValidationError(
                _("A member cannot be both present and absent: %(names)s.") % {"names": names}
            )
        return data


class StaffAttendeeForm(forms.ModelForm[StaffAttendee]):
    """A secretariat officer or explaining official at the meeting."""

    class Meta:
        model = StaffAttendee
        fields = ["capacity", "name", "title", "department"]


AGENDA_STATUSES = [
    Consultation.Status.SUBMITTED,
    Consultation.Status.CONTINUED,
    Consultation.Status.ON_AGENDA,
    Consultation.Status.DELIBERATING,
]


class AgendaItemForm(forms.ModelForm[AgendaItem]):
    """An item of the agenda."""

    consultations = forms.ModelMultipleChoiceField(
        label=_("Consultations"),
        queryset=Consultation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    closure_grounds = forms.ModelMultipleChoiceField(
        label=_("Legal grounds for closing"),
        queryset=DisclosureGround.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = AgendaItem
        fields = [
            "order",
            "kind",
            "title",
            "consultations",
            "report",
            "openness",
            "closure_grounds",
            "closure_reason",
            "note",
        ]
        widgets = {
            "closure_reason": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        # Submitted (or continued) consultations wait for an agenda, and one on an agenda may be
        # on several items (handing over, deliberation). Drafts, returned, withdrawn and answered
        # ones may not be added; an item keeps the consultations it already has.
        waiting = Q(status__in=AGENDA_STATUSES)
        if self.instance.pk:
            waiting |= Q(pk__in=self.instance.consultations.values("pk"))
        self.fields["consultations"].queryset = (  # type: ignore[attr-defined]
            Consultation.objects.filter(council=meeting.council)
            .filter(waiting)
            .select_related("department")
        )
        self.fields["report"].queryset = Report.objects.filter(  # type: ignore[attr-defined]
            council=meeting.council
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        order = data.get("order")
        if (
            order
            and self.meeting.agenda_items.filter(order=order).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("order", _("Another item already has this number."))
        kind = data.get("kind")
        if kind == AgendaItem.Kind.DELIBERATION and not data.get("consultations"):
            self.add_error("consultations", _("Choose the consultations deliberated."))
        if kind == AgendaItem.Kind.REPORT and not data.get("report"):
            self.add_error("report", _("Choose the report."))
        if data.get("openness") == AgendaItem.ItemOpenness.CLOSED and not (
            data.get("closure_grounds") and data.get("closure_reason")
        ):
            self.add_error(
                "closure_reason",
                _("An item closed to the public needs its legal grounds and a reason."),
            )
        return data

    def _post_clean(self) -> None:
        # The meeting is not a field of the form; uniqueness of the order is checked above.
        pass
