"""Serving scans: only to their owner and to clerks with the permission, each view recorded in the audit log.

Scans live in a private storage without URLs; these views are the only way to them. Anyone else gets
404 (not 403: the view does not confirm that a document exists), an anonymous visitor is sent to log in.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from registration.accounts import audit
from registration.accounts.models import Account, Document
from registration.identity.models import RequestedScan
from registration.identity.scans import mime_type
from registration.profile.models import ProfileChangeRequest

SCAN_PERMISSION = "identity.view_scan"
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def may_view_scans_of(user: Account, owner_id: int | None) -> bool:
    """The owner, or a staff member granted the scan permission."""
    if user.pk is not None and user.pk == owner_id:
        return True
    return bool(user.is_staff and user.is_active and user.has_perm(SCAN_PERMISSION))


def _serve(
    request: HttpRequest, file: FieldFile, kind: str, *, filename: str, account_id: int, data: dict
) -> FileResponse:
    if not file or not file.name:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    audit.record("scan.viewed", account=Account(pk=account_id), request=request, data=data)
    content_type = mime_type(kind)
    inline = content_type in INLINE_TYPES and not request.GET.get("download")
    extension = EXTENSIONS.get(content_type, "bin")
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=f"{filename}.{extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@login_required
def document_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The scan of a document from the application."""
    document = get_object_or_404(Document.objects.select_related("applicant"), pk=pk)
    owner_id = document.applicant.account_id
    if not may_view_scans_of(request.user, owner_id):
        raise Http404
    return _serve(
        request,
        document.scan,
        document.scan_type,
        filename=f"document-{document.pk}",
        account_id=owner_id,
        data={"document": document.pk, "kind": document.kind},
    )


@require_GET
@login_required
def requested_scan(request: HttpRequest, pk: int) -> FileResponse:
    """A scan uploaded in answer to a clerk's request for further documents."""
    scan = get_object_or_404(RequestedScan.objects.select_related("request"), pk=pk)
    owner_id = scan.request.account_id
    if not may_view_scans_of(request.user, owner_id):
        raise Http404
    return _serve(
        request,
        scan.scan,
        scan.scan_type,
        filename=f"requested-{scan.pk}",
        account_id=owner_id,
        data={"requested_scan": scan.pk, "request": scan.request_id},
    )


@require_GET
@login_required
def change_scan(request: HttpRequest, pk: int) -> FileResponse:
    """The new scan sent with a change of identity data."""
    change = get_object_or_404(ProfileChangeRequest, pk=pk)
    if not may_view_scans_of(request.user, change.account_id):
        raise Http404
    return _serve(
        request,
        change.scan,
        change.scan_type,
        filename=f"change-{change.pk}",
        account_id=change.account_id,
        data={"change": change.pk, "kind": change.kind},
    )
