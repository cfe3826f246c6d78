"""Rules of the theme legal (being written: issue 4)."""

from __future__ import annotations
