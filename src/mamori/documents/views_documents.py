"""Stub: replaced by the helper that owns this module."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse


def answer_document(request: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def consultation_document(request: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def minutes_document(request: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError
