"""Stub: replaced by the helper that owns this module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def contract_clauses(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_edit(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def contract_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def holding_add(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def holding_delete(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def subcontract_add(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def subcontract_approve(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError
