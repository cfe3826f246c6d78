"""Stub: the owner replaces this module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def carry_out_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def carry_out_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def carry_out_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def carry_out_approve(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def carry_out_refuse(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def carry_out_return(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
