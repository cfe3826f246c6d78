"""The precedent-search index: documents built from consultations and minutes, kept in sync.

Storage. One plain table, `review_searchdocument` (migration review 0002), holds one row per
searchable thing: a consultation (title, summary), its record (the latest *submitted* version's
text values: drafts are never indexed, so no search can leak them), each opinion, response,
decision (sentence and attached opinions), follow-up, and the minutes of each meeting (a draft
as composed now, internal; published minutes as their published snapshot's redacted title
and text).
Every row carries what the permission filter needs (consultation, council, department,
meeting, published) and its address. Text is NFKC-normalised.
On SQLite an FTS5 table with the trigram tokenizer indexes the title and body columns as
*external content* over that table (no second copy of the text), a second one the titles
alone (small: most documents have none); triggers keep both in step. On PostgreSQL GIN
pg_trgm indexes over the same columns serve ILIKE and similarity.

Sync. Index maintenance is not a domain step, so it hangs off Django's post_save/post_delete
(and AgendaItem.consultations m2m_changed) signals of the models whose text is indexed. A
receiver only notes which consultation or meeting changed; the rebuild of that scope runs in
`transaction.on_commit`, once per scope and transaction, so a rolled-back write never
reaches the index. Signals do not see `QuerySet.update()`/`bulk_create()`: after such bulk
writes run `mamori search --reindex`, which rebuilds the whole index.
"""

# SQL is assembled only from module constants and %s placeholders; values go as parameters.
# ruff: noqa: S608
from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import astuple, dataclass
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from mamori.consultations import handling
from mamori.consultations.models import (
    Consultation,
    Decision,
    FollowUp,
    HandlingRecordVersion,
    Opinion,
    Response,
)
from mamori.council.models import AgendaItem, Attendance, Meeting, Minutes, StaffAttendee
from mamori.documents.models import PublishedMinutes
from mamori.documents.redaction import redact_string, rules_for

logger = logging.getLogger(__name__)

TABLE = "review_searchdocument"
FTS_TABLE = "review_searchfts"
TITLE_FTS_TABLE = "review_searchtitlefts"
VOCAB_TABLE = "review_searchvocab"
# Ends every stored title and body, so that each occurrence of a one- or two-character term
# begins a trigram of the index, even at the very end of a text (see search.py).
END = "\n\n"

KINDS = {
    "consultation": pgettext_lazy("search result kind", "Consultation"),
    "record": pgettext_lazy("search result kind", "Handling record"),
    "opinion": pgettext_lazy("search result kind", "Opinion"),
    "response": pgettext_lazy("search result kind", "Response"),
    "decision": pgettext_lazy("search result kind", "Decision"),
    "follow_up": pgettext_lazy("search result kind", "Follow-up"),
    "minutes": pgettext_lazy("search result kind", "Minutes"),
}

COLUMNS = (
    "kind",
    "object_id",
    "scope",
    "consultation_id",
    "council_id",
    "department_id",
    "meeting_id",
    "published",
    "title",
    "context",
    "body",
    "url",
)


def normalise(text: str) -> str:
    """NFKC (全角英数→半角, 半角カナ→全角), applied alike to indexed text and queries."""
    return unicodedata.normalize("NFKC", text)


@dataclass
class Document:
    """One row of the index."""

    kind: str
    object_id: int
    scope: str
    consultation_id: int | None
    council_id: int | None
    department_id: int | None
    meeting_id: int | None
    published: bool
    title: str
    context: str
    body: str
    url: str


def _join(*parts: str) -> str:
    return normalise("\n".join(part for part in parts if part))


def consultation_scope(consultation_id: int) -> str:
    return f"consultation:{consultation_id}"


