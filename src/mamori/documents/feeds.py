"""The Atom feed of newly published minutes, for the public."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models.functions import Substr
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from mamori.council.models import Council
from mamori.documents import letterhead as letterheads
from mamori.documents.models import PublishedMinutes

ENTRIES = 20
SUMMARY_LENGTH = 200


def summary_of(text: str) -> str:
    """The beginning of the published (redacted) text, white space folded, about 200
    characters, with an ellipsis when it was cut."""
    folded = " ".join(text.split())
    if len(folded) <= SUMMARY_LENGTH:
        return folded
    return folded[:SUMMARY_LENGTH] + "…"


class MinutesFeed(Feed[PublishedMinutes, None]):
    """The 20 newest minutes on the public site; each entry's id is its public address, the
    same whenever the minutes are published again."""

    feed_type = Atom1Feed
    language = "ja"

    def title(self) -> str:
        """「東村山市個人情報保護運営審議会　公開会議録」: the city from the letterhead."""
        city = letterheads.load().city.name
        names = "・".join(Council.objects.order_by("id").values_list("name", flat=True))
        return _("%(city)s%(council)s: published minutes") % {"city": city, "council": names}

    def subtitle(self) -> str:
        return _("Minutes of the personal information protection council, as published.")

    def link(self) -> str:
        return reverse("council:public_minutes_list")

    def feed_url(self) -> str:
        return reverse("documents:public_feed")

    def items(self) -> list[PublishedMinutes]:
        # Only the beginning of the text is read: the summary needs no more.
        snapshots = (
            PublishedMinutes.objects.current()
            .select_related("minutes__meeting__council")
            .defer("html", "text")
            .annotate(opening=Substr("text", 1, SUMMARY_LENGTH * 2))
            .order_by("-published_at", "-id")
        )
        newest: list[PublishedMinutes] = []
        seen: set[int] = set()
        for snapshot in snapshots[: ENTRIES * 2]:
            if snapshot.minutes_id not in seen and len(newest) < ENTRIES:
                seen.add(snapshot.minutes_id)
                newest.append(snapshot)
        return newest

    def item_title(self, item: PublishedMinutes) -> str:
        # The title as published: words withheld from the minutes are marked in it too.
        return item.title or item.minutes.meeting.title

    def item_description(self, item: PublishedMinutes) -> str:
        """開催日時・開催場所・議題 as published (the text's beginning for older snapshots)."""
        # Atom summaries are HTML (type="html"): the plain text is escaped to stay text.
        summary = item.summary or summary_of(item.opening)  # type: ignore[attr-defined]
        return linebreaksbr(summary)  # escapes the text, then marks the line breaks

    def item_link(self, item: PublishedMinutes) -> str:
        meeting = item.minutes.meeting
        return reverse(
            "council:public_minutes_detail",
            kwargs={
                "council": meeting.council.slug,
                "fiscal_year": meeting.fiscal_year,
                "number": meeting.number,
            },
        )

    def item_pubdate(self, item: PublishedMinutes) -> dt.datetime:
        return item.published_at

    def item_updateddate(self, item: PublishedMinutes) -> dt.datetime:
        return item.published_at
