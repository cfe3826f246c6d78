"""Addresses of the consultation pages, under /consultations/.

The fixed prefixes (new/, reports/, opinions/, followups/, attachments/) come before the
<council>/<key>/ patterns, which would otherwise take them for a council's slug.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from mamori.consultations import (
    views,
    views_attachments,
    views_diff,
    views_lifecycle,
    views_record,
)

app_name = "consultations"
urlpatterns: list[URLPattern] = [
    path("", views.consultation_list, name="consultation_list"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("reports/new/", views.report_create, name="report_create"),
    path("opinions/<int:pk>/edit/", views.opinion_edit, name="opinion_edit"),
    path("opinions/<int:pk>/response/", views.response_edit, name="response_edit"),
    path("opinions/<int:pk>/close/", views.opinion_close, name="opinion_close"),
    path("opinions/<int:pk>/followup/", views.opinion_follow_up, name="opinion_follow_up"),
    path("followups/", views.followup_list, name="followup_list"),
    path("followups/<int:pk>/", views.followup_update, name="followup_update"),
    path(
        "attachments/<int:pk>/",
        views_attachments.attachment_download,
        name="attachment_download",
    ),
    path(
        "attachments/<int:pk>/facts/",
        views_attachments.attachment_facts,
        name="attachment_facts",
    ),
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
    # The HandlingRecord: read, edit section by section, rows, versions and their diff.
    path("<slug:council>/<str:key>/record/", views_record.record_view, name="record_view"),
    path(
        "<slug:council>/<str:key>/record/diff/",
        views_diff.record_diff,
        name="record_diff",
    ),
    path(
        "<slug:council>/<str:key>/record/file/",
        views_lifecycle.version_file,
        name="version_file",
    ),
    path(
        "<slug:council>/<str:key>/record/versions/<int:number>/assess/",
        views_lifecycle.version_assess,
        name="version_assess",
    ),
    path(
        "<slug:council>/<str:key>/record/<slug:section>/",
        views_record.record_edit,
        name="record_edit",
    ),
    path(
        "<slug:council>/<str:key>/record/<slug:section>/row/",
        views_record.record_row,
        name="record_row",
    ),
    # Transitions of the consultation's life.
    path(
        "<slug:council>/<str:key>/return/",
        views_lifecycle.consultation_return,
        name="consultation_return",
    ),
    path(
        "<slug:council>/<str:key>/accept/",
        views_lifecycle.consultation_accept,
        name="consultation_accept",
    ),
    path(
        "<slug:council>/<str:key>/deliberate/",
        views_lifecycle.consultation_deliberate,
        name="consultation_deliberate",
    ),
    path(
        "<slug:council>/<str:key>/withdraw/",
        views_lifecycle.consultation_withdraw,
        name="consultation_withdraw",
    ),
    path(
        "<slug:council>/<str:key>/close/",
        views_lifecycle.consultation_close,
        name="consultation_close",
    ),
    # Attachments.
    path(
        "<slug:council>/<str:key>/attachments/new/",
        views_attachments.attachment_upload,
        name="attachment_upload",
    ),
]
