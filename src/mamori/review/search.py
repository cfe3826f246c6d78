"""Precedent search: one interface over SQLite FTS5 (trigram) and PostgreSQL pg_trgm.

`search(user, query)` splits the NFKC-normalised query on white space; every term must match
(AND). Terms of three characters or more go to the trigram index (FTS5 MATCH with each term
quoted as a phrase, inner quotes doubled, so `"`, `*`, `(`, `NEAR`, `OR`… are only text; on
PostgreSQL `ILIKE` served by the GIN pg_trgm index). Terms of one or two characters cannot be
answered by trigrams: they are matched with `LIKE '%…%'` on the document table, on both
databases. What the searcher may see is part of the SQL (see `_visibility`), never filtered
afterwards. Ranking: documents whose title holds every term first, then, on SQLite, term
frequency per length (title tenfold) among the newest 1,000 matches (see `_fts_query` for
why not bm25), on PostgreSQL pg_trgm word_similarity over all matches; a query of short terms
only is ordered newest first within a bounded window, title hits first. Snippets are cut and
highlighted in Python from the stored text, escaped, with `<mark>` around the hits.
"""

# SQL is assembled only from module constants and %s placeholders; values go as parameters.
# ruff: noqa: S608
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from mamori.consultations.models import Consultation, Decision, FollowUp, HandlingRecordVersion
from mamori.core.access import department_ids_of
from mamori.review.search_index import (
    FTS_TABLE,
    KINDS,
    TABLE,
    TITLE_FTS_TABLE,
    VOCAB_TABLE,
    normalise,
)

