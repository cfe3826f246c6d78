"""Stub: replaced by the helper that owns this module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def certification_add(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def certification_delete(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contact_add(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contact_delete(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def vendor_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def vendor_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def vendor_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def vendor_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def vendor_user_link(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