def meeting_scope(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


# --- Building documents ---------------------------------------------------------------------


def record_text(data: Any) -> str:
    """The record's text values (names, purposes, clauses), one per line; codes are left out."""
    try:
        record = handling.parse(data)
    except ValueError:
        return ""
    values: list[str] = []
    for entry in handling.flatten(record):
        value = entry.value
        if isinstance(value, str) and not isinstance(value, StrEnum) and value.strip():
            values.append(value)
    return "\n".join(values)


class _ConsultationDocs:
    """Documents of one consultation, sharing its permission columns, label and address."""

    def __init__(self, consultation: Consultation) -> None:
        self.consultation = consultation
        self.scope = consultation_scope(consultation.pk)
        self.context = normalise(f"{consultation.label}「{consultation.title}」")
        self.url = reverse(
            "consultations:consultation_detail",
            kwargs={"council": consultation.council.slug, "key": consultation.key},
        )

    def make(
        self,
        kind: str,
        object_id: int,
        body: str,
        *,
        title: str = "",
        url: str = "",
        department_id: int | None = None,
        meeting_id: int | None = None,
    ) -> Document:
        c = self.consultation
        return Document(
            kind=kind,
            object_id=object_id,
            scope=self.scope,
            consultation_id=c.pk,
            council_id=c.council_id,
            department_id=department_id or c.department_id,
            meeting_id=meeting_id,
            published=False,
            title=normalise(title),
            context=self.context,
            body=body,
            url=url or self.url,
        )


def consultation_documents(consultation_id: int) -> list[Document]:
    """Every document of a consultation, or none when it no longer exists."""
    consultation = Consultation.objects.select_related("council").filter(pk=consultation_id).first()
    if consultation is None:
        return []
    docs = _ConsultationDocs(consultation)
    out = [
        docs.make(
            "consultation",
            consultation.pk,
            _join(consultation.title, consultation.summary),
            title=consultation.title,
        )
    ]
    version = consultation.record_versions.submitted().order_by("-number").first()
    if version is not None:
        record_url = reverse(
            "consultations:record_view",
            kwargs={"council": consultation.council.slug, "key": consultation.key},
        )
        out.append(
            docs.make("record", version.pk, _join(record_text(version.data)), url=record_url)
        )
    for opinion in consultation.opinions.select_related("response"):
        anchor = f"{docs.url}#opinion-{opinion.pk}"
        out.append(
            docs.make(
                "opinion",
                opinion.pk,
                _join(opinion.text),
                url=anchor,
                meeting_id=opinion.meeting_id,
            )
        )
        response = getattr(opinion, "response", None)
        if response is not None:
            out.append(
                docs.make(
                    "response",
                    response.pk,
                    _join(response.text),
                    url=anchor,
                    meeting_id=opinion.meeting_id,
                )
            )
    for decision in consultation.decisions.all():
        decision.consultation = consultation
        out.append(
            docs.make(
                "decision",
                decision.pk,
                _join(decision.sentence, decision.attached_opinions),
                meeting_id=decision.meeting_id,
            )
        )
    for follow_up in consultation.follow_ups.all():
        out.append(_follow_up_document(follow_up, docs))
    return out


def _follow_up_document(follow_up: FollowUp, docs: _ConsultationDocs) -> Document:
    # A follow-up is seen by its owner's staff (consultations/access.py), so it is filed
    # under the owner, not the consultation's department.
    return docs.make(
        "follow_up",
        follow_up.pk,
        _join(follow_up.commitment, follow_up.evidence),
        url=reverse("consultations:followup_update", kwargs={"pk": follow_up.pk}),
        department_id=follow_up.owner_id,
        meeting_id=follow_up.meeting_id,
    )


def minutes_text(meeting: Meeting) -> str:
    """The minutes as plain text, in the order the minutes page shows them."""
    from mamori.council import minutes

    doc = minutes.compose(meeting)
    lines = [doc.title, doc.held, doc.place, *doc.members_present, *doc.explainers]
    for item in doc.items:
        lines += [item.title, item.note]
        for section in item.consultations:
            lines += [f"{section.label}「{section.title}」", section.department]
            lines += [section.decision, section.attached_opinions]
            for exchange in section.exchanges:
                lines += [exchange.opinion, exchange.response]
        if item.report is not None:
            lines += [item.report.title, item.report.explanation, item.report.related]
    lines.append(doc.materials_reason)
    return _join(*lines)


def minutes_document(meeting: Meeting, record: Minutes) -> Document:
    """The minutes as the index holds them. Published minutes are their current snapshot's
    (redacted) title and text at the public address, so no search finds or shows withheld
    words or edits made after publication; otherwise the minutes as composed now, for the
    secretariat only."""
    place = {"council": meeting.council.slug, "fiscal_year": meeting.fiscal_year}
    place["number"] = meeting.number
    snapshot = (
        PublishedMinutes.objects.current().filter(minutes=record).first()
        if record.is_published
        else None
    )
    if snapshot is not None:
        # The public sees the snapshot's title, with withheld words marked, never the live one.
        body, name = normalise(snapshot.text), "public_minutes_detail"
        title = snapshot.title or redact_string(meeting.title, rules_for(record))
    else:
        body, name = minutes_text(meeting), "minutes_draft"
        title = meeting.title
    return Document(
        kind="minutes",
        object_id=record.pk,
        scope=meeting_scope(meeting.pk),
        consultation_id=None,
        council_id=meeting.council_id,
        department_id=None,
        meeting_id=meeting.pk,
        published=snapshot is not None,
        title=normalise(title),
        context=normalise(title),
        body=body,
        url=reverse(f"council:{name}", kwargs=place),
    )


def meeting_documents(meeting_id: int) -> list[Document]:
    """The minutes of a meeting (when it has minutes) and its follow-ups with no consultation."""
    meeting = Meeting.objects.select_related("council").filter(pk=meeting_id).first()
    if meeting is None:
        return []
    out: list[Document] = []
    record = Minutes.objects.filter(meeting=meeting).first()
    if record is not None:
        out.append(minutes_document(meeting, record))
    for follow_up in FollowUp.objects.filter(meeting=meeting, consultation__isnull=True):
        out.append(
            Document(
                kind="follow_up",
                object_id=follow_up.pk,
                scope=meeting_scope(meeting.pk),
                consultation_id=None,
                council_id=meeting.council_id,
                department_id=follow_up.owner_id,
                meeting_id=meeting.pk,
                published=False,
                title="",
                context=normalise(meeting.title),
                body=_join(follow_up.commitment, follow_up.evidence),
                url=reverse("consultations:followup_update", kwargs={"pk": follow_up.pk}),
            )
        )
    return out


# --- Writing the index ----------------------------------------------------------------------


def _insert_sql() -> str:
    marks = ", ".join(["%s"] * len(COLUMNS))
    return f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({marks})"


def write_documents(documents: Iterable[Document]) -> int:
    """Append documents to the index; returns how many."""
    title, body = COLUMNS.index("title"), COLUMNS.index("body")
    rows = []
    for document in documents:
        row = list(astuple(document))
        row[title] = row[title].rstrip() + END
        row[body] = row[body].rstrip() + END
        rows.append(row)
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(), rows)
    return len(rows)


