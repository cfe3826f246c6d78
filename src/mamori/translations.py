"""Django's own strings that its Japanese catalogue lacks, so that makemessages keeps them here."""

from __future__ import annotations

from django.utils.translation import gettext_noop

# The empty choice of every select box (Django 6.1, django.db.models.fields.BLANK_CHOICE_LABEL).
DJANGO_STRINGS = [gettext_noop("- Select an option -")]
