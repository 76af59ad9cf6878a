"""The person's issued documents: the list and each one's PDF (theirs only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from registration import access
from registration.documents import issuing
from registration.documents.models import IssuedDocument
from registration.documents.pdf import render_pdf


@never_cache
@login_required
@require_safe
def document_list(request: HttpRequest) -> HttpResponse:
    """The documents the services issued to the person, newest first, with whether each is valid."""
    today = timezone.localdate()
    documents = [
        (document, document.is_valid(today))
        for document in issuing.documents_of(request.user)  # type: ignore[arg-type]
    ]
    return render(request, "cabinet/documents.html", {"documents": documents, "today": today})


@never_cache
@login_required
@require_safe
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The document's PDF, as a download; anyone but its owner gets 404."""
    document = get_object_or_404(IssuedDocument, pk=pk)
    if not access.can_download_document(request.user, document):
        raise Http404
    pdf = render_pdf(document, check_url=issuing.check_url(document, request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
