"""Top-level URLs."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from mamori.api.api import api

urlpatterns = [
    path("", include("mamori.core.urls")),
    path("accounts/", include("mamori.accounts.urls")),
    path("audit/", include("mamori.audit.urls")),
    path("", include("mamori.council.urls")),
    path("", include("mamori.documents.urls")),
    path("consultations/", include("mamori.consultations.urls")),
    path("review/search/", include("mamori.review.urls_search")),
    path("review/", include("mamori.review.urls")),
    path("vendors/", include("mamori.vendors.urls")),
    path("", include("mamori.ledger.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
