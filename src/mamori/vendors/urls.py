"""URLs of contractors, contracts and the end of contracts, under /vendors/."""

from __future__ import annotations

from django.urls import path

from mamori.vendors import views_contracts, views_endings, views_vendors

app_name = "vendors"

urlpatterns = [
    # Vendors and their certifications.
    path("", views_vendors.vendor_list, name="vendor_list"),
    path("new/", views_vendors.vendor_create, name="vendor_create"),
    path("<int:pk>/", views_vendors.vendor_detail, name="vendor_detail"),
    path("<int:pk>/edit/", views_vendors.vendor_edit, name="vendor_edit"),
    path("<int:pk>/contacts/new/", views_vendors.contact_add, name="contact_add"),
    path("contacts/<int:pk>/delete/", views_vendors.contact_delete, name="contact_delete"),
    path(
        "<int:pk>/certifications/new/",
        views_vendors.certification_add,
        name="certification_add",
    ),
    path(
        "certifications/<int:pk>/delete/",
        views_vendors.certification_delete,
        name="certification_delete",
    ),
    path(
        "certifications/<int:pk>/confirm/",
        views_vendors.certification_confirm,
        name="certification_confirm",
    ),
    path("<int:pk>/users/new/", views_vendors.vendor_user_link, name="vendor_user_link"),
    # Contracts, clauses, data held and sub-outsourcing.
    path("contracts/", views_contracts.contract_list, name="contract_list"),
    path("contracts/new/", views_contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views_contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", views_contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/clauses/", views_contracts.contract_clauses, name="contract_clauses"),
    path("contracts/<int:pk>/holdings/new/", views_contracts.holding_add, name="holding_add"),
    path("holdings/<int:pk>/delete/", views_contracts.holding_delete, name="holding_delete"),
    path(
        "contracts/<int:pk>/subcontracts/new/",
        views_contracts.subcontract_add,
        name="subcontract_add",
    ),
    path(
        "subcontracts/<int:pk>/approve/",
        views_contracts.subcontract_approve,
        name="subcontract_approve",
    ),
    path(
        "subcontracts/<int:pk>/refuse/",
        views_contracts.subcontract_refuse,
        name="subcontract_refuse",
    ),
    # The end of a contract: return or erasure, handover, documents asked of the contractor.
    path("contracts/<int:pk>/end/", views_endings.contract_end, name="contract_end"),
    path("erasures/", views_endings.erasure_list, name="erasure_list"),
    path("erasures/<int:pk>/", views_endings.erasure_detail, name="erasure_detail"),
    path("erasures/<int:pk>/plan/", views_endings.erasure_plan, name="erasure_plan"),
    path(
        "erasures/<int:pk>/certificate/",
        views_endings.erasure_certificate,
        name="erasure_certificate",
    ),
    path("erasures/<int:pk>/verify/", views_endings.erasure_verify, name="erasure_verify"),
    path(
        "erasures/<int:pk>/send-back/",
        views_endings.erasure_send_back,
        name="erasure_send_back",
    ),
    path(
        "contracts/<int:pk>/handovers/new/",
        views_endings.handover_create,
        name="handover_create",
    ),
    path("handovers/<int:pk>/", views_endings.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/step/", views_endings.handover_step, name="handover_step"),
    path("handovers/<int:pk>/direct/", views_endings.handover_direct, name="handover_direct"),
    path(
        "contracts/<int:pk>/requests/new/",
        views_endings.document_request_create,
        name="document_request_create",
    ),
    path(
        "requests/<int:pk>/file/",
        views_endings.document_request_file,
        name="document_request_file",
    ),
    path("documents/<int:pk>/", views_endings.document_download, name="document_download"),
]
