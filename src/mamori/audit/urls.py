from __future__ import annotations

from django.urls import URLPattern, path

from mamori.audit import views

app_name = "audit"
urlpatterns: list[URLPattern] = [
    path("", views.event_list, name="event_list"),
]
