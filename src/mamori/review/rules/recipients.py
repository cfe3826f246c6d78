"""Rules of the theme recipients (being written: issue 4)."""

from __future__ import annotations
