"""Sign-in and sign-out."""

from __future__ import annotations

from django.urls import URLPattern, path

from mamori.accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
]