MAX_TERMS = 8
MAX_TERM_LENGTH = 100
TRIGRAM = 3
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120
SELECT = "d.id, d.kind, d.consultation_id, d.meeting_id, d.title, d.context, d.body, d.url"


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, where it belongs, its highlighted extract and address."""

    kind: str
    consultation_id: int | None
    meeting_id: int | None
    context: str  # the consultation or meeting it belongs to: 諮問第4号「…」
    title: str
    snippet: SafeString
    rank: float
    url: str

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "context": self.context,
            "title": self.title,
            "snippet": str(self.snippet),
            "rank": round(self.rank, 4),
            "url": self.url,
            "consultation_id": self.consultation_id,
            "meeting_id": self.meeting_id,
        }


def terms_of(query: str) -> list[str]:
    """The distinct terms of a query, normalised, at most MAX_TERMS of bounded length."""
    terms: list[str] = []
    # Control characters (NUL among them, which PostgreSQL refuses) are only separators.
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in normalise(query))
    for term in text.split():
        term = term[:MAX_TERM_LENGTH]
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def like_pattern(term: str) -> str:
    """'%term%' with LIKE's own wildcards escaped (ESCAPE '\\')."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(term: str) -> str:
    """An FTS5 string: the term between double quotes, inner quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


def _like(column: str) -> str:
    operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    return f"{column} {operator} %s ESCAPE '\\'"


def _visibility(user: Any) -> tuple[str, list[Any]]:
    """The SQL condition on `d` for the documents this user may see."""
    published_minutes = "(d.kind = 'minutes' AND d.published)"
    if user is None or not user.is_authenticated:
        return published_minutes, []
    if user.is_secretariat:
        return "1 = 1", []
    if user.is_department_staff:
        ids = sorted(department_ids_of(user))
        if not ids:
            return published_minutes, []
        marks = ", ".join(["%s"] * len(ids))
        own = f"(d.kind <> 'minutes' AND d.department_id IN ({marks}))"
        return f"({own} OR {published_minutes})", list(ids)
    if user.is_council_member:
        from mamori.consultations.access import consultations_visible_to

        sql, params = consultations_visible_to(user).order_by().values("pk").query.sql_with_params()
        # Follow-ups are for the secretariat and the owning department (consultations/access).
        theirs = f"(d.kind NOT IN ('minutes', 'follow_up') AND d.consultation_id IN ({sql}))"
        return f"({theirs} OR {published_minutes})", list(params)
    return published_minutes, []


def search(user: Any, query: str, *, limit: int = 20) -> list[Hit]:
    """The documents matching every term of the query that the user may see, best first."""
    terms = terms_of(query)
    if not terms or limit <= 0:
        return []
    sqlite = connection.vendor == "sqlite"
    fts_groups = [fts_phrase(t) for t in terms if len(t) >= TRIGRAM]
    like_terms = [t for t in terms if len(t) < TRIGRAM] if sqlite else []
    if sqlite:
        for term in list(like_terms):
            grams = trigrams_beginning(term)
            if grams is None:
                continue  # a common term: LIKE, newest first, finds enough rows at once
            if not grams:
                return []  # in no document
            like_terms.remove(term)
            fts_groups.append("(" + " OR ".join(fts_phrase(g) for g in grams) + ")")
    else:
        like_terms = [t for t in terms if len(t) < TRIGRAM]
    visible, visible_params = _visibility(user)
    conditions = [_like("d.body") for _ in like_terms] + [visible]
    params: list[Any] = [like_pattern(t) for t in like_terms] + visible_params
    if sqlite and fts_groups:
        # Explicit AND: FTS5 reads "a" ("b" OR "c") as a syntax error.
        rows = _fts_query(" AND ".join(fts_groups), terms, conditions, params, limit)
    elif not sqlite and len(like_terms) < len(terms):
        long_terms = [t for t in terms if len(t) >= TRIGRAM]
        title_hit = " AND ".join(_like("d.title") for _ in terms)
        title_params = [like_pattern(t) for t in terms]
        rows = _trigram_query(long_terms, conditions, params, title_hit, title_params, limit)
    else:
        title_hit = " AND ".join(_like("d.title") for _ in terms)
        title_params = [like_pattern(t) for t in terms]
        rows = _short_query(conditions, params, title_hit, title_params, limit)
    return [_hit(row, terms) for row in rows]


MAX_BEGUN = 64


def trigrams_beginning(term: str) -> list[str] | None:
    """The index's trigrams that begin with a short term, or None when there are too many.

    Every stored text ends with two newlines, so each occurrence of a one- or two-character
    term begins some trigram: a document holds the term exactly when it holds one of these.
    """
    folded = term.lower()
    rows = _fetch(
        f"SELECT term FROM {VOCAB_TABLE} WHERE term >= %s AND term < %s LIMIT %s",
        [folded, folded + "\U0010ffff", MAX_BEGUN + 1],
    )
    return None if len(rows) > MAX_BEGUN else [row[0] for row in rows]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


# FTS5's bm25() counts every match of every phrase in the whole index on each query (for its
# IDF), which costs ~70 ms at a million documents. So FTS5 only finds the newest matches (cheap,
# in rowid order), first in the titles-only index, then anywhere, and they are ranked here.
TITLE_WINDOW = 200
BODY_WINDOW = 1000


def _fts_query(
    phrases: str, terms: list[str], conditions: list[str], params: list[Any], limit: int
) -> list[tuple[Any, ...]]:
    def newest(fts: str, window: int) -> list[tuple[Any, ...]]:
        where = " AND ".join([f"{fts} MATCH %s", *conditions])
        sql = (
            f"SELECT {SELECT} FROM {fts} JOIN {TABLE} d ON d.id = {fts}.rowid "
            f"WHERE {where} ORDER BY {fts}.rowid DESC LIMIT %s"
        )
        return _fetch(sql, [phrases, *params, window])

    in_titles = newest(TITLE_FTS_TABLE, TITLE_WINDOW)
    anywhere = newest(FTS_TABLE, BODY_WINDOW)
    seen = {row[0] for row in in_titles}
    rows = in_titles + [row for row in anywhere if row[0] not in seen]
    scored = [(*row, score_of(row[4], row[6], terms), row[0] in seen) for row in rows]
    scored.sort(key=lambda row: (not row[-1], -row[-2], -row[0]))
    return scored[:limit]


def score_of(title: str, body: str, terms: list[str]) -> float:
    """Occurrences of the terms, the title's counting tenfold, per 200 characters of text."""
    title, body = title.casefold(), body.casefold()
    found = sum(10 * title.count(t.casefold()) + body.count(t.casefold()) for t in terms)
    return found / (1 + len(body) / 200)


def _trigram_query(
    terms: list[str],
    conditions: list[str],
    params: list[Any],
    title_hit: str,
    title_params: list[Any],
    limit: int,
) -> list[tuple[Any, ...]]:
    where = " AND ".join([*(_like("d.body") for _ in terms), *conditions])
    sql = (
        f"SELECT {SELECT}, word_similarity(%s, d.body) AS score, ({title_hit}) AS title_hit "
        f"FROM {TABLE} d WHERE {where} "
        "ORDER BY title_hit DESC, score DESC, d.id DESC LIMIT %s"
    )
    likes = [like_pattern(t) for t in terms]
    return _fetch(sql, [" ".join(terms), *title_params, *likes, *params, limit])


