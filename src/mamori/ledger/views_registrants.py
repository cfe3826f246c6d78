"""Pages of a file's registrants: the purpose asked before its personal data is opened, the
list and the name search, a registrant's data with consents and provisions, consents recorded,
provisions asked of Mamori, provisions under a legal exception, and the secretariat's list of
those exceptions.

Every page that shows a registrant's data records a view in the audit trail with the purpose
the user gave for the file in this session; names travel only in POST bodies, never in URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache

from mamori.core import eras
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
    field_label,
    purpose_text,
)
from mamori.ledger.models import (
    ConsentEvent,
    ConsentStatus,
    PersonalInformationFile,
    Provision,
    Registrant,
)
from mamori.ledger.services.consents import (
    record_consent,
    record_override,
    record_provision,
    uncovered_provisions,
)
from mamori.ledger.services.registrants import (
    create_registrant,
    record_view,
    update_registrant,
)
from mamori.ledger.text import clean, search_key

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
    "late_reason",
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
    "no_written_form": "written_form_on_file",
    "reverses_refusal": "confirmed",
    "future": "effective_on",
    "expires_before": "expires_on",
    "expires_not_given": "expires_on",
    "no_items": "item_groups",
    "status": "status",
}
PROVISION_ERROR_FIELDS = {
    "future": "provided_on",
    "before_registration": "provided_on",
    "late_reason": "late_reason",
    "no_items": "item_groups",
    "ground": "ground",
    "explanation": "explanation",
}


# The registrant fields the person's page labels with the model's own words.
PERSON_FIELDS = ("name_kana", "birth_date", "address", "phone", "notes")
LATE_LIST_SIZE = 50


def _id_param(request: AuthenticatedRequest, name: str) -> int | None:
    """An id from the query string: ASCII digits only (「²」 or 「１」 are ignored)."""
    value = request.GET.get(name, "")
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value)


def _id_list_param(request: AuthenticatedRequest, name: str) -> list[int]:
    values = request.GET.getlist(name)
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 18]


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


@never_cache
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


def _matching_name(file: PersonalInformationFile, text: str) -> list[int]:
    """The ids of the file's registrants whose name or reading contains the text, in order of
    registration number. Only the name and its reading are read and decrypted (the database
    cannot search an encrypted column); no model is built for the rows that do not match."""
    key = search_key(text)
    rows = (
        file.registrants.order_by("registration_number")
        .values_list("pk", "name", "name_kana")
        .iterator(chunk_size=2000)
    )
    return [pk for pk, name, kana in rows if key in search_key(name) or key in search_key(kana)]


@never_cache
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
    page: Page[Any]
    if searched:
        matches = _matching_name(file, search.cleaned_data["name"])
        id_page = Paginator(matches, PAGE_SIZE).get_page(1)
        found = file.registrants.only(*LIST_FIELDS).in_bulk(list(id_page))
        # The page of ids, holding the registrants it names (the count stays all matches).
        page = cast("Page[Any]", id_page)
        page.object_list = [found[pk] for pk in id_page.object_list if pk in found]
    else:
        registrants = file.registrants.only(*LIST_FIELDS).order_by("registration_number")
        number = (
            "".join(clean(filters.cleaned_data["number"]).split()) if filters.is_valid() else ""
        )
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
) -> tuple[list[Any], list[GridRow], list[GridRow]]:
    """Today's state of every recipient × purpose × item group of the file: the pairs with a
    recorded statement first, then the others (nothing ever asked)."""
    today = timezone.localdate()
    groups = list(file.item_groups.all())
    history: dict[tuple[int, int, int], list[ConsentEvent]] = {}
    for event in events:
        history.setdefault((event.recipient_id, event.purpose_id, event.item_group_id), []).append(
            event
        )
    stated = {(recipient_id, purpose_id) for recipient_id, purpose_id, _group in history}
    rows: list[GridRow] = []
    rest: list[GridRow] = []
    for recipient in file.recipients.all():
        for purpose in file.purposes.all():
            cells = []
            for group in groups:
                state = state_from_history(
                    today, history.get((recipient.pk, purpose.pk, group.pk), [])
                )
                cells.append(Cell(state.state, str(STATE_LABELS[state.state]), state.date))
            row = GridRow(recipient, purpose, cells)
            (rows if (recipient.pk, purpose.pk) in stated else rest).append(row)
    return groups, rows, rest


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
        "may_override": access.may_override(request.user, registrant.file),
    }
    return render(request, template, base | context)


@never_cache
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
    groups, grid, grid_rest = _consent_grid(registrant.file, events)
    provisions = list(
        registrant.provisions.select_related("recipient", "purpose", "recorded_by")
        .prefetch_related("item_groups")
        .annotate(exception_id=F("superseded_by__pk"))
        .order_by("-provided_on", "-recorded_at", "-id")
    )
    uncovered = {provision.pk for provision in uncovered_provisions(registrant, events=events)}
    return _render_registrant_page(
        request,
        registrant,
        purpose,
        "ledger/registrant_detail.html",
        {
            "events": events,
            "groups": groups,
            "grid": grid,
            "grid_rest": grid_rest,
            "provisions": provisions,
            "uncovered": uncovered,
            "labels": {name: field_label(name) for name in PERSON_FIELDS},
            "today": timezone.localdate(),
        },
    )


def _add_errors(form: Form, error: ValidationError, fields: dict[str, str]) -> None:
    """A service's refusal on the field it concerns (by its code), else on the whole form."""
    for item in error.error_list:
        field = fields.get(item.code or "")
        form.add_error(field if field in form.fields else None, item)


