"""Issuing a document: the one way a service hands a person its result."""

from __future__ import annotations

import datetime
import json
import secrets
from typing import Any

from django.db import transaction

from registration.accounts.models import Account
from registration.documents.models import DocumentKind, IssuedDocument

#: The number's prefix per kind (the number reads ``<prefix>-<year>-<sequence>``).
PREFIXES = {DocumentKind.STAY_NOTICE: "RS", DocumentKind.RESIDENCE_PERMIT: "RP"}


@transaction.atomic
def issue(
    account: Account,
    kind: DocumentKind | str,
    *,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    content: dict[str, Any],
    language: str,
) -> IssuedDocument:
    """Create the document; ``content`` is what its PDF says (JSON-serialisable)."""
    kind = DocumentKind(kind)
    document = IssuedDocument.objects.create(
        account=account,
        kind=kind,
        number=f"pending-{secrets.token_hex(8)}",
        valid_from=valid_from,
        valid_until=valid_until,
        check_token=secrets.token_urlsafe(24),
        language=language,
        content=json.dumps(content, ensure_ascii=False, sort_keys=True),
    )
    document.number = f"{PREFIXES[kind]}-{document.issued_at:%Y}-{document.pk:07d}"
    document.save(update_fields=["number"])
    return document


def content_of(document: IssuedDocument) -> dict[str, Any]:
    """What the document says, as given to :func:`issue`."""
    value: dict[str, Any] = json.loads(document.content)
    return value
