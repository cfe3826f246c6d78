"""Rules of the theme meeting (being written: issue 4)."""

from __future__ import annotations
