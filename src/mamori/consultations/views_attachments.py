"""(being written in this session: issue 3)"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse


def attachment_download(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def attachment_facts(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError


def attachment_upload(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    raise NotImplementedError
