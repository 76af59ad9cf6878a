"""Issued documents in the workspace: a read-only list (never what a document says), and revoking one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registration import access
from registration.accounts.signed_in import signed_in
from registration.documents import issuing
from registration.documents.models import IssuedDocument
from registration.workspace.base import ReadOnly, SecretLookupsRefused
from registration.workspace.listing import IndexedList
from registration.workspace.search import PostedSearch


class RevokeDocumentForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the document is revoked.")},
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the document is revoked."), code="required")
        return reason


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(PostedSearch, IndexedList, ReadOnly, SecretLookupsRefused, admin.ModelAdmin):
    """Number, kind and validity; whose document and what it says stay in the person's PDF."""

    list_display = ("number", "kind", "valid_from", "valid_until", "state", "issued_at")
    list_filter = ("kind",)
    search_fields = ("=number",)
    ordering = ("-issued_at", "-pk")
    list_per_page = 50
    fields = ("number", "kind", "language", "valid_from", "valid_until", "state", "revoked_at", "issued_at")
    readonly_fields = fields
    actions = None
    change_form_template = "admin/documents/issueddocument/change_form.html"

    @admin.display(description=_("state"))
    def state(self, obj: IssuedDocument) -> str:
        today = timezone.localdate()
        if obj.revoked_at is not None:
            return gettext("Revoked")
        if obj.is_valid(today):
            return gettext("Valid")
        return gettext("Not yet in force") if today < obj.valid_from else gettext("Expired")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.can_view_issued_documents(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.can_view_issued_documents(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[IssuedDocument]:
        return super().get_queryset(request).defer("content")

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        document = self.get_object(request, object_id)
        can_revoke = document is not None and access.can_revoke_document(request.user, document)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "can_revoke": can_revoke})

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="documents_issueddocument_revoke",
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Revoke with a reason; the role and the document's state are checked again on POST."""
        document = IssuedDocument.objects.defer("content").filter(pk=pk).first()
        if document is None or not access.can_view_issued_documents(request.user):
            raise Http404
        change_url = reverse("admin:documents_issueddocument_change", args=[document.pk])
        if not access.can_revoke_document(request.user, document):
            if document.revoked_at is not None:
                messages.warning(request, gettext("This document is already revoked."))
                return HttpResponseRedirect(change_url)
            raise Http404
        form = RevokeDocumentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                issuing.revoke(document, by=signed_in(request), reason=form.cleaned_data["reason"], request=request)
            except issuing.AlreadyRevoked:
                messages.warning(request, gettext("This document is already revoked."))
            else:
                messages.success(request, gettext("Document %(number)s is revoked.") % {"number": document.number})
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "document": document,
            "title": gettext("Revoke document %(number)s") % {"number": document.number},
        }
        response = TemplateResponse(request, "admin/documents/issueddocument/revoke.html", context)
        response["Cache-Control"] = "private, no-store"
        return response
