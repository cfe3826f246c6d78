"""The public search shows published minutes under their snapshot's title, with withheld words
marked, never the meeting's live title (issue 6 leftover)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.conftest import Personas
from mamori.council.models import Meeting, Minutes
from mamori.council.services import publish_minutes
from mamori.documents import services
from mamori.documents.models import PublishedMinutes
from mamori.documents.tests.helpers import ground
from mamori.review.search import search
from mamori.review.search_index import normalise, reindex_meeting

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]
WITHHELD = "運営審議会"  # part of the council's name, so of the meeting's title


@pytest.fixture(autouse=True)
def _own_file_storage(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def published(personas: Personas, django_capture_on_commit_callbacks: Capture) -> Meeting:
    """Minutes naming the coordinator, published with 「運営審議会」 withheld."""
    with django_capture_on_commit_callbacks(execute=True):
        meeting = testing.make_meeting(personas.council, number=3)
        Minutes.objects.create(meeting=meeting)
        consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
        testing.put_on_agenda(meeting, consultation, order=1)
        testing.make_opinion(consultation, meeting=meeting, text="コーディネーターは市の職員か。")
        services.add_redaction(
            actor=personas.secretariat, minutes=meeting.minutes, text=WITHHELD, ground=ground()
        )
        publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    assert WITHHELD in meeting.title
    return meeting


def test_the_public_finds_published_minutes_under_the_snapshots_redacted_title(
    published: Meeting,
) -> None:
    snapshot = PublishedMinutes.objects.current().get(minutes=published.minutes)
    assert WITHHELD not in snapshot.title
    [hit] = search(None, "コーディネーター")
    assert hit.kind == "minutes"
    assert hit.title == normalise(snapshot.title)
    assert WITHHELD not in hit.title + hit.context


def test_the_search_page_never_shows_the_withheld_words_of_the_title(
    client: Client, published: Meeting
) -> None:
    response = client.get(reverse("review_search:search"), {"q": "コーディネーター"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>" in html
    assert WITHHELD not in html.split('id="main"', 1)[-1]


def test_a_snapshot_without_a_title_is_indexed_under_the_redacted_meeting_title(
    published: Meeting,
) -> None:
    # Snapshots made before titles were kept have none.
    PublishedMinutes.objects.filter(minutes=published.minutes).update(title="")
    reindex_meeting(published.pk)
    [hit] = search(None, "コーディネーター")
    assert WITHHELD not in hit.title + hit.context
    assert "■" in hit.title
