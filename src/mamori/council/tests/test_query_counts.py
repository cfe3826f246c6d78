"""Pages run a bounded number of queries whatever the number of rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.conftest import Personas
from mamori.council.models import Meeting
from mamori.documents import publication


@pytest.fixture
def large_meeting(personas: Personas) -> Meeting:
    return testing.make_large_meeting(personas.council, personas.shogai, personas.member)


def kwargs_of(meeting: Meeting) -> dict[str, Any]:
    return {
        "council": meeting.council.slug,
        "fiscal_year": meeting.fiscal_year,
        "number": meeting.number,
    }


@pytest.mark.parametrize("name", ["council:meeting_detail", "council:minutes_draft"])
def test_meeting_pages_run_a_bounded_number_of_queries(
    client: Client,
    personas: Personas,
    large_meeting: Meeting,
    name: str,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(personas.secretariat)
    with django_assert_max_num_queries(30):
        response = client.get(reverse(name, kwargs=kwargs_of(large_meeting)))
    assert response.status_code == 200
    assert "諮問第50号" in response.content.decode()


def test_public_minutes_run_a_bounded_number_of_queries(
    client: Client, large_meeting: Meeting, django_assert_max_num_queries: Any
) -> None:
    # The public reads the snapshot made when the minutes were published.
    publication.snapshot_minutes(actor=None, minutes=large_meeting.minutes)
    with django_assert_max_num_queries(20):
        response = client.get(
            reverse("council:public_minutes_detail", kwargs=kwargs_of(large_meeting))
        )
    assert response.content.decode().count("document__p--mark") == 500


def test_lists_run_a_bounded_number_of_queries(
    client: Client, personas: Personas, large_meeting: Meeting, django_assert_max_num_queries: Any
) -> None:
    for number in range(4, 30):
        testing.make_meeting(personas.council, number=number)
    client.force_login(personas.secretariat)
    for url in (
        reverse("council:meeting_list"),
        reverse("council:public_minutes_list"),
        reverse("consultations:consultation_list"),
        reverse("core:home"),
    ):
        # The home page has a block per kind of work (meetings, consultations, follow-ups,
        # contracts, erasures, carry-outs, incidents, room entries, exceptions): one or two
        # queries each, however many rows.
        with django_assert_max_num_queries(24):
            assert client.get(url).status_code == 200
