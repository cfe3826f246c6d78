"""The precedent-search page: ranked results with the hits highlighted."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mamori.review.search import search

MAX_QUERY = 200
LIMIT = 50


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """Search what the user may see; signed out, the published minutes only."""
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    hits = search(request.user, query, limit=LIMIT) if query else []
    template = "review/search.html#results" if request.htmx else "review/search.html"  # type: ignore[attr-defined]
    return render(request, template, {"query": query, "hits": hits})
