"""The public search finds the minutes as published: never a draft, never withheld words, never
an edit made after publication."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.conftest import Personas
from mamori.council import services as council_services
from mamori.council.models import DisclosureGround, Meeting, Minutes
from mamori.documents.models import Redaction
from mamori.review.search import search
from mamori.review.search_index import rebuild_index

Capture = Callable[..., Any]
COMPANY = "株式会社ミドリ"
OPINION = f"委託先の{COMPANY}は紙の台帳を持ち出すのか。"


def public_search(query: str) -> str:
    """The search page as a signed-out visitor reads it: the results only."""
    response = Client().get(reverse("review_search:search"), {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index('id="search-results"') :]


def public_url(meeting: Meeting) -> str:
    return reverse(
        "council:public_minutes_detail",
        kwargs={"council": meeting.council.slug, "fiscal_year": 2009, "number": meeting.number},
    )


@pytest.fixture
def meeting(personas: Personas, django_capture_on_commit_callbacks: Capture) -> Meeting:
    """Minutes (a draft) whose one opinion names the contractor."""
    with django_capture_on_commit_callbacks(execute=True):
        meeting = testing.make_meeting(personas.council, number=3)
        Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
        consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
        testing.put_on_agenda(meeting, consultation, order=1)
        testing.make_opinion(consultation, meeting=meeting, text=OPINION)
    return meeting


def publish(personas: Personas, meeting: Meeting, capture: Capture) -> None:
    with capture(execute=True):
        council_services.publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)


def withhold(personas: Personas, meeting: Meeting, words: str) -> None:
    Redaction.objects.create(
        minutes=meeting.minutes,
        text=words,
        ground=DisclosureGround.objects.get(article="情報公開条例第6条第2号"),
        created_by=personas.secretariat,
        created_at=timezone.now(),
    )


def test_signed_out_the_search_finds_published_minutes(
    personas: Personas, meeting: Meeting, django_capture_on_commit_callbacks: Capture
) -> None:
    publish(personas, meeting, django_capture_on_commit_callbacks)
    results = public_search("紙の台帳")
    assert f'href="{public_url(meeting)}"' in results
    assert "<mark>紙の台帳</mark>" in results


def test_signed_out_the_search_never_finds_a_draft(personas: Personas, meeting: Meeting) -> None:
    results = public_search("紙の台帳")
    assert "<mark>" not in results
    assert public_url(meeting) not in results
    # The secretariat still finds the draft, at its internal address.
    hits = [hit for hit in search(personas.secretariat, "紙の台帳") if hit.kind == "minutes"]
    assert [hit.url for hit in hits] == [
        reverse(
            "council:minutes_draft",
            kwargs={"council": meeting.council.slug, "fiscal_year": 2009, "number": 3},
        )
    ]


def test_signed_out_the_search_never_finds_withheld_words(
    personas: Personas, meeting: Meeting, django_capture_on_commit_callbacks: Capture
) -> None:
    withhold(personas, meeting, COMPANY)
    publish(personas, meeting, django_capture_on_commit_callbacks)
    assert public_url(meeting) in public_search("紙の台帳")
    for query in (COMPANY, "ミドリ", "株式会社"):
        results = public_search(query)
        assert "<mark>" not in results, query
        assert public_url(meeting) not in results
    assert COMPANY not in public_search("紙の台帳")


def test_signed_out_the_search_never_finds_an_edit_made_after_publication(
    personas: Personas, meeting: Meeting, django_capture_on_commit_callbacks: Capture
) -> None:
    publish(personas, meeting, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        opinion = meeting.opinions.get()
        opinion.text = "電子データの持ち出しは禁止するのか。"
        opinion.save(update_fields=["text"])
    assert "<mark>" not in public_search("電子データ")
    assert public_url(meeting) in public_search("紙の台帳")


def test_withdrawn_minutes_leave_the_public_search(
    personas: Personas, meeting: Meeting, django_capture_on_commit_callbacks: Capture
) -> None:
    publish(personas, meeting, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        council_services.withdraw_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    assert public_url(meeting) not in public_search("紙の台帳")


def test_rebuilding_the_index_keeps_the_published_text_only(
    personas: Personas, meeting: Meeting, django_capture_on_commit_callbacks: Capture
) -> None:
    withhold(personas, meeting, COMPANY)
    publish(personas, meeting, django_capture_on_commit_callbacks)
    rebuild_index()
    assert public_url(meeting) in public_search("紙の台帳")
    assert "<mark>" not in public_search("ミドリ")
