"""Addresses of the consultation pages, under /consultations/.

The fixed prefixes (new/, reports/, opinions/, followups/) come before the
<council>/<key>/ patterns, which would otherwise take them for a council's slug.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from mamori.consultations import views

app_name = "consultations"
urlpatterns: list[URLPattern] = [
    path("", views.consultation_list, name="consultation_list"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("reports/new/", views.report_create, name="report_create"),
    path("opinions/<int:pk>/edit/", views.opinion_edit, name="opinion_edit"),
    path("opinions/<int:pk>/response/", views.response_edit, name="response_edit"),
    path("followups/", views.followup_list, name="followup_list"),
    path("followups/<int:pk>/", views.followup_update, name="followup_update"),
    path("<slug:council>/<str:key>/", views.consultation_detail, name="consultation_detail"),
    path("<slug:council>/<str:key>/edit/", views.consultation_edit, name="consultation_edit"),
    path("<slug:council>/<str:key>/submit/", views.consultation_submit, name="consultation_submit"),
    path("<slug:council>/<str:key>/opinions/new/", views.opinion_create, name="opinion_create"),
    path("<slug:council>/<str:key>/decision/new/", views.decision_create, name="decision_create"),
    path(
        "<slug:council>/<str:key>/followups/new/",
        views.followup_create,
        name="followup_create",
    ),
]
