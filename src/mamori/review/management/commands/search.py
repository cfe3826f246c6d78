"""`mamori search QUERY [--as USERNAME] [--json] [--reindex]`: precedent search from the shell."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mamori.accounts.models import Role, User
from mamori.review.search import search
from mamori.review.search_index import rebuild_index


class Command(BaseCommand):
    help = "Print the ranked search results a secretariat user would see (or rebuild the index)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="?", default="", help="words to search for")
        parser.add_argument("--as", dest="username", help="search as this user")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--reindex", action="store_true", help="rebuild the whole index")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reindex"]:
            total = rebuild_index(progress=lambda n: self.stderr.write(f"{n}…"))
            self.stderr.write(_("Index rebuilt: %(count)s documents.") % {"count": total})
        if not options["query"]:
            if options["reindex"]:
                return
            raise CommandError(_("Give the words to search for."))
        hits = search(self._user(options["username"]), options["query"], limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps([h.as_json() for h in hits], ensure_ascii=False, indent=2))
            return
        for number, hit in enumerate(hits, 1):
            snippet = str(hit.snippet).replace("<mark>", "[").replace("</mark>", "]")
            self.stdout.write(f"{number:>3}  {hit.kind_label}  {hit.context}  {hit.title}")
            self.stdout.write(f"     {snippet}")
            self.stdout.write(f"     {hit.url}")
        if not hits:
            self.stdout.write(_("Nothing found."))

    def _user(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(_("No user %(name)s.") % {"name": username})
            return user
        user = User.objects.filter(role=Role.SECRETARIAT, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(_("There is no secretariat user; name one with --as."))
        return user
