"""Stub: the owner replaces this module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def room_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def room_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def room_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def authorization_add(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def authorization_end(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def entry_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def entries_import(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
