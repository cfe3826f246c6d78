"""Print the JSON Schema of the HandlingRecord: `mamori handling_schema [--language en]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from mamori.consultations import handling


def translate_titles(node: Any) -> Any:
    """The schema with every title in the active language."""
    if isinstance(node, dict):
        return {
            key: translation.gettext(value)
            if key == "title" and isinstance(value, str)
            else translate_titles(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [translate_titles(item) for item in node]
    return node


class Command(BaseCommand):
    help = "Print the JSON Schema of the HandlingRecord (titles in Japanese by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            default="ja",
            choices=["ja", "en"],
            help="language of the titles: ja (default) or en (the msgids)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        schema = handling.json_schema()
        if options["language"] == "ja":
            with translation.override("ja"):
                schema = translate_titles(schema)
        self.stdout.write(json.dumps(schema, ensure_ascii=False, indent=2))
