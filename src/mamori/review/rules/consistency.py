"""Rules of the theme consistency (being written: issue 4)."""

from __future__ import annotations
