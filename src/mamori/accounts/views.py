"""Signing in and out."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from mamori.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    """The sign-in page; a person already signed in goes straight on."""

    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Signing out, by POST only (a link cannot sign anyone out)."""
