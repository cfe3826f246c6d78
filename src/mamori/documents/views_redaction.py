"""Stub: replaced by the helper that owns this module."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse


def materials(request: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def redaction_delete(request: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def redactions(request: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError
