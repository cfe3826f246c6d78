"""URLs of the official documents, the marking of withheld text and the public files."""

from __future__ import annotations

from django.urls import path

from mamori.documents import views_documents, views_public, views_redaction

app_name = "documents"

MEETING = "<slug:council>/<int:fiscal_year>/<int:number>"

urlpatterns = [
    # 諮問書, 答申書 and 会議録 as Word, PDF or HTML, for those who may read the records.
    path(
        "documents/<slug:council>/consultations/<str:key>/<str:fmt>/",
        views_documents.consultation_document,
        name="consultation_document",
    ),
    path(
        "documents/<slug:council>/answers/<str:key>/<str:fmt>/",
        views_documents.answer_document,
        name="answer_document",
    ),
    path(
        f"documents/{MEETING}/minutes/<str:fmt>/",
        views_documents.minutes_document,
        name="minutes_document",
    ),
    # The secretariat marks text and materials withheld before publishing.
    path(
        f"meetings/{MEETING}/minutes/redactions/",
        views_redaction.redactions,
        name="redactions",
    ),
    path(
        "redactions/<int:pk>/delete/",
        views_redaction.redaction_delete,
        name="redaction_delete",
    ),
    path(
        f"meetings/{MEETING}/minutes/materials/",
        views_redaction.materials,
        name="materials",
    ),
    # The public site: the published files, disclosed materials, and the feed.
    path("minutes/feed/", views_public.public_feed, name="public_feed"),
    path(
        f"minutes/{MEETING}/minutes.<str:fmt>",
        views_public.public_minutes_file,
        name="public_minutes_file",
    ),
    path(
        f"minutes/{MEETING}/materials/<int:pk>/",
        views_public.public_material,
        name="public_material",
    ),
]