def replace_scope(scope: str, documents: list[Document]) -> None:
    """Replace the documents of one consultation or meeting, in one transaction."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE scope = %s", [scope])
        write_documents(documents)


def reindex_consultation(consultation_id: int) -> None:
    """Rebuild the documents of one consultation (none when it was deleted)."""
    replace_scope(consultation_scope(consultation_id), consultation_documents(consultation_id))


def reindex_meeting(meeting_id: int) -> None:
    """Rebuild the minutes of one meeting (none when it was deleted)."""
    replace_scope(meeting_scope(meeting_id), meeting_documents(meeting_id))


REINDEX: dict[str, Callable[[int], None]] = {
    "consultation": reindex_consultation,
    "meeting": reindex_meeting,
}


class _Reindex:
    """An on-commit reindex of one scope, recognisable so a transaction queues it once."""

    def __init__(self, what: str, object_id: int) -> None:
        self.key = (what, object_id)
        self.done = False

    def __call__(self) -> None:
        self.done = True
        REINDEX[self.key[0]](self.key[1])


def schedule(what: str, object_id: int | None) -> None:
    """Reindex a consultation or meeting when the current transaction commits, once."""
    if object_id is None:
        return
    key = (what, object_id)
    for _, callback, _ in transaction.get_connection().run_on_commit:
        if isinstance(callback, _Reindex) and callback.key == key and not callback.done:
            return
    transaction.on_commit(_Reindex(what, object_id), robust=True)


# --- Signal receivers -----------------------------------------------------------------------


def _consultation_saved(sender: Any, instance: Consultation, **kwargs: Any) -> None:
    schedule("consultation", instance.pk)
    fields = kwargs.get("update_fields")
    if kwargs.get("signal") is post_save and (fields is None or "title" in fields):
        # The minutes quote the title.
        meetings = AgendaItem.objects.filter(consultations=instance).values_list("meeting_id")
        for (meeting_id,) in meetings:
            schedule("meeting", meeting_id)


def _version_changed(sender: Any, instance: HandlingRecordVersion, **kwargs: Any) -> None:
    if instance.submitted_at is not None:
        schedule("consultation", instance.consultation_id)


def _in_consultation(sender: Any, instance: Opinion | Decision, **kwargs: Any) -> None:
    schedule("consultation", instance.consultation_id)
    schedule("meeting", instance.meeting_id)


def _response_changed(sender: Any, instance: Response, **kwargs: Any) -> None:
    row = Opinion.objects.filter(pk=instance.opinion_id).values_list(
        "consultation_id", "meeting_id"
    )
    for consultation_id, meeting_id in row:
        schedule("consultation", consultation_id)
        schedule("meeting", meeting_id)


def _follow_up_changed(sender: Any, instance: FollowUp, **kwargs: Any) -> None:
    if instance.consultation_id is not None:
        schedule("consultation", instance.consultation_id)
    else:
        schedule("meeting", instance.meeting_id)


def _meeting_changed(sender: Any, instance: Meeting, **kwargs: Any) -> None:
    schedule("meeting", instance.pk)


def _in_meeting(
    sender: Any, instance: Minutes | AgendaItem | Attendance | StaffAttendee, **kwargs: Any
) -> None:
    schedule("meeting", instance.meeting_id)


def _snapshot_changed(sender: Any, instance: PublishedMinutes, **kwargs: Any) -> None:
    # A snapshot is made or withdrawn inside publish_minutes/withdraw_minutes: the meeting is
    # reindexed when that transaction commits, so the index holds the new snapshot's text.
    meeting_ids = Minutes.objects.filter(pk=instance.minutes_id).values_list("meeting_id")
    for (meeting_id,) in meeting_ids:
        schedule("meeting", meeting_id)


def _agenda_consultations_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("action", "").startswith("post_") and isinstance(instance, AgendaItem):
        schedule("meeting", instance.meeting_id)


RECEIVERS: list[tuple[type[Any], Callable[..., None]]] = [
    (Consultation, _consultation_saved),
    (HandlingRecordVersion, _version_changed),
    (Opinion, _in_consultation),
    (Decision, _in_consultation),
    (Response, _response_changed),
    (FollowUp, _follow_up_changed),
    (Meeting, _meeting_changed),
    (Minutes, _in_meeting),
    (AgendaItem, _in_meeting),
    (Attendance, _in_meeting),
    (StaffAttendee, _in_meeting),
    (PublishedMinutes, _snapshot_changed),
]


def connect_signals() -> None:
    """Connect the receivers; called from the review app's ready()."""
    for model, receiver in RECEIVERS:
        uid = f"search.{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(
        _agenda_consultations_changed,
        sender=AgendaItem.consultations.through,
        dispatch_uid="search.agenda_consultations",
    )


