"""Model fields whose values are encrypted at rest (see crypto.py).

The model attribute holds the plaintext; the column holds only ciphertext. Such a column
cannot be filtered or ordered on (a lookup would compare ciphertexts): look rows up by other
columns and compare in Python. The audit trail records that such a field changed, never its
values (audit.services.snapshot).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from mamori.ledger import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored encrypted; '' and None are stored as they are (they name nobody)."""

    encrypted = True

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self.to_python_plain(crypto.decrypt(value, context=self.context()))

    def to_python_plain(self, text: str) -> Any:
        return text

    def plain_to_text(self, value: Any) -> str:
        return str(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.encrypt(self.plain_to_text(value), context=self.context())

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull"}:
            raise FieldError(f"{self.name} is encrypted and cannot be searched with {lookup_name}")
        return super().get_lookup(lookup_name)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "mamori.ledger.fields.EncryptedTextField", args, kwargs


class EncryptedDateField(EncryptedTextField):
    """A date (e.g. a birth date) stored encrypted as ISO text."""

    def to_python_plain(self, text: str) -> dt.date:
        return dt.date.fromisoformat(text)

    def plain_to_text(self, value: Any) -> str:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        return dt.date.fromisoformat(str(value)).isoformat()

    def to_python(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value))

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return forms.DateField(required=not self.blank, label=self.verbose_name, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "mamori.ledger.fields.EncryptedDateField", args, kwargs
