"""Issuing a document: the one way a service hands a person its result."""

from __future__ import annotations

import datetime
import json
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account
from registration.core import metrics
from registration.core.conf import app_settings
from registration.documents.models import DocumentKind, IssuedDocument

audit.register_actions({"document.revoked": _("Issued document revoked")})

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
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Documents are issued in the site's languages, not {language!r}.")
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
    transaction.on_commit(lambda: metrics.document_issued(kind))
    return document


def content_of(document: IssuedDocument) -> dict[str, Any]:
    """What the document says, as given to :func:`issue`."""
    value: dict[str, Any] = json.loads(document.content)
    return value


class AlreadyRevoked(Exception):
    """The document was revoked before: revoking it again changes nothing."""


def revoke(document: IssuedDocument, *, by: Account, reason: str, request: HttpRequest | None = None) -> IssuedDocument:
    """Revoke the document from now on, recording who did it and why in the audit log."""
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required to revoke a document.")
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.revoked_at is not None:
            raise AlreadyRevoked(locked.number)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(
            "document.revoked",
            account=locked.account,
            actor=by,
            reason=reason,
            request=request,
            data={"document": locked.pk, "kind": locked.kind},
        )
    document.revoked_at = locked.revoked_at
    return locked


def check_path(document: IssuedDocument) -> str:
    """The public check page of the document (the QR code's target), as a path."""
    return reverse("registration:document_check", args=[document.check_token])


def check_url(document: IssuedDocument, request: HttpRequest | None = None) -> str:
    """The check page's absolute address: from the request when there is one, else ``PUBLIC_URL``."""
    path = check_path(document)
    if request is not None:
        return request.build_absolute_uri(path)
    return app_settings.PUBLIC_URL.rstrip("/") + path


def documents_of(account: Account) -> QuerySet[IssuedDocument]:
    """The person's documents, newest first."""
    return IssuedDocument.objects.filter(account=account).order_by("-issued_at", "-pk")