# --- Rebuilding everything ------------------------------------------------------------------

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); "
    f"INSERT INTO {TITLE_FTS_TABLE}(rowid, title) VALUES (new.id, new.title); END",
    f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}, rowid, title) "
    "VALUES ('delete', old.id, old.title); END",
    f"CREATE TRIGGER {TABLE}_au AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}, rowid, title) "
    "VALUES ('delete', old.id, old.title); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); "
    f"INSERT INTO {TITLE_FTS_TABLE}(rowid, title) VALUES (new.id, new.title); END",
]


@dataclass
class _Owner:
    council_id: int
    department_id: int
    context: str
    url: str


def _owners() -> dict[int, _Owner]:
    """Every consultation's permission columns, label and address, by id."""
    rows = Consultation.objects.values_list(
        "pk", "council_id", "council__slug", "department_id", "fiscal_year", "number", "title"
    )
    owners: dict[int, _Owner] = {}
    for pk, council_id, slug, department_id, year, number, title in rows.iterator(10_000):
        url = reverse(
            "consultations:consultation_detail", kwargs={"council": slug, "key": f"{year}-{number}"}
        )
        owners[pk] = _Owner(
            council_id, department_id, normalise(f"諮問第{number}号「{title}」"), url
        )
    return owners


def _owned(
    owner: _Owner, cid: int, kind: str, pk: int, body: str, url: str = "", **extra: Any
) -> Document:
    fields: dict[str, Any] = {
        "kind": kind,
        "object_id": pk,
        "scope": consultation_scope(cid),
        "consultation_id": cid,
        "council_id": owner.council_id,
        "department_id": owner.department_id,
        "meeting_id": None,
        "published": False,
        "title": "",
        "context": owner.context,
        "body": body,
        "url": url or owner.url,
    }
    fields.update(extra)
    return Document(**fields)


