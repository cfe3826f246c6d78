"""Stub: the owner replaces this module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def incident_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def incident_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def incident_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def incident_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def incident_reports(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
