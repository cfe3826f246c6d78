"""Who may do what in the accounts app.

Signing in and out is open to everyone and the admin site checks its own permissions, so
there are no rules here yet; shared role checks live in ``mamori.core.access``.
"""

from __future__ import annotations
