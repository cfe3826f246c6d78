"""Pages for vendors: the list, their particulars, contacts, certifications and users."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.vendors import access, display, services
from mamori.vendors.forms import (
    CertificationForm,
    ContactForm,
    VendorForm,
    VendorUserLinkForm,
    add_service_errors,
)
from mamori.vendors.models import Certification, Contract, Vendor, VendorContact

PAGE_SIZE = 50


@dataclass(frozen=True)
class CertificationRow:
    """A certification with its state today: "unconfirmed" (declared by the vendor, not yet
    confirmed by the city: it counts for nothing), else "valid", "expiring", "expired" or
    "not_yet"."""

    certification: Certification
    state: str


def certification_state(certification: Certification, today: dt.date) -> str:
    if not certification.is_confirmed:
        return "unconfirmed"
    if certification.expires_on < today:
        return "expired"
    if certification.valid_from > today:
        return "not_yet"
    days = settings.MAMORI_CERTIFICATION_WARNING_DAYS
    return "expiring" if certification.expires_within(today, days) else "valid"


def certification_rows(certifications: Any, today: dt.date) -> list[CertificationRow]:
    return [CertificationRow(c, certification_state(c, today)) for c in certifications]


def vendor_url(vendor: Vendor, anchor: str = "") -> str:
    url = reverse("vendors:vendor_detail", kwargs={"pk": vendor.pk})
    return f"{url}#{anchor}" if anchor else url


def _may_create_vendor(user: Any) -> bool:
    return access.may_read_vendors(user) and access.may_add_vendor(user)


# The list ------------------------------------------------------------------------------------


@login_required
def vendor_list(request: AuthenticatedRequest) -> HttpResponse:
    """The vendors the user may see, by name, with their certifications and live contracts."""
    user = request.user
    today = timezone.localdate()
    vendors = access.vendors_visible_to(user)
    query = unicodedata.normalize("NFKC", request.GET.get("q", "")).strip()[:100]
    if query:
        vendors = vendors.filter(legal_name__icontains=query)
    vendors = _with_live_contracts(vendors, today).prefetch_related(
        Prefetch("certifications", queryset=Certification.objects.order_by("expires_on", "id"))
    )
    page = Paginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(vendor, certification_rows(vendor.certifications.all(), today)) for vendor in page]
    return render(
        request,
        "vendors/vendor_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "query": query,
            "may_create": _may_create_vendor(user),
        },
    )


def _with_live_contracts(vendors: QuerySet[Vendor], today: dt.date) -> QuerySet[Vendor]:
    """Each vendor with the number of all its live contracts, in the one query: the city's
    staff see how busy a vendor is whoever holds the contracts (a contractor user sees its own
    vendor only, whose contracts are all its own)."""
    live = (
        Contract.objects.live(today)
        .filter(vendor=OuterRef("pk"))
        .order_by()
        .values("vendor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return vendors.annotate(live_contract_count=Coalesce(Subquery(live), 0))


# Adding and changing -------------------------------------------------------------------------


@login_required
def vendor_create(request: AuthenticatedRequest) -> HttpResponse:
    """The secretariat or department staff add a vendor to the list."""
    user = request.user
    require(_may_create_vendor(user))
    form = VendorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Every field was checked by the form (all errors at once); the service checks again.
        try:
            vendor = services.create_vendor(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, VendorForm.ERROR_FIELDS)
        else:
            messages.success(
                request, _("The vendor 「%(name)s」 was added.") % {"name": vendor.legal_name}
            )
            return redirect(vendor_url(vendor))
    return render(request, "vendors/vendor_form.html", {"form": form})


@login_required
def vendor_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change a vendor's name, kind, corporate number, address or capital."""
    user = request.user
    vendor = access.get_vendor_for_user(user, pk, write=True)
    form = VendorForm(request.POST or None, initial=VendorForm.initial_of(vendor), vendor=vendor)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_vendor(actor=user, vendor=vendor, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, VendorForm.ERROR_FIELDS)
            vendor.refresh_from_db()
        else:
            messages.success(request, _("The vendor was updated."))
            return redirect(vendor_url(vendor))
    return render(request, "vendors/vendor_form.html", {"form": form, "vendor": vendor})


# The vendor's page ---------------------------------------------------------------------------


@login_required
def vendor_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A vendor's particulars, contacts, certifications, users and the contracts it holds."""
    user = request.user
    vendor = access.get_vendor_for_user(user, pk)
    return render(request, "vendors/vendor_detail.html", _detail_context(user, vendor))


