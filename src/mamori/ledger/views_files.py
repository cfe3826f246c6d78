"""Stub: the owner replaces this module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def public_register(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def public_file(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def public_register_export(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def file_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def file_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def file_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def file_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def file_setup(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def setup_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
