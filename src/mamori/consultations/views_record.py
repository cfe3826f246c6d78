"""(being written in this session: issue 3)"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse


def record_view(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def record_diff(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def record_edit(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def record_row(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError
