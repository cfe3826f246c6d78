"""Stub: the owner replaces this module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def registrant_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def registrant_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def access_purpose(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def registrant_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def registrant_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def consent_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def provision_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def provision_override(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def override_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
