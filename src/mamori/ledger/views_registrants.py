"""Pages of a file's registrants: the purpose asked before its personal data is opened, the
list and the name search, a registrant's data with consents and provisions, consents recorded,
provisions asked of Mamori, provisions under a legal exception, and the secretariat's list of
those exceptions.

Every page that shows a registrant's data records a view in the audit trail with the purpose
the user gave for the file in this session; names travel only in POST bodies, never in URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.ledger import access
from mamori.ledger.consent import State, state_from_history
from mamori.ledger.forms_registrants import (
    AccessPurposeForm,
    ConsentForm,
    NameSearchForm,
    NumberFilterForm,
    OverrideForm,
    ProvisionForm,
    RegistrantForm,
    purpose_text,
    search_key,
)
from mamori.ledger.models import (
    ConsentEvent,
    PersonalInformationFile,
    Provision,
    Registrant,
)
from mamori.ledger.services.consents import (
    may_override,
    record_consent,
    record_override,
    record_provision,
)
from mamori.ledger.services.registrants import (
    create_registrant,
    record_view,
    update_registrant,
)

PAGE_SIZE = 50
SESSION_KEY = "ledger_purpose"
# What the list shows and searches: the other encrypted items are not even decrypted.
LIST_FIELDS = (
    "pk",
    "file_id",
    "registration_number",
    "name",
    "name_kana",
    "registered_on",
    "left_on",
)
STATE_LABELS = {
    State.COVERED: gettext_lazy("Consent given"),
    State.NONE: gettext_lazy("Not asked"),
    State.REFUSED: gettext_lazy("Refused"),
    State.WITHDRAWN: gettext_lazy("Consent withdrawn"),
    State.EXPIRED: gettext_lazy("Consent expired"),
    State.NOT_YET: gettext_lazy("Not yet in effect"),
}
# The secretariat's list never shows (so never decrypts) the person's items or circumstances.
UNSHOWN_ON_OVERRIDES = (
    "override_explanation",
    *(
        f"registrant__{name}"
        for name in ("name", "name_kana", "address", "birth_date", "phone", "notes")
    ),
)
# Which field of the registrant form a refusal of the registrants service concerns.
REGISTRANT_ERROR_FIELDS = {
    "duplicate_number": "registration_number",
    "number_spaces": "registration_number",
    "phone": "phone",
    "left_before_registered": "left_on",
}
CONSENT_ERROR_FIELDS = {
    "future": "effective_on",
    "expires_before": "expires_on",
    "expires_not_given": "expires_on",
    "no_items": "item_groups",
    "status": "status",
}
PROVISION_ERROR_FIELDS = {
    "future": "provided_on",
    "no_items": "item_groups",
    "ground": "ground",
    "explanation": "explanation",
}


# The purpose of opening a file's personal data -------------------------------------------------


def _stored_purpose(request: AuthenticatedRequest, file: PersonalInformationFile) -> str | None:
    """The purpose given for the file in this session, as the audit trail records it."""
    stored = request.session.get(SESSION_KEY, {}).get(str(file.pk))
    if not isinstance(stored, dict):
        return None
    return purpose_text(str(stored.get("code", "")), str(stored.get("note", "")))


def _ask_purpose(request: AuthenticatedRequest, file: PersonalInformationFile) -> HttpResponse:
    url = reverse("ledger:access_purpose", args=[file.pk])
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


def _safe_next(request: AuthenticatedRequest, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed and target.startswith("/") else ""


def _personal_file(request: AuthenticatedRequest, pk: int) -> PersonalInformationFile:
    file = access.get_file_for_user(request.user, pk)
    access.require_personal_data(request.user, file)
    return file


@login_required
def access_purpose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Ask why the user opens the file's personal data; kept for the session."""
    file = _personal_file(request, pk)
    form = AccessPurposeForm(
        request.POST if request.method == "POST" else None,
        initial={"next": request.GET.get("next", "")},
    )
    if request.method == "POST" and form.is_valid():
        purposes = dict(request.session.get(SESSION_KEY, {}))
        purposes[str(file.pk)] = {
            "code": form.cleaned_data["purpose"],
            "note": form.cleaned_data["note"],
        }
        request.session[SESSION_KEY] = purposes
        target = _safe_next(request, form.cleaned_data.get("next") or "")
        return redirect(target or reverse("ledger:registrant_list", args=[file.pk]))
    return render(
        request,
        "ledger/access_purpose.html",
        {"file": file, "form": form, "current": _stored_purpose(request, file)},
    )


