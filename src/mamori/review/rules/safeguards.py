"""Rules of the theme safeguards (being written: issue 4)."""

from __future__ import annotations
