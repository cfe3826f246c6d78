"""Files of the register and what consents refer to: recipients, item groups, purposes."""

from __future__ import annotations

from typing import Any

from mamori.accounts.models import Department
from mamori.ledger.models import ItemGroup, PersonalInformationFile, ProvisionPurpose, Recipient


class SetupItemInUse(Exception):
    """A recipient, item group or purpose that consents or provisions refer to."""


def create_file(*, actor: Any, department: Department, **fields: Any) -> PersonalInformationFile:
    """fields: the model's fields (name, purpose, items, …) plus `contracts` (a list)."""
    raise NotImplementedError


def update_file(*, actor: Any, file: PersonalInformationFile, **fields: Any) -> None:
    raise NotImplementedError


def add_recipient(
    *, actor: Any, file: PersonalInformationFile, name: str, legal_basis: str = ""
) -> Recipient:
    raise NotImplementedError


def add_item_group(
    *,
    actor: Any,
    file: PersonalInformationFile,
    name: str,
    items: str = "",
    special_care: bool = False,
) -> ItemGroup:
    raise NotImplementedError


def add_purpose(*, actor: Any, file: PersonalInformationFile, name: str) -> ProvisionPurpose:
    raise NotImplementedError


def delete_setup_item(*, actor: Any, item: Recipient | ItemGroup | ProvisionPurpose) -> None:
    """Refuse with SetupItemInUse when a consent or provision refers to it."""
    raise NotImplementedError