@never_cache
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


@never_cache
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


def _consent_initial(request: AuthenticatedRequest) -> dict[str, Any]:
    """A consent form filled from a refused provision's link (ids only in the address)."""
    initial: dict[str, Any] = {}
    recipient, purpose = _id_param(request, "recipient"), _id_param(request, "purpose")
    if recipient is not None:
        initial["recipient"] = recipient
    if purpose is not None:
        initial["purpose"] = purpose
    groups = _id_list_param(request, "item_groups")
    if groups:
        initial["item_groups"] = groups
    return initial


def _warn_uncovered(
    request: AuthenticatedRequest, registrant: Registrant, data: dict[str, Any]
) -> None:
    """After a refusal or withdrawal: how many provisions recorded as allowed it now covers
    (they are marked on the registrant's page)."""
    if data["status"] == ConsentStatus.GIVEN:
        return
    count = len(
        uncovered_provisions(
            registrant,
            recipient=data["recipient"],
            purpose=data["purpose"],
            since=data["effective_on"],
        )
    )
    if count:
        messages.warning(
            request,
            ngettext(
                "%(count)s provision recorded as allowed is dated on or after %(date)s, when "
                "this statement takes effect. It is marked on the registrant's page: check it.",
                "%(count)s provisions recorded as allowed are dated on or after %(date)s, when "
                "this statement takes effect. They are marked on the registrant's page: check "
                "them.",
                count,
            )
            % {"count": count, "date": eras.format_date(data["effective_on"])},
        )


@never_cache
@login_required
def consent_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record what the registrant stated about giving item groups to a recipient."""
    registrant = access.get_registrant_for_user(request.user, pk)
    purpose = _stored_purpose(request, registrant.file)
    if purpose is None:
        return _ask_purpose(request, registrant.file)
    posted = request.method == "POST"
    asked = posted and request.POST.get("confirmation_asked") == "1"
    form = ConsentForm(
        request.POST if posted else None,
        file=registrant.file,
        ask_confirmation=asked,
        initial=None if posted else _consent_initial(request),
    )
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
                confirmed=bool(data.get("confirmed")),
            )
        except ValidationError as error:
            if not asked and any(e.code == "reverses_refusal" for e in error.error_list):
                # Ask again with the confirmation box.
                form = ConsentForm(request.POST, file=registrant.file, ask_confirmation=True)
                form.is_valid()
            _add_errors(form, error, CONSENT_ERROR_FIELDS)
        else:
            messages.success(request, _("The consent was recorded."))
            _warn_uncovered(request, registrant, data)
            return redirect(reverse("ledger:registrant_detail", args=[registrant.pk]) + "#consents")
    return _render_registrant_page(
        request, registrant, purpose, "ledger/consent_form.html", {"form": form}
    )


def _recorded(request: AuthenticatedRequest, registrant: Registrant) -> Provision | None:
    """The provision just recorded for this registrant (its id in the address)."""
    pk = _id_param(request, "recorded")
    if pk is None:
        return None
    return (
        registrant.provisions.select_related("recipient", "purpose")
        .prefetch_related("item_groups")
        .annotate(exception_id=F("superseded_by__pk"))
        .filter(pk=pk)
        .first()
    )


def _consent_link(registrant: Registrant, provision: Provision) -> str:
    """The consent form filled with a refused provision's recipient, purpose and items."""
    query = urlencode(
        {
            "recipient": provision.recipient_id,
            "purpose": provision.purpose_id,
            "item_groups": [group.pk for group in provision.item_groups.all()],
        },
        doseq=True,
    )
    return f"{reverse('ledger:consent_create', args=[registrant.pk])}?{query}"


