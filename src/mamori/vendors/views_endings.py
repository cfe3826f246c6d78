"""Stub: replaced by the helper that owns this module."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse


def contract_end(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def document_download(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def document_request_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def document_request_file(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def erasure_certificate(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def erasure_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def erasure_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def erasure_plan(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def erasure_send_back(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def erasure_verify(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def handover_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def handover_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def handover_direct(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def handover_step(request: HttpRequest, pk: int = 0) -> HttpResponse:
    raise NotImplementedError


def endings_context(user: Any, contract: Any) -> dict[str, Any]:
    """What contract_detail shows of the end of a contract (tasks, handovers, requests)."""
    return {}
