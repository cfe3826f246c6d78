"""Addresses of the pre-review pages, under /review/.

The fixed prefix meetings/ comes before the <council>/<key>/ patterns.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from mamori.review import views

app_name = "review"
urlpatterns: list[URLPattern] = [
    path(
        "meetings/<slug:council>/<int:fiscal_year>/<int:number>/",
        views.meeting_summary,
        name="meeting_summary",
    ),
    path("<slug:council>/<str:key>/checklist/", views.checklist, name="checklist"),
    path("<slug:council>/<str:key>/explain/", views.explain, name="explain"),
    path("<slug:council>/<str:key>/opinion/", views.finding_opinion, name="finding_opinion"),
    path(
        "<slug:council>/<str:key>/findings/<slug:section>/",
        views.section_findings,
        name="section_findings",
    ),
]