# The list of a file's registrants --------------------------------------------------------------


def _matching_name(file: PersonalInformationFile, text: str) -> list[Registrant]:
    """The file's registrants whose name or reading contains the text (decrypted here: the
    database cannot search an encrypted column)."""
    key = search_key(text)
    return [
        registrant
        for registrant in file.registrants.only(*LIST_FIELDS)
        .order_by("registration_number")
        .iterator(chunk_size=500)
        if key in search_key(registrant.name) or key in search_key(registrant.name_kana)
    ]


@login_required
def registrant_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The file's registrants, by registration number (GET) or by name (POST)."""
    file = _personal_file(request, pk)
    purpose = _stored_purpose(request, file)
    if purpose is None:
        return _ask_purpose(request, file)
    filters = NumberFilterForm(request.GET)
    search = NameSearchForm(request.POST if request.method == "POST" else None)
    searched = request.method == "POST" and search.is_valid()
    if searched:
        matches = _matching_name(file, search.cleaned_data["name"])
        page = Paginator(matches, PAGE_SIZE).get_page(1)
    else:
        registrants = file.registrants.only(*LIST_FIELDS).order_by("registration_number")
        number = search_key(filters.cleaned_data["number"]) if filters.is_valid() else ""
        if number:
            registrants = registrants.filter(registration_number__icontains=number)
        page = Paginator(registrants, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [registrant.registration_number for registrant in page]
    record_view(actor=request.user, purpose=purpose, file=file, shown=shown)
    return render(
        request,
        "ledger/registrant_list.html",
        {
            "file": file,
            "page_obj": page,
            "registrants": list(page),
            "filters": filters,
            "search": search,
            "searched": searched,
            "purpose": purpose,
        },
    )


# A registrant -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    state: str
    label: str
    date: Any


@dataclass(frozen=True)
class GridRow:
    recipient: Any
    purpose: Any
    cells: list[Cell]


def _consent_grid(
    file: PersonalInformationFile, events: list[ConsentEvent]
) -> tuple[list[Any], list[GridRow]]:
    """Today's state of every recipient × purpose × item group of the file."""
    today = timezone.localdate()
    groups = list(file.item_groups.all())
    history: dict[tuple[int, int, int], list[ConsentEvent]] = {}
    for event in events:
        history.setdefault((event.recipient_id, event.purpose_id, event.item_group_id), []).append(
            event
        )
    rows = []
    for recipient in file.recipients.all():
        for purpose in file.purposes.all():
            cells = []
            for group in groups:
                state = state_from_history(
                    today, history.get((recipient.pk, purpose.pk, group.pk), [])
                )
                cells.append(Cell(state.state, str(STATE_LABELS[state.state]), state.date))
            rows.append(GridRow(recipient, purpose, cells))
    return groups, rows


def _render_registrant_page(
    request: AuthenticatedRequest,
    registrant: Registrant,
    purpose: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A page that shows the registrant's data: its view is recorded first."""
    record_view(actor=request.user, purpose=purpose, registrant=registrant)
    base = {
        "registrant": registrant,
        "file": registrant.file,
        "purpose": purpose,
        "may_override": may_override(request.user, registrant.file),
    }
    return render(request, template, base | context)


@login_required
def registrant_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The person's data, the state of each consent today, its history and the provisions."""
    registrant = access.get_registrant_for_user(request.user, pk)
    purpose = _stored_purpose(request, registrant.file)
    if purpose is None:
        return _ask_purpose(request, registrant.file)
    events = list(
        registrant.consent_events.select_related(
            "recipient", "item_group", "purpose", "recorded_by"
        ).order_by("-effective_on", "-recorded_at", "-id")
    )
    groups, grid = _consent_grid(registrant.file, events)
    provisions = (
        registrant.provisions.select_related("recipient", "purpose", "recorded_by")
        .prefetch_related("item_groups")
        .order_by("-provided_on", "-recorded_at", "-id")
    )
    return _render_registrant_page(
        request,
        registrant,
        purpose,
        "ledger/registrant_detail.html",
        {
            "events": events,
            "groups": groups,
            "grid": grid,
            "provisions": list(provisions),
            "today": timezone.localdate(),
        },
    )


def _add_errors(form: Form, error: ValidationError, fields: dict[str, str]) -> None:
    """A service's refusal on the field it concerns (by its code), else on the whole form."""
    for item in error.error_list:
        field = fields.get(item.code or "")
        form.add_error(field if field in form.fields else None, item)


@login_required
def registrant_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Register a person in the file."""
    file = _personal_file(request, pk)
    form = RegistrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            registrant = create_registrant(actor=request.user, file=file, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error, REGISTRANT_ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("Registrant %(number)s was registered.")
                % {"number": registrant.registration_number},
            )
            return redirect("ledger:registrant_detail", pk=registrant.pk)
    return render(request, "ledger/registrant_form.html", {"file": file, "form": form})


@login_required
def registrant_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change a registrant's items."""
    registrant = access.get_registrant_for_user(request.user, pk)
    purpose = _stored_purpose(request, registrant.file)
    if purpose is None:
        return _ask_purpose(request, registrant.file)
    posted = request.method == "POST"
    form = RegistrantForm(request.POST if posted else None, instance=registrant)
    if posted and form.is_valid():
        try:
            update_registrant(actor=request.user, registrant=registrant, **form.cleaned_data)
        except ValidationError as error:
            registrant.refresh_from_db()
            _add_errors(form, error, REGISTRANT_ERROR_FIELDS)
        else:
            messages.success(request, _("The registrant's items were saved."))
            return redirect("ledger:registrant_detail", pk=registrant.pk)
    return _render_registrant_page(
        request, registrant, purpose, "ledger/registrant_form.html", {"form": form}
    )


# Consents and provisions ------------------------------------------------------------------------


@login_required
def consent_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record what the registrant stated about giving item groups to a recipient."""
    registrant = access.get_registrant_for_user(request.user, pk)
    purpose = _stored_purpose(request, registrant.file)
    if purpose is None:
        return _ask_purpose(request, registrant.file)
    posted = request.method == "POST"
    form = ConsentForm(request.POST if posted else None, file=registrant.file)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            record_consent(
                actor=request.user,
                registrant=registrant,
                recipient=data["recipient"],
                item_groups=list(data["item_groups"]),
                purpose=data["purpose"],
                status=data["status"],
                effective_on=data["effective_on"],
                expires_on=data["expires_on"],
                written_form_on_file=data["written_form_on_file"],
                explanation_given=data["explanation_given"],
            )
        except ValidationError as error:
            _add_errors(form, error, CONSENT_ERROR_FIELDS)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect(reverse("ledger:registrant_detail", args=[registrant.pk]) + "#consents")
    return _render_registrant_page(
        request, registrant, purpose, "ledger/consent_form.html", {"form": form}
    )


def _recorded(request: AuthenticatedRequest, registrant: Registrant) -> Provision | None:
    """The provision just recorded for this registrant (its id in the address)."""
    value = request.GET.get("recorded", "")
    if not value.isdigit():
        return None
    return (
        registrant.provisions.select_related("recipient", "purpose")
        .prefetch_related("item_groups")
        .filter(pk=int(value))
        .first()
    )


@login_required
def provision_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Ask Mamori before giving data: allowed by consent, or refused (and recorded as such)."""
    registrant = access.get_registrant_for_user(request.user, pk)
    purpose = _stored_purpose(request, registrant.file)
    if purpose is None:
        return _ask_purpose(request, registrant.file)
    posted = request.method == "POST"
    recorded = None if posted else _recorded(request, registrant)
    form = ProvisionForm(
        request.POST if posted else None,
        file=registrant.file,
        initial=_provision_initial(recorded) if recorded is not None else None,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            provision = record_provision(
                actor=request.user,
                registrant=registrant,
                recipient=data["recipient"],
                purpose=data["purpose"],
                item_groups=list(data["item_groups"]),
                provided_on=data["provided_on"],
            )
        except ValidationError as error:
            _add_errors(form, error, PROVISION_ERROR_FIELDS)
        else:
            if provision.outcome == Provision.Outcome.ALLOWED:
                messages.success(
                    request,
                    _("The consent covers this provision: it was recorded as allowed."),
                )
                return redirect(
                    reverse("ledger:registrant_detail", args=[registrant.pk]) + "#provisions"
                )
            url = reverse("ledger:provision_create", args=[registrant.pk])
            return redirect(f"{url}?{urlencode({'recorded': provision.pk})}")
    return _render_registrant_page(
        request,
        registrant,
        purpose,
        "ledger/provision_form.html",
        {"form": form, "recorded": recorded},
    )


def _provision_initial(provision: Provision) -> dict[str, Any]:
    """A form filled as a provision already recorded (to change it, or to follow it)."""
    return {
        "recipient": provision.recipient_id,
        "purpose": provision.purpose_id,
        "item_groups": [group.pk for group in provision.item_groups.all()],
        "provided_on": provision.provided_on,
    }


def _override_initial(request: AuthenticatedRequest, registrant: Registrant) -> dict[str, Any]:
    """The refused provision an exception follows, when the page was opened from it."""
    value = request.GET.get("from", "")
    refused = (
        registrant.provisions.filter(pk=int(value), outcome=Provision.Outcome.REFUSED).first()
        if value.isdigit()
        else None
    )
    return _provision_initial(refused) if refused is not None else {}


@login_required
def provision_override(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A provision under a legal exception, with its ground and the circumstances."""
    registrant = access.get_registrant_for_user(request.user, pk)
    require(may_override(request.user, registrant.file))
    purpose = _stored_purpose(request, registrant.file)
    if purpose is None:
        return _ask_purpose(request, registrant.file)
    posted = request.method == "POST"
    form = OverrideForm(
        request.POST if posted else None,
        file=registrant.file,
        initial=_override_initial(request, registrant),
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            record_override(
                actor=request.user,
                registrant=registrant,
                recipient=data["recipient"],
                purpose=data["purpose"],
                item_groups=list(data["item_groups"]),
                provided_on=data["provided_on"],
                ground=data["ground"],
                explanation=data["explanation"],
            )
        except ValidationError as error:
            _add_errors(form, error, PROVISION_ERROR_FIELDS)
        else:
            messages.success(request, _("The provision under a legal exception was recorded."))
            return redirect(
                reverse("ledger:registrant_detail", args=[registrant.pk]) + "#provisions"
            )
    return _render_registrant_page(
        request, registrant, purpose, "ledger/provision_override.html", {"form": form}
    )


# The secretariat's list of exceptions ------------------------------------------------------------


@login_required
def override_list(request: AuthenticatedRequest) -> HttpResponse:
    """Provisions under a legal exception, newest first: registration numbers, never names."""
    overrides = (
        access.overrides_visible_to(request.user)
        .defer(*UNSHOWN_ON_OVERRIDES)
        .prefetch_related("item_groups")
        .order_by("-provided_on", "-recorded_at", "-id")
    )
    page = Paginator(overrides, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/override_list.html",
        {"page_obj": page, "overrides": list(page)},
    )
