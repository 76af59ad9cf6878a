"""The consular officers' desk: issuing a code for a passport number, and the codes they issued."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from registration import access
from registration.accounts.signed_in import signed_in
from registration.identity import consulate
from registration.identity.base import IdentityError
from registration.identity.models import IdentityCode
from registration.workspace.base import ReadOnly, SecretLookupsRefused
from registration.workspace.forms import IssueConsulateCodeForm
from registration.workspace.listing import IndexedList


@admin.register(IdentityCode)
class IdentityCodeAdmin(IndexedList, ReadOnly, SecretLookupsRefused, admin.ModelAdmin):
    """Codes as their issuers see them: masked subject, validity and use; never the code itself."""

    list_display = (
        "subject_hint",
        "purpose",
        "created_at",
        "expires_at",
        "used_at",
        "revoked_at",
        "attempts",
        "issued_by",
    )
    list_filter = ("purpose",)
    list_per_page = 50
    list_select_related = ("issued_by",)
    ordering = ("-created_at", "-pk")
    fields = (
        "purpose",
        "subject_hint",
        "created_at",
        "expires_at",
        "attempts",
        "max_attempts",
        "used_at",
        "revoked_at",
        "issued_by",
        "account",
    )
    readonly_fields = fields

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Officers see their codes, not which account used them.
        return self.fields if access.is_superuser(request.user) else tuple(f for f in self.fields if f != "account")

    change_list_template = "admin/identity/identitycode/change_list.html"
    actions = None

    def _is_officer(self, request: HttpRequest) -> bool:
        return access.may(request.user, "issue_consulate_code")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_superuser(request.user) or self._is_officer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_superuser(request.user) or self._is_officer(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdentityCode]:
        queryset = super().get_queryset(request)
        if access.is_superuser(request.user):
            return queryset
        return queryset.filter(purpose="consulate", issued_by=request.user)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}), "can_issue": self._is_officer(request)})

    def get_urls(self) -> list:
        return [
            path(
                "issue-consulate/",
                self.admin_site.admin_view(sensitive_post_parameters("passport_number")(self.issue_view)),
                name="identity_identitycode_issue_consulate",
            ),
            *super().get_urls(),
        ]

    def issue_view(self, request: HttpRequest) -> HttpResponse:
        """Issue a code for a passport number; the code is shown once, on this response only."""
        if not self._is_officer(request):
            raise PermissionDenied
        form = IssueConsulateCodeForm(request.POST or None)
        context: dict[str, Any] = {**self.admin_site.each_context(request), "opts": self.opts, "form": form}
        context["title"] = _("Issue a consulate code")
        if request.method == "POST" and form.is_valid():
            try:
                record, code = consulate.issue_code(
                    form.cleaned_data["passport_number"], by=signed_in(request), request=request
                )
            except IdentityError as error:
                form.add_error("passport_number", error.message)
            else:
                context.update(record=record, code=code, form=IssueConsulateCodeForm())
        response = TemplateResponse(request, "admin/identity/identitycode/issue.html", context)
        add_never_cache_headers(response)
        response["Cache-Control"] = "private, no-store"
        return response