def _short_query(
    conditions: list[str],
    params: list[Any],
    title_hit: str,
    title_params: list[Any],
    limit: int,
) -> list[tuple[Any, ...]]:
    # LIKE '%…%' reads the table; newest first with a LIMIT stops early on common terms.
    window = max(limit * 5, 100)
    sql = (
        f"SELECT {SELECT}, 0.0 AS score, ({title_hit}) AS title_hit FROM {TABLE} d "
        f"WHERE {' AND '.join(conditions)} ORDER BY d.id DESC LIMIT %s"
    )
    rows = _fetch(sql, [*title_params, *params, window])
    rows.sort(key=lambda row: not row[-1])
    return rows[:limit]


def _hit(row: tuple[Any, ...], terms: list[str]) -> Hit:
    _, kind, consultation_id, meeting_id, title, context, body, url, score, _title_hit = row
    title = title.strip()
    if kind not in ("consultation", "minutes") or not title:
        title = str(KINDS.get(kind, kind))
    return Hit(
        kind=kind,
        consultation_id=consultation_id,
        meeting_id=meeting_id,
        context=context,
        title=title,
        snippet=highlight(body, terms),
        rank=float(score or 0.0),
        url=url,
    )


def highlight(text: str, terms: list[str]) -> SafeString:
    """An escaped extract of the text around the first hit, each hit inside <mark>."""
    text = " ".join(text.split())
    if not terms:
        return mark_safe(escape(text[:SNIPPET_LENGTH]))  # noqa: S308 (escaped above)
    pattern = re.compile(
        "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - SNIPPET_BEFORE)
    end = min(len(text), start + SNIPPET_LENGTH)
    window = text[start:end]
    parts: list[str] = ["…"] if start > 0 else []
    position = 0
    for match in pattern.finditer(window):
        parts.append(escape(window[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(window[position:]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text is escaped)


# --- Similar past consultations -------------------------------------------------------------

CANDIDATES = 100
SAME_KIND_CANDIDATES = 50
MAX_GRAMS = 30


@dataclass
class Profile:
    """What two consultations are compared on."""

    recipients: set[str]
    items: set[str]
    contractor: str
    kinds: dict[int, str]
    grams: set[str]


@dataclass
class Similar:
    """A past consultation like the one in hand, why, and what the council made of it."""

    consultation: Consultation
    score: float
    reasons: list[str]
    decisions: list[Decision]
    follow_ups: list[FollowUp]


def trigrams(text: str) -> set[str]:
    """The character trigrams of a text, white space removed."""
    compact = "".join(normalise(text).split())
    return {compact[i : i + TRIGRAM] for i in range(len(compact) - TRIGRAM + 1)}


def _names(rows: Any) -> set[str]:
    if not isinstance(rows, list):
        return set()
    return {
        normalise(str(row.get("name", ""))).strip() for row in rows if isinstance(row, dict)
    } - {""}


def profile_of(consultation: Consultation, data: Any, kinds: dict[int, str]) -> Profile:
    """A consultation's profile from its record document (read without validation)."""
    data = data if isinstance(data, dict) else {}
    outsourcing = data.get("outsourcing") or {}
    contractor = (outsourcing.get("contractor") or {}).get("value") or ""
    return Profile(
        recipients=_names(data.get("recipients")),
        items=_names(data.get("items")),
        contractor=normalise(str(contractor)).strip(),
        kinds=kinds,
        grams=trigrams(f"{consultation.title} {consultation.summary}"),
    )


def similar_consultations(consultation: Consultation, user: Any, limit: int = 5) -> list[Similar]:
    """The consultations the user may see that are most like this one, best first.

    Compared on shared recipients, data items, kinds, contractor and the trigram overlap of
    titles and summaries. The record read for this consultation is the latest version the user
    may see (a member never gets a draft's contents); for the others, the latest submitted one.
    """
    from mamori.consultations.access import consultations_visible_to, versions_visible_to

    own_version = versions_visible_to(user, consultation).last()
    kinds = dict(consultation.kinds.values_list("pk", "name"))
    mine = profile_of(consultation, own_version.data if own_version else None, kinds)
    ids = _candidate_ids(mine, user, consultation)
    candidates = (
        consultations_visible_to(user)
        .filter(pk__in=ids)
        .exclude(pk=consultation.pk)
        .exclude(status=Consultation.Status.DRAFT)
        .prefetch_related("kinds", "decisions__meeting")
    )
    data = _latest_submitted_data(ids)
    scored: list[Similar] = []
    for other in candidates:
        theirs = profile_of(other, data.get(other.pk), {k.pk: k.name for k in other.kinds.all()})
        score, reasons = compare(mine, theirs)
        if score > 0:
            scored.append(Similar(other, score, reasons, list(other.decisions.all()), []))
    scored.sort(key=lambda s: (-s.score, -s.consultation.pk))
    best = scored[:limit]
    _attach_follow_ups(best, user)
    return best


def compare(mine: Profile, theirs: Profile) -> tuple[float, list[str]]:
    """A similarity score and the reasons for it, in the reader's language."""
    score, reasons = 0.0, []
    recipients = sorted(mine.recipients & theirs.recipients)
    if recipients:
        score += 3 * len(recipients)
        reasons.append(_("Same recipients: %(names)s") % {"names": "、".join(recipients)})
    items = sorted(mine.items & theirs.items)
    if items:
        score += min(len(items), 6) * 0.5
        reasons.append(_("Same data items: %(names)s") % {"names": "、".join(items)})
    kinds = sorted(theirs.kinds[k] for k in mine.kinds.keys() & theirs.kinds.keys())
    if kinds:
        score += 2 * len(kinds)
        reasons.append(_("Same kind: %(kinds)s") % {"kinds": "、".join(kinds)})
    if mine.contractor and mine.contractor == theirs.contractor:
        score += 4
        reasons.append(_("Same contractor: %(name)s") % {"name": mine.contractor})
    union = mine.grams | theirs.grams
    overlap = len(mine.grams & theirs.grams) / len(union) if union else 0.0
    if overlap >= 0.1:
        score += 10 * overlap
        reasons.append(_("Similar title or summary"))
    return score, reasons


def _candidate_ids(profile: Profile, user: Any, consultation: Consultation) -> set[int]:
    from mamori.consultations.access import consultations_visible_to

    names = [n for n in {*profile.recipients, *profile.items, profile.contractor} if len(n) >= 3]
    grams = sorted(profile.grams)[:MAX_GRAMS]
    ids = _matching_any(names, user, ("record",)) | _matching_any(grams, user, ("consultation",))
    if profile.kinds:
        same_kind = (
            consultations_visible_to(user)
            .filter(kinds__in=list(profile.kinds))
            .exclude(pk=consultation.pk)
            .order_by("-pk")
            .values_list("pk", flat=True)
        )
        ids |= set(same_kind[:SAME_KIND_CANDIDATES])
    ids.discard(consultation.pk)
    return ids


def _matching_any(terms: list[str], user: Any, kinds: tuple[str, ...]) -> set[int]:
    """Ids of consultations with a document of these kinds holding any of the terms."""
    if not terms:
        return set()
    visible, params = _visibility(user)
    kind_marks = ", ".join(["%s"] * len(kinds))
    if connection.vendor == "sqlite":
        # Titles have their own small index; the newest matches are the candidates.
        fts = TITLE_FTS_TABLE if kinds == ("consultation",) else FTS_TABLE
        match = " OR ".join(fts_phrase(t) for t in terms)
        sql = (
            f"SELECT d.consultation_id FROM {fts} JOIN {TABLE} d "
            f"ON d.id = {fts}.rowid WHERE {fts} MATCH %s "
            f"AND d.kind IN ({kind_marks}) AND {visible} "
            f"ORDER BY {fts}.rowid DESC LIMIT %s"
        )
        rows = _fetch(sql, [match, *kinds, *params, CANDIDATES])
    else:
        any_term = " OR ".join(_like("d.body") for _ in terms)
        sql = (
            f"SELECT d.consultation_id FROM {TABLE} d WHERE ({any_term}) "
            f"AND d.kind IN ({kind_marks}) AND {visible} "
            "ORDER BY similarity(d.body, %s) DESC, d.id DESC LIMIT %s"
        )
        likes = [like_pattern(t) for t in terms]
        rows = _fetch(sql, [*likes, *kinds, *params, " ".join(terms), CANDIDATES])
    return {row[0] for row in rows if row[0] is not None}


def _latest_submitted_data(ids: set[int]) -> dict[int, Any]:
    versions = (
        HandlingRecordVersion.objects.submitted()
        .filter(consultation_id__in=ids)
        .order_by("consultation_id", "-number")
        .values_list("consultation_id", "data")
    )
    latest: dict[int, Any] = {}
    for consultation_id, data in versions:
        latest.setdefault(consultation_id, data)
    return latest


def _attach_follow_ups(similar: list[Similar], user: Any) -> None:
    """Follow-ups as consultations/access shows them: the secretariat's and the owners'."""
    if not similar or not (user.is_secretariat or user.is_department_staff):
        return
    from mamori.consultations.access import follow_ups_visible_to

    by_consultation = {s.consultation.pk: s for s in similar}
    for follow_up in follow_ups_visible_to(user).filter(consultation_id__in=by_consultation):
        if follow_up.consultation_id is not None:
            by_consultation[follow_up.consultation_id].follow_ups.append(follow_up)
