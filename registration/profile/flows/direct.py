"""The address, SNILS and INN: changed at once, audited with the names of the fields that changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from registration.accounts import audit
from registration.accounts.models import Account
from registration.profile.flows.common import (
    ADDRESS_FIELDS,
    IDENTIFIER_FIELDS,
    applicant_of,
    ensure_not_blocked,
    plain,
)


def _change_directly(
    account: Account, names: tuple[str, ...], values: Mapping[str, Any], action: str, request: HttpRequest | None
) -> list[str]:
    ensure_not_blocked(account)
    applicant = applicant_of(account)
    # Compared in Python on the account's own row: SNILS and INN are never looked up by value.
    changed = [name for name in names if name in values and plain(values[name]) != plain(getattr(applicant, name))]
    if not changed:
        return []
    with transaction.atomic():
        for name in changed:
            setattr(applicant, name, plain(values[name]))
        applicant.save()  # a full save, so that any value derived from these columns is refreshed too
        audit.record(action, account=account, actor=account, request=request, data={"fields": changed})
    return changed


def change_address(account: Account, values: Mapping[str, Any], *, request: HttpRequest | None = None) -> list[str]:
    """Replace the address in Russia; returns the names of the fields that changed."""
    return _change_directly(account, ADDRESS_FIELDS, values, "profile.address_changed", request)


def change_identifiers(account: Account, values: Mapping[str, Any], *, request: HttpRequest | None = None) -> list[str]:
    """Replace SNILS and INN (either may be emptied); returns the names of the fields that changed."""
    return _change_directly(account, IDENTIFIER_FIELDS, values, "profile.identifiers_changed", request)
