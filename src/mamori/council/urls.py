from __future__ import annotations

from django.urls import include, path

from mamori.council import views

app_name = "council"

meeting_patterns = [
    path("", views.meeting_detail, name="meeting_detail"),
    path("edit/", views.meeting_edit, name="meeting_edit"),
    path("attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("staff/", views.staff_add, name="staff_add"),
    path("staff/<int:pk>/delete/", views.staff_remove, name="staff_remove"),
    path("agenda/new/", views.agenda_item_create, name="agenda_item_create"),
    path("agenda/<int:order>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("minutes/", views.minutes_draft, name="minutes_draft"),
    path("minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("minutes/publish/", views.minutes_publish, name="minutes_publish"),
    path("minutes/withdraw/", views.minutes_withdraw, name="minutes_withdraw"),
]

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<slug:council>/<int:fiscal_year>/<int:number>/", include(meeting_patterns)),
    path("minutes/", views.public_minutes_list, name="public_minutes_list"),
    path(
        "minutes/<slug:council>/<int:fiscal_year>/<int:number>/",
        views.public_minutes_detail,
        name="public_minutes_detail",
    ),
]