def _detail_context(user: Any, vendor: Vendor) -> dict[str, Any]:
    today = timezone.localdate()
    may_edit = access.may_edit_vendor(user, vendor)
    may_certify = access.may_add_certification(user, vendor)
    visible = access.contracts_visible_to(user).select_related("department__parent__parent")
    certifications = vendor.certifications.select_related("evidence", "confirmed_by").order_by(
        "expires_on", "id"
    )
    contracts = list(visible.filter(vendor=vendor).order_by("-starts_on", "id"))
    return {
        "vendor": vendor,
        "capital": f"{vendor.capital_yen:,}" if vendor.capital_yen is not None else "",
        "today": today,
        "may_edit": may_edit,
        "may_confirm": access.may_confirm_certification(user, vendor),
        "may_add_certification": may_certify,
        "may_link_users": bool(user.is_secretariat),
        "contacts": list(vendor.contacts.all()),
        "certifications": certification_rows(certifications, today),
        "vendor_users": list(vendor.users.select_related("user").order_by("user__username")),
        "contracts": [(c, display.contract_status(c, today)) for c in contracts],
        "sub_contracts": list(
            visible.filter(subcontracts__subcontractor=vendor).distinct().order_by("-starts_on")
        ),
        # Three forms on one page: each with ids of its own.
        "contact_form": ContactForm(auto_id="contact-%s") if may_edit else None,
        "certification_form": (
            CertificationForm(auto_id="certification-%s", evidence_required=not may_edit)
            if may_certify
            else None
        ),
        "link_form": VendorUserLinkForm(auto_id="link-%s") if user.is_secretariat else None,
        "live_status": Contract.Status.LIVE,
    }


@login_required
def contact_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add a person to call at the vendor."""
    user = request.user
    vendor = access.get_vendor_for_user(user, pk, write=True)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_contact(actor=user, vendor=vendor, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, {})
        else:
            messages.success(request, _("The contact was added."))
            return redirect(vendor_url(vendor, "contacts"))
    return render(request, "vendors/contact_form.html", {"form": form, "vendor": vendor})


@login_required
def contact_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Remove a contact of a vendor the user keeps: a GET asks to confirm, a POST removes."""
    user = request.user
    contact = VendorContact.objects.filter(pk=pk).first()
    if contact is None:
        require(access.may_read_vendors(user))
        raise Http404
    vendor = access.get_vendor_for_user(user, contact.vendor_id, write=True)
    back = vendor_url(vendor, "contacts")
    if request.method != "POST":
        return _confirm_delete(request, vendor, _("the contact %(name)s") % {"name": contact}, back)
    services.remove_contact(actor=user, contact=contact)
    messages.success(request, _("The contact %(name)s was removed.") % {"name": contact.name})
    return redirect(back)


def _confirm_delete(
    request: AuthenticatedRequest, vendor: Vendor, what: str, back: str
) -> HttpResponse:
    return render(
        request,
        "vendors/vendor_confirm_delete.html",
        {"vendor": vendor, "what": what, "back": back},
    )


@login_required
def certification_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a certification with its validity and evidence (the vendor's users too)."""
    user = request.user
    vendor = access.get_vendor_for_user(user, pk)
    require(access.may_add_certification(user, vendor))
    by_city = access.may_confirm_certification(user, vendor)
    form = CertificationForm(
        request.POST or None, request.FILES or None, evidence_required=not by_city
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        evidence = fields.pop("evidence")
        try:
            services.add_certification(actor=user, vendor=vendor, evidence_file=evidence, **fields)
        except ValidationError as error:
            add_service_errors(form, error, CertificationForm.ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("The certification was recorded.")
                if by_city
                else _(
                    "The certification was recorded. It counts once the city has confirmed it "
                    "against the copy of the certificate."
                ),
            )
            return redirect(vendor_url(vendor, "certifications"))
    return render(
        request,
        "vendors/certification_form.html",
        {"form": form, "vendor": vendor, "by_city": by_city},
    )


def _certification_for(user: Any, pk: int) -> tuple[Certification, Vendor]:
    """A certification and its vendor, if the user may see the vendor (else 404/403)."""
    certification = Certification.objects.filter(pk=pk).first()
    if certification is None:
        require(access.may_read_vendors(user))
        raise Http404
    return certification, access.get_vendor_for_user(user, certification.vendor_id)


@login_required
def certification_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Remove a certification recorded in error (the city's staff only): a GET asks to
    confirm, a POST removes."""
    user = request.user
    certification, vendor = _certification_for(user, pk)
    require(access.may_edit_vendor(user, vendor))
    back = vendor_url(vendor, "certifications")
    if request.method != "POST":
        what = _("the certification %(name)s") % {"name": certification}
        return _confirm_delete(request, vendor, what, back)
    services.remove_certification(actor=user, certification=certification)
    messages.success(
        request, _("The certification %(name)s was removed.") % {"name": certification}
    )
    return redirect(back)


@login_required
def certification_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """City staff confirm a certification a vendor declared, against its evidence (a POST;
    a GET goes back to the vendor's page)."""
    user = request.user
    certification, vendor = _certification_for(user, pk)
    back = vendor_url(vendor, "certifications")
    if request.method != "POST":
        return redirect(back)
    require(access.may_confirm_certification(user, vendor))
    try:
        services.confirm_certification(actor=user, certification=certification)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The certification %(name)s was confirmed.") % {"name": certification}
        )
    return redirect(back)


@login_required
def vendor_user_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The secretariat ties a contractor user to this vendor."""
    user = request.user
    vendor = access.get_vendor_for_user(user, pk)
    require(user.is_secretariat)
    form = VendorUserLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        linked = form.cleaned_data["user"]
        try:
            services.link_contractor_user(actor=user, user=linked, vendor=vendor)
        except ValidationError as error:
            add_service_errors(form, error, {})
        else:
            messages.success(
                request,
                _("%(user)s can now see the contracts of %(vendor)s.")
                % {"user": linked, "vendor": vendor.legal_name},
            )
            return redirect(vendor_url(vendor, "users"))
    return render(request, "vendors/vendor_user_link.html", {"form": form, "vendor": vendor})
