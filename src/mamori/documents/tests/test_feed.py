"""The Atom feed of published minutes: a valid feed of the newest current snapshots, with their
published (redacted) text only."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.conftest import Personas
from mamori.council import services as council_services
from mamori.council.models import DisclosureGround, Meeting, Minutes
from mamori.documents.models import PublishedMinutes, Redaction

ATOM = "{http://www.w3.org/2005/Atom}"
COMPANY = "株式会社ミドリ"


def make_meeting(personas: Personas, number: int) -> Meeting:
    meeting = testing.make_meeting(personas.council, number=number)
    Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
    return meeting


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    meeting = make_meeting(personas, 3)
    consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
    testing.put_on_agenda(meeting, consultation, order=1)
    testing.make_opinion(consultation, meeting=meeting, text=f"委託先の{COMPANY}は適切か。")
    return meeting


def publish(personas: Personas, meeting: Meeting) -> None:
    council_services.publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)


def read_feed() -> ET.Element:
    response = Client().get(reverse("documents:public_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314 (the feed this server just made)


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def test_the_feed_lists_published_minutes(personas: Personas, meeting: Meeting) -> None:
    publish(personas, meeting)
    feed = read_feed()
    assert feed.tag == f"{ATOM}feed"
    (entry,) = entries(feed)
    assert entry.findtext(f"{ATOM}title") == "平成21年度第3回個人情報保護運営審議会"
    link = entry.find(f"{ATOM}link")
    assert link is not None
    detail = reverse(
        "council:public_minutes_detail",
        kwargs={"council": "kojin", "fiscal_year": 2009, "number": 3},
    )
    assert link.get("href") == f"http://testserver{detail}"
    assert entry.findtext(f"{ATOM}id") == f"http://testserver{detail}"
    published = Minutes.objects.get(pk=meeting.minutes.pk).published_at
    assert published is not None
    for element in ("published", "updated"):
        assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}{element}") or "") == published


def test_an_entry_summarises_when_where_and_what(personas: Personas, meeting: Meeting) -> None:
    publish(personas, meeting)
    (entry,) = entries(read_feed())
    summary = entry.findtext(f"{ATOM}summary") or ""
    assert summary.startswith("開催日時：平成21年8月6日")
    assert "<br>開催場所：" in summary
    assert "会議次第：1. " in summary


def test_the_feed_never_shows_withheld_words(personas: Personas, meeting: Meeting) -> None:
    # The place is near the top of the minutes, so within the summary.
    meeting.place = f"{COMPANY}本社会議室"
    meeting.save(update_fields=["place"])
    Redaction.objects.create(
        minutes=meeting.minutes,
        text=COMPANY,
        ground=DisclosureGround.objects.get(article="情報公開条例第6条第2号"),
        created_by=personas.secretariat,
        created_at=timezone.now(),
    )
    publish(personas, meeting)
    body = Client().get(reverse("documents:public_feed")).content.decode()
    assert "■■■（情報公開条例第6条第2号）本社会議室" in body
    assert COMPANY not in body


def test_the_feed_leaves_out_drafts_and_withdrawn_minutes(
    personas: Personas, meeting: Meeting
) -> None:
    draft = make_meeting(personas, 5)
    withdrawn = make_meeting(personas, 6)
    publish(personas, meeting)
    publish(personas, withdrawn)
    council_services.withdraw_minutes(actor=personas.secretariat, minutes=withdrawn.minutes)
    titles = [e.findtext(f"{ATOM}title") for e in entries(read_feed())]
    assert titles == [meeting.title]
    assert draft.title not in titles


def test_republished_minutes_keep_their_entry_id(personas: Personas, meeting: Meeting) -> None:
    publish(personas, meeting)
    (first,) = entries(read_feed())
    council_services.withdraw_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    publish(personas, meeting)
    (again,) = entries(read_feed())
    assert again.findtext(f"{ATOM}id") == first.findtext(f"{ATOM}id")


def test_the_feed_holds_the_twenty_newest(personas: Personas) -> None:
    start = dt.datetime(2009, 9, 1, tzinfo=dt.UTC)
    for number in range(1, 23):
        meeting = make_meeting(personas, number)
        when = start + dt.timedelta(days=number)
        Minutes.objects.filter(meeting=meeting).update(
            status=Minutes.Status.PUBLISHED, published_at=when
        )
        PublishedMinutes.objects.create(
            minutes=meeting.minutes,
            html="<p>会議録</p>",
            text=f"第{number}回の会議録",
            pdf=ContentFile(b"%PDF-1.4\n%%EOF\n", name="minutes.pdf"),
            docx=ContentFile(b"PK\x03\x04", name="minutes.docx"),
            published_at=when,
        )
    summaries = [e.findtext(f"{ATOM}summary") for e in entries(read_feed())]
    assert summaries == [f"第{number}回の会議録" for number in range(22, 2, -1)]


def test_a_summary_is_text_even_where_it_looks_like_markup(
    personas: Personas, meeting: Meeting
) -> None:
    meeting.place = "<b>会議室</b>&別館"
    meeting.save(update_fields=["place"])
    publish(personas, meeting)
    (entry,) = entries(read_feed())
    summary = entry.find(f"{ATOM}summary")
    assert summary is not None and summary.get("type") == "html"
    # Read as HTML, the summary shows the characters as they were written.
    assert "&lt;b&gt;会議室&lt;/b&gt;&amp;別館" in (summary.text or "")
