"""Rules of the theme outsourcing (being written: issue 4)."""

from __future__ import annotations