@never_cache
@login_required
def provision_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Ask Mamori before giving data: allowed by consent, or refused (and recorded as such)."""
    registrant = access.get_registrant_for_user(request.user, pk)
    purpose = _stored_purpose(request, registrant.file)
    if purpose is None:
        return _ask_purpose(request, registrant.file)
    posted = request.method == "POST"
    recorded = None if posted else _recorded(request, registrant)
    form = ProvisionForm(request.POST if posted else None, file=registrant.file)
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
                late_reason=data["late_reason"],
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
    refused = recorded is not None and recorded.outcome == Provision.Outcome.REFUSED
    return _render_registrant_page(
        request,
        registrant,
        purpose,
        "ledger/provision_form.html",
        {
            "form": form,
            "recorded": recorded,
            "refused": refused,
            "consent_link": _consent_link(registrant, recorded) if refused and recorded else "",
            "department": registrant.file.department,
        },
    )


def _provision_initial(provision: Provision) -> dict[str, Any]:
    """A form filled as a provision already recorded (to follow it with an exception)."""
    return {
        "recipient": provision.recipient_id,
        "purpose": provision.purpose_id,
        "item_groups": [group.pk for group in provision.item_groups.all()],
        "provided_on": provision.provided_on,
    }


def _refused_from(request: AuthenticatedRequest, registrant: Registrant) -> Provision | None:
    """The refused provision an exception follows, when the page was opened from it."""
    pk = _id_param(request, "from")
    if pk is None:
        return None
    return (
        registrant.provisions.filter(pk=pk, outcome=Provision.Outcome.REFUSED)
        .defer("override_explanation", "late_reason")
        .prefetch_related("item_groups")
        .annotate(exception_id=F("superseded_by__pk"))
        .first()
    )


@never_cache
@login_required
def provision_override(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A provision under a legal exception, with its ground and the circumstances; opened
    from a refused provision, it follows that one (once only)."""
    registrant = access.get_registrant_for_user(request.user, pk)
    require(access.may_override(request.user, registrant.file))
    purpose = _stored_purpose(request, registrant.file)
    if purpose is None:
        return _ask_purpose(request, registrant.file)
    refused = _refused_from(request, registrant)
    exception_id = getattr(refused, "exception_id", None)
    if exception_id is not None:
        messages.info(
            request, _("An exception has already been recorded for this refused provision.")
        )
        return redirect(
            reverse("ledger:registrant_detail", args=[registrant.pk]) + f"#provision-{exception_id}"
        )
    posted = request.method == "POST"
    form = OverrideForm(
        request.POST if posted else None,
        file=registrant.file,
        initial=_provision_initial(refused) if refused is not None else {},
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
                late_reason=data["late_reason"],
                supersedes=refused,
            )
        except ValidationError as error:
            _add_errors(form, error, PROVISION_ERROR_FIELDS)
        else:
            messages.success(request, _("The provision under a legal exception was recorded."))
            return redirect(
                reverse("ledger:registrant_detail", args=[registrant.pk]) + "#provisions"
            )
    return _render_registrant_page(
        request,
        registrant,
        purpose,
        "ledger/provision_override.html",
        {"form": form, "refused": refused},
    )


# The secretariat's list of exceptions and of late records ---------------------------------------


def _late_provisions(user: Any) -> QuerySet[Provision]:
    """Provisions recorded after the day they were made, for the secretariat and auditors:
    registration numbers and ids only, never the person's data nor the reason (encrypted)."""
    require(user.is_secretariat or user.is_auditor)
    return (
        Provision.objects.filter(recorded_at__date__gt=F("provided_on"))
        .select_related(
            "registrant", "registrant__file", "registrant__file__department", "recipient"
        )
        .select_related("recorded_by")
        .defer(*UNSHOWN_ON_OVERRIDES)
        .order_by("-recorded_at", "-id")
    )


@never_cache
@login_required
def override_list(request: AuthenticatedRequest) -> HttpResponse:
    """Provisions under a legal exception, newest first, and the provisions recorded late:
    registration numbers, never names or circumstances."""
    overrides = (
        access.overrides_visible_to(request.user)
        .defer(*UNSHOWN_ON_OVERRIDES)
        .prefetch_related("item_groups")
        .order_by("-provided_on", "-recorded_at", "-id")
    )
    page = Paginator(overrides, PAGE_SIZE).get_page(request.GET.get("page"))
    late = _late_provisions(request.user)
    return render(
        request,
        "ledger/override_list.html",
        {
            "page_obj": page,
            "overrides": list(page),
            "late": list(late[:LATE_LIST_SIZE]),
            "late_count": late.count(),
            "late_limit": LATE_LIST_SIZE,
        },
    )
