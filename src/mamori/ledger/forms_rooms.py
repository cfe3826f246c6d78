"""Forms for rooms and cabinets, who may enter them, and their entry records."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mamori.accounts.models import Department, Role, User
from mamori.consultations.attachments import megabytes
from mamori.core.access import department_ids_of
from mamori.core.forms import WarekiDateField
from mamori.ledger.models import PersonalInformationFile, Room

CHOOSE = _("Choose…")
# 「8時45分」「8時」「8時半」, as typed with a Japanese IME (after NFKC).
JAPANESE_TIME = re.compile(r"(?P<h>\d{1,2})時(?:(?P<m>\d{1,2})分|(?P<half>半))?")


class ClockTimeField(forms.TimeField):
    """A time as staff type it: 「8:45」, full-width 「８：４５」, or 「8時45分」."""

    def to_python(self, value: Any) -> dt.time | None:
        if isinstance(value, str):
            text = "".join(unicodedata.normalize("NFKC", value).split())
            match = JAPANESE_TIME.fullmatch(text)
            if match is not None:
                minutes = "30" if match["half"] else (match["m"] or "0")
                text = f"{match['h']}:{int(minutes):02d}"
            value = text
        return super().to_python(value)


def eligible_users(room: Room) -> QuerySet[User]:
    """Users with a role in the room: staff of its department (or a department above it) and
    users of a contractor whose contract for a file kept in it is in force."""
    today = timezone.localdate()
    staff = Q(
        role=Role.DEPARTMENT_STAFF,
        department_id__in=[d.pk for d in room.department.lineage()],
    )
    contractors = Q(
        role=Role.CONTRACTOR,
        vendor_link__vendor__contracts__personal_information_files__rooms=room,
        vendor_link__vendor__contracts__status="live",
        vendor_link__vendor__contracts__starts_on__lte=today,
        vendor_link__vendor__contracts__ends_on__gte=today,
    )
    ids = User.objects.filter(staff | contractors).values("pk")
    return User.objects.filter(is_active=True, pk__in=ids).order_by("username")


class RoomForm(forms.Form):
    """A room or cabinet of one of the user's departments, its door-system code and files."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        empty_label=CHOOSE,
        error_messages={"required": _("Choose the department.")},
    )
    name = forms.CharField(
        label=pgettext_lazy("room", "Name"),
        max_length=200,
        help_text=_("For example: 記録保管室, or 台帳保管庫 (cabinet)."),
        error_messages={"required": _("Enter the name of the room or cabinet.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Room.Kind.choices,
        initial=Room.Kind.ROOM,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether it is a room or a cabinet.")},
    )
    code = forms.CharField(
        label=_("Door system code"),
        max_length=50,
        help_text=_("The code the door system uses for it in its CSV exports."),
        error_messages={"required": _("Enter the door system's code of the room.")},
    )
    parent = forms.ModelChoiceField(
        label=_("Inside (for a cabinet: the room it stands in)"),
        queryset=Room.objects.none(),
        required=False,
        empty_label=pgettext_lazy("empty choice", "(none chosen)"),
    )
    kept_files = forms.ModelMultipleChoiceField(
        label=_("Personal information files kept in it"),
        queryset=PersonalInformationFile.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = department_ids_of(user)
        departments = Department.objects.filter(pk__in=ids).order_by("pk")
        department_field: Any = self.fields["department"]
        department_field.queryset = departments
        if user.department_id in ids:
            department_field.initial = user.department_id
        parent_field: Any = self.fields["parent"]
        parent_field.queryset = Room.objects.filter(department_id__in=ids, kind=Room.Kind.ROOM)
        files_field: Any = self.fields["kept_files"]
        files_field.queryset = PersonalInformationFile.objects.filter(department_id__in=ids)

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class AuthorizationForm(forms.Form):
    """A person allowed into the room: a user with a role there, or a name and card id."""

    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not a user of Mamori (enter the name and card id)"),
    )
    person_name = forms.CharField(label=_("Name"), max_length=100, required=False)
    card_id = forms.CharField(
        label=_("Card id"),
        max_length=50,
        help_text=_(
            "The id of the person's card in the door system, as in its exports: imported "
            "entries are matched by it."
        ),
        error_messages={
            "required": _(
                "Enter the card id: the door system's entries are matched to the "
                "authorization by it."
            )
        },
    )
    valid_from = WarekiDateField(
        label=pgettext_lazy("authorization", "From"),
        error_messages={"required": _("Enter the first day.")},
    )
    valid_until = WarekiDateField(label=_("Until (last day)"), required=False)

    def __init__(self, *args: Any, room: Room, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field: Any = self.fields["user"]
        user_field.queryset = eligible_users(room)
        self.fields["valid_from"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("user") is None and not (cleaned.get("person_name") or "").strip():
            self.add_error("person_name", _("Choose a user, or enter the person's name."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The last day cannot be before the first day."))
        return cleaned


class AuthorizationEndForm(forms.Form):
    on = WarekiDateField(label=_("Last day"), error_messages={"required": _("Enter the last day.")})


class EntryForm(forms.Form):
    """Someone entered the room (and left it), as typed in by staff."""

    user = forms.ModelChoiceField(
        label=_("Who entered"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not a user of Mamori (enter the name or card id)"),
    )
    person_name = forms.CharField(label=_("Name"), max_length=100, required=False)
    card_id = forms.CharField(label=_("Card id"), max_length=50, required=False)
    entered_on = WarekiDateField(
        label=_("Day of entry"), error_messages={"required": _("Enter the day of entry.")}
    )
    entered_time = ClockTimeField(
        label=_("Time of entry"),
        help_text=_("For example: 8:45 (or 8時45分)"),
        error_messages={
            "required": _("Enter the time of entry."),
            "invalid": _("Enter the time as hours and minutes, for example 8:45."),
        },
    )
    left_time = ClockTimeField(
        label=_("Time of leaving"),
        required=False,
        help_text=_("Leave empty if the person has not left yet."),
        error_messages={"invalid": _("Enter the time as hours and minutes, for example 17:30.")},
    )
    left_on = WarekiDateField(
        label=_("Day of leaving"),
        required=False,
        help_text=_("Only when it is not the day of entry."),
    )

    def __init__(self, *args: Any, room: Room, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field: Any = self.fields["user"]
        user_field.queryset = eligible_users(room)
        self.fields["entered_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("user") is None and not (
            (cleaned.get("person_name") or "").strip() or (cleaned.get("card_id") or "").strip()
        ):
            self.add_error(
                "person_name", _("Choose a user, or enter the person's name or card id.")
            )
        if cleaned.get("left_on") and not cleaned.get("left_time"):
            self.add_error("left_time", _("Enter the time of leaving."))
        entered, left = self.moments(cleaned)
        if entered and left and left < entered:
            self.add_error("left_time", _("The time of leaving must be after the time of entry."))
        return cleaned

    @staticmethod
    def moments(cleaned: dict[str, Any]) -> tuple[dt.datetime | None, dt.datetime | None]:
        """When the person entered and left, in local time."""
        day, time = cleaned.get("entered_on"), cleaned.get("entered_time")
        if day is None or time is None:
            return None, None
        entered = timezone.make_aware(dt.datetime.combine(day, time))
        left_time = cleaned.get("left_time")
        if left_time is None:
            return entered, None
        left_day = cleaned.get("left_on") or day
        return entered, timezone.make_aware(dt.datetime.combine(left_day, left_time))


class EntryFilterForm(forms.Form):
    """Narrow a room's entries: a period, and flagged ones only."""

    since = WarekiDateField(label=pgettext_lazy("period", "From"), required=False)
    until = WarekiDateField(label=pgettext_lazy("period", "Until"), required=False)
    flagged = forms.BooleanField(label=_("Flagged entries only"), required=False)


class EntriesImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file from the door system"),
        error_messages={
            "required": _("Choose a file."),
            "empty": _("The file is empty."),
            "invalid": _("No file was sent: check the form's encoding."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = str(
            _(
                "UTF-8 or Shift_JIS, up to %(limit)s MB. The first line names the columns: "
                "部屋コード, カードID, 氏名, 入室, 退室 (or room_code, card_id, name, "
                "entered_at, left_at)."
            )
            % {"limit": megabytes(settings.MAMORI_MAX_UPLOAD_BYTES)}
        )
