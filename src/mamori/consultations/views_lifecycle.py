"""(being written in this session: issue 3)"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse


def version_file(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def version_assess(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def consultation_return(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def consultation_accept(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def consultation_deliberate(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def consultation_withdraw(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def consultation_close(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError
