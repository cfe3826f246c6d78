"""Forms for the transitions of a consultation's life and for its record versions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mamori.consultations.models import ChangeAssessment, Consultation
from mamori.core import eras
from mamori.council.models import Meeting, Minutes

REASON_LENGTH = 2000


class ReasonForm(forms.Form):
    """Why the secretariat returns a consultation for correction."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_LENGTH,
        widget=forms.Textarea,
        help_text=_("The department sees this reason on the consultation's page."),
    )


class WithdrawForm(ReasonForm):
    """Why the consultation is withdrawn, confirmed because it cannot be undone."""

    confirm = forms.BooleanField(
        label=_("I understand that a withdrawn consultation cannot be resumed."),
    )


class MeetingWithDateField(forms.ModelChoiceField[Meeting]):
    """A meeting shown by its date in the Japanese era and its title."""

    def label_from_instance(self, obj: Meeting) -> str:
        return f"{eras.format_date(obj.date)} {obj.title}"


def open_meetings(consultation: Consultation) -> QuerySet[Meeting]:
    """The meetings of the consultation's council whose minutes are not published."""
    published = Minutes.objects.filter(status=Minutes.Status.PUBLISHED).values("meeting_id")
    return (
        Meeting.objects.filter(council_id=consultation.council_id)
        .exclude(pk__in=published)
        .select_related("council")
        .order_by("-date", "-number")
    )


class AcceptForm(forms.Form):
    """The meeting whose agenda the consultation is placed on."""

    meeting = MeetingWithDateField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        empty_label=_("Choose…"),
        help_text=_("Meetings whose minutes are not yet published."),
    )
    title = forms.CharField(
        label=_("Title of the agenda item"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the consultation's number and title."),
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meetings = open_meetings(consultation)
        field = self.fields["meeting"]
        assert isinstance(field, MeetingWithDateField)  # noqa: S101 - declared above
        field.queryset = meetings
        if not self.is_bound:
            today = timezone.localdate()
            upcoming = meetings.filter(Q(date__gte=today)).order_by("date", "number").first()
            field.initial = upcoming or meetings.first()


class FileVersionForm(forms.Form):
    """What changed in the version filed after the answer."""

    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        help_text=_("For example: the contractor was chosen by proposal."),
    )


class AssessForm(forms.Form):
    """What a change filed after the answer needs, and why."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=ChangeAssessment.Outcome.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=REASON_LENGTH, widget=forms.Textarea)
