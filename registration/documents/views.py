"""The public check page: the QR code on a document opens it; it says only whether the document is valid."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from registration.core import metrics, ratelimit
from registration.documents.models import IssuedDocument

#: How long a browser may keep the answer (a revocation shows after at most this long).
CHECK_MAX_AGE = 60


@require_safe
@cache_control(max_age=CHECK_MAX_AGE, private=True)
@ratelimit.limit("document_check_ip", methods=("GET", "HEAD"))
def check(request: HttpRequest, token: str) -> HttpResponse:
    """ "Valid until …" or "not valid", in the visitor's language; never whose document it is."""
    document = (
        IssuedDocument.objects.filter(check_token=token)
        .only("kind", "valid_from", "valid_until", "revoked_at", "check_token")
        .first()
    )
    today = timezone.localdate()
    valid = document is not None and document.is_valid(today)
    metrics.document_checked(valid)
    response = render(
        request,
        "documents/check.html",
        {
            "valid": valid,
            "kind": document.kind if valid and document is not None else "",
            "valid_until": document.valid_until.strftime("%d.%m.%Y")
            if valid and document is not None and document.valid_until
            else "",
            "checked_on": today.strftime("%d.%m.%Y"),
        },
        status=404 if document is None else 200,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