def all_documents() -> Iterator[Document]:
    """Every document, built table by table in bulk rather than consultation by consultation."""
    owners = _owners()
    rows: Any = Consultation.objects.values_list("pk", "title", "summary")
    for pk, title, summary in rows.iterator(10_000):
        doc = _owned(owners[pk], pk, "consultation", pk, _join(title, summary))
        doc.title = normalise(title)
        yield doc
    yield from _record_documents(owners)
    rows = Opinion.objects.values_list("pk", "consultation_id", "meeting_id", "text")
    for pk, cid, meeting_id, text in rows.iterator(10_000):
        url = f"{owners[cid].url}#opinion-{pk}"
        yield _owned(owners[cid], cid, "opinion", pk, _join(text), url, meeting_id=meeting_id)
    rows = Response.objects.values_list(
        "pk", "opinion_id", "opinion__consultation_id", "opinion__meeting_id", "text"
    )
    for pk, opinion_id, cid, meeting_id, text in rows.iterator(10_000):
        url = f"{owners[cid].url}#opinion-{opinion_id}"
        yield _owned(owners[cid], cid, "response", pk, _join(text), url, meeting_id=meeting_id)
    for decision in Decision.objects.select_related("consultation").iterator(2_000):
        cid = decision.consultation_id
        body = _join(decision.sentence, decision.attached_opinions)
        yield _owned(
            owners[cid], cid, "decision", decision.pk, body, meeting_id=decision.meeting_id
        )
    for follow_up in FollowUp.objects.filter(consultation__isnull=False).iterator(2_000):
        cid = follow_up.consultation_id or 0
        url = reverse("consultations:followup_update", kwargs={"pk": follow_up.pk})
        body = _join(follow_up.commitment, follow_up.evidence)
        yield _owned(
            owners[cid],
            cid,
            "follow_up",
            follow_up.pk,
            body,
            url,
            department_id=follow_up.owner_id,
            meeting_id=follow_up.meeting_id,
        )
    for meeting_id in Meeting.objects.values_list("pk", flat=True):
        yield from meeting_documents(meeting_id)


def _record_documents(owners: dict[int, _Owner]) -> Iterator[Document]:
    versions = (
        HandlingRecordVersion.objects.submitted()
        .order_by("consultation_id", "-number")
        .values_list("pk", "consultation_id", "data")
    )
    previous = None
    for pk, cid, data in versions.iterator(2_000):
        if cid == previous:
            continue
        previous = cid
        owner = owners[cid]
        url = owner.url + "record/"
        yield _owned(owner, cid, "record", pk, _join(record_text(data)), url)


def rebuild_index(progress: Callable[[int], None] | None = None, batch: int = 20_000) -> int:
    """Empty the index and build it again from every table; returns the number of documents.

    On SQLite the FTS triggers are dropped during the load and the FTS table is rebuilt once
    at the end, which is far faster than row-by-row maintenance.
    """
    sqlite = connection.vendor == "sqlite"
    total = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            if sqlite:
                for suffix in ("ai", "ad", "au"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{suffix}")
            cursor.execute(f"DELETE FROM {TABLE}")
        pending: list[Document] = []
        for document in all_documents():
            pending.append(document)
            if len(pending) >= batch:
                total += write_documents(pending)
                pending.clear()
                if progress is not None:
                    progress(total)
        total += write_documents(pending)
        with connection.cursor() as cursor:
            if sqlite:
                for statement in SQLITE_TRIGGERS:
                    cursor.execute(statement)
                for fts in (FTS_TABLE, TITLE_FTS_TABLE):
                    cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
            else:
                cursor.execute(f"ANALYZE {TABLE}")
    if progress is not None:
        progress(total)
    return total
