"""Serving scans: one view for every kind of scan, each opening decided by ``registration.access`` and audited.

Scans live in a private storage without URLs; this view is the only way to them. Whoever the access
policy refuses gets 404 (not 403: the view does not confirm that a scan exists); an anonymous visitor
is sent to log in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from registration import access
from registration.accounts import audit
from registration.accounts.models import Account, Document
from registration.identity.models import RequestedScan
from registration.identity.scans import mime_type
from registration.profile.models import ProfileChangeRequest

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class ScanKind:
    """Where one kind of scan is found, whose it is, who may open it, and what the audit event records."""

    objects: Callable[[], QuerySet]
    owner_id: Callable[[Any], int]
    allowed: Callable[[Any, Any], bool]
    filename: str
    audit_data: Callable[[Any], dict]


KINDS: dict[str, ScanKind] = {
    "document": ScanKind(
        objects=lambda: Document.objects.select_related("applicant"),
        owner_id=lambda document: document.applicant.account_id,
        allowed=access.can_view_scan,
        filename="document",
        audit_data=lambda document: {"document": document.pk, "kind": document.kind},
    ),
    "requested": ScanKind(
        objects=lambda: RequestedScan.objects.select_related("request"),
        owner_id=lambda scan: scan.request.account_id,
        allowed=access.can_view_requested_scan,
        filename="requested",
        audit_data=lambda scan: {"requested_scan": scan.pk, "request": scan.request_id},
    ),
    "change": ScanKind(
        objects=lambda: ProfileChangeRequest.objects.all(),
        owner_id=lambda change: change.account_id,
        allowed=access.can_view_change_scan,
        filename="change",
        audit_data=lambda change: {"change": change.pk, "kind": change.kind},
    ),
}


@require_GET
@login_required
def scan(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """A scan of ``kind`` (a document of the application, a requested scan, a change's new scan)."""
    spec = KINDS[kind]
    record: Model = get_object_or_404(spec.objects(), pk=pk)
    if not spec.allowed(request.user, record):
        raise Http404
    file = record.scan  # type: ignore[attr-defined]
    if not file or not file.name:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    owner = Account(pk=spec.owner_id(record))
    audit.record("scan.viewed", account=owner, request=request, data=spec.audit_data(record))
    content_type = mime_type(record.scan_type)  # type: ignore[attr-defined]
    inline = content_type in INLINE_TYPES and not request.GET.get("download")
    extension = EXTENSIONS.get(content_type, "bin")
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not inline,
        filename=f"{spec.filename}-{record.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
