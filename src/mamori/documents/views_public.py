"""Stub: replaced by the helper that owns this module."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse


def public_feed(request: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def public_material(request: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def public_minutes_file(request: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError
