"""The `mamori` command: Django's manage.py under the project's name."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a management command with Mamori's settings preset."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
