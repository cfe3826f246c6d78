"""Addresses of precedent search, included at /review/search/."""

from __future__ import annotations

from django.urls import URLPattern, path

from mamori.review import views_search

app_name = "review_search"
urlpatterns: list[URLPattern] = [
    path("", views_search.search_page, name="search"),
]
