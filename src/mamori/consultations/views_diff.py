"""The field-by-field difference between two versions of a consultation's HandlingRecord."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, pgettext_lazy

from mamori.consultations import access, handling, lifecycle
from mamori.consultations.models import Consultation, HandlingRecordVersion
from mamori.consultations.views_record import version_number
from mamori.core.http import AuthenticatedRequest

KIND_LABELS = {
    "added": pgettext_lazy("record change", "Added"),
    "removed": pgettext_lazy("record change", "Removed"),
    "changed": pgettext_lazy("record change", "Changed"),
}
NOTHING = "—"


@dataclass(frozen=True)
class Side:
    """One side of a change: the value and its certainty, as shown to a person."""

    value: str
    certainty: str


@dataclass(frozen=True)
class ChangeRow:
    """A change at one path, with Japanese titles, ready for the table."""

    path: str
    section: str
    field: str
    row: str
    kind: str
    kind_label: str
    before: Side | None
    after: Side | None


def shown(value: Any) -> str:
    """A recorded value as text: choices by their labels, yes/no, lists joined."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return "、".join(shown(item) for item in value)
    if isinstance(value, StrEnum):
        label = handling.CHOICE_LABELS.get(value)
        return gettext(label) if label else str(value)
    return str(value)


def _side(entry: handling.Entry | None) -> Side | None:
    if entry is None:
        return None
    value = shown(entry.value)
    # An empty value is not yet known, however certain its (default) certainty says it is.
    certainty = handling.CERTAINTY_LABELS.get(entry.certainty) if entry.certainty else None
    if value == NOTHING or certainty is None:
        return Side(value, "")
    return Side(value, gettext(certainty))


def _row_names(*records: handling.HandlingRecord) -> dict[str, str]:
    """The name of every row of the records, by row id (the later record wins)."""
    names: dict[str, str] = {}
    for record in records:
        for entry in handling.flatten(record):
            row_id = handling.row_of(entry.path)
            if row_id is not None and entry.path.endswith(".name") and entry.value:
                names[row_id] = str(entry.value)
    return names


def change_rows(before: handling.HandlingRecord, after: handling.HandlingRecord) -> list[ChangeRow]:
    """What changed from one record to the other, with Japanese titles and labels."""
    names = _row_names(before, after)
    rows: list[ChangeRow] = []
    for change in handling.diff(before, after):
        titles = [gettext(title) for title in change.titles]
        row_id = handling.row_of(change.path)
        rows.append(
            ChangeRow(
                path=change.path,
                section=titles[0],
                field=" / ".join(titles[1:]),
                row=names.get(row_id, "") if row_id else "",
                kind=change.kind,
                kind_label=str(KIND_LABELS[change.kind]),
                before=_side(change.before),
                after=_side(change.after),
            )
        )
    return rows


def visible_versions(user: Any, consultation: Consultation) -> QuerySet[HandlingRecordVersion]:
    """Submitted versions; the department and the secretariat also see the draft."""
    versions = consultation.record_versions.defer("data").order_by("number")
    if user.is_secretariat or lifecycle.is_department_staff_of(user, consultation):
        return versions
    return versions.submitted()


def _number(text: str | None) -> int | None:
    return None if not text else version_number(text)


def _pick(versions: list[HandlingRecordVersion], number: int | None) -> HandlingRecordVersion:
    found = next((v for v in versions if v.number == number), None)
    if found is None:
        raise Http404
    return found


def _defaults(
    consultation: Consultation, versions: list[HandlingRecordVersion]
) -> tuple[int | None, int | None]:
    """The answered version against the latest; before an answer, the last two versions."""
    if len(versions) < 2:
        return None, None
    latest = versions[-1].number
    answered = consultation.answered_version_id
    earlier = next((v.number for v in versions if v.pk == answered), None)
    if earlier is None or earlier == latest:
        earlier = versions[-2].number
    return earlier, latest


@login_required
def record_diff(request: AuthenticatedRequest, council: str, key: str) -> HttpResponse:
    """Two versions of the record side by side, field by field (?from=1&to=2)."""
    consultation = access.get_consultation_for_user(request.user, council, key)
    versions = list(visible_versions(request.user, consultation))
    first, last = _number(request.GET.get("from")), _number(request.GET.get("to"))
    if first is None or last is None:
        default_first, default_last = _defaults(consultation, versions)
        first = default_first if first is None else first
        last = default_last if last is None else last
    context: dict[str, Any] = {
        "consultation": consultation,
        "versions": versions,
        "answered_id": consultation.answered_version_id,
        "changes": None,
    }
    if first is None or last is None:
        messages.info(request, gettext("There are not yet two versions of the record to compare."))
    else:
        before, after = _pick(versions, first), _pick(versions, last)
        context.update(before=before, after=after)
        try:
            context["changes"] = _compared(consultation, before, after)
        except handling.ValidationError:
            messages.error(request, gettext("A stored version of the record could not be read."))
    if getattr(request, "htmx", False):
        return render(request, "consultations/record_diff.html#result", context)
    return render(request, "consultations/record_diff.html", context)


def _compared(
    consultation: Consultation, before: HandlingRecordVersion, after: HandlingRecordVersion
) -> list[ChangeRow]:
    """The changes between two versions, whose documents are loaded only now."""
    stored = {v.pk: v for v in consultation.record_versions.filter(pk__in=[before.pk, after.pk])}
    return change_rows(stored[before.pk].record(), stored[after.pk].record())
