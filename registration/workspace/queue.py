"""The service-centre clerks' queue of applications: the list, its search and its columns.

The application's page and the actions on it are in ``application.py``, changes of identity data in
``changes.py``, the list filters in ``filters.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from registration import access
from registration.accounts.identifiers import normalise_email, normalise_phone
from registration.accounts.models import Document, DocumentRole
from registration.core.masking import mask, mask_email, mask_passport, mask_snils
from registration.identity import registry
from registration.identity.models import PendingApplication
from registration.workspace.application import ApplicationPageMixin
from registration.workspace.base import ReadOnly, SecretLookupsRefused
from registration.workspace.changes import ChangeRequestFilter, ChangeReviewMixin, waiting_change
from registration.workspace.filters import CentreFilter, MethodFilter, StatusFilter, WaitingFilter, shown_confirmation
from registration.workspace.mrz_filter import ZoneFilter
from registration.workspace.registry_filter import RegistryFilter
from registration.workspace.search import PostedSearch

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class Shown(TypedDict):
        """What ``get_queryset`` annotates each application with."""

        shown_method: str | None
        shown_centre_name: str | None
        passport_last_digits: str | None
        has_waiting_change: bool


_APPLICATION_NUMBER = re.compile(r"\d{10}")
_LAST_DIGITS = re.compile(r"\d{4}")
_PHONE = re.compile(r"\+?[\d\s()-]{7,20}")


@admin.register(PendingApplication)
class PendingApplicationAdmin(
    PostedSearch, ReadOnly, SecretLookupsRefused, ApplicationPageMixin, ChangeReviewMixin, admin.ModelAdmin
):
    """The service-centre clerks' queue: oldest first, personal data masked, constant queries per page."""

    list_display = (
        "application_number",
        "name",
        "masked_email",
        "masked_phone",
        "masked_passport",
        "masked_snils",
        "account_status",
        "method_label",
        "centre_label",
        "change_waiting",
        "submitted_at",
    )
    list_display_links = ("application_number", "name")
    list_filter = (StatusFilter, ChangeRequestFilter, MethodFilter, CentreFilter, WaitingFilter, RegistryFilter)
    list_filter += (ZoneFilter,)  # type: ignore[assignment]  # the scan's zone against the typed data
    search_fields = ("application_number",)  # shows the search box; the real search is get_search_results
    search_help_text = _(
        "Application number, e-mail, phone, name, or the last 4 digits of the passport (optionally with a name)."
    )
    ordering = ("submitted_at", "pk")
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = None

    # --- permissions: a queue to read; nobody adds, edits or deletes applications here ---------------

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return access.may(user, "view_queue") if obj is None else access.can_view_application(user, obj)

    # --- the list ----------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        identity_last_digits = (
            Document.objects.filter(applicant=OuterRef("pk"), role=DocumentRole.IDENTITY)
            .order_by("-created_at")
            .values("number_last_digits")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .select_related("account")
            .annotate(
                shown_method=Subquery(shown_confirmation().values("method")[:1]),
                shown_centre=Subquery(shown_confirmation().values("centre_id")[:1]),
                shown_centre_name=Subquery(shown_confirmation().values("centre__name")[:1]),
                passport_last_digits=Subquery(identity_last_digits),
                has_waiting_change=waiting_change(),
            )
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """Search by what the person can tell the clerk; whole passport or SNILS numbers find nothing."""
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        compact = term.replace(" ", "").replace("-", "")
        if _APPLICATION_NUMBER.fullmatch(compact):
            # Ten digits are an application number (read out in groups); never a passport lookup.
            return queryset.filter(application_number=compact), False
        if "@" in term:
            return queryset.filter(account__email=normalise_email(term)), False
        if term.startswith("+") and _PHONE.fullmatch(term):
            return queryset.filter(account__phone=normalise_phone(term)), False
        words = term.split()
        last_digits = [w for w in words if _LAST_DIGITS.fullmatch(w)]
        names = [w for w in words if w.isalpha() or "-" in w or "'" in w]
        if len(last_digits) + len(names) != len(words) or len(last_digits) > 1:
            # A whole passport, SNILS or INN number, or something else we do not search by.
            messages.warning(
                request, _("Search by the last 4 digits of the passport, never by the whole number or by SNILS.")
            )
            return queryset.none(), False
        if last_digits:
            queryset = queryset.filter(
                documents__role=DocumentRole.IDENTITY, documents__number_last_digits=last_digits[0]
            )
        for word in names:
            queryset = queryset.filter(
                Q(surname__icontains=word)
                | Q(given_names__icontains=word)
                | Q(surname_cyrillic__icontains=word)
                | Q(given_names_cyrillic__icontains=word)
            )
        return queryset, bool(last_digits)

    @admin.display(description=_("name"), ordering="surname")
    def name(self, obj: PendingApplication) -> str:
        return f"{obj.surname} {obj.given_names}"

    @admin.display(description=_("e-mail"))
    def masked_email(self, obj: PendingApplication) -> str:
        return mask_email(obj.account.email)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: PendingApplication) -> str:
        return mask(obj.account.phone)

    @admin.display(description=_("passport"))
    def masked_passport(self, obj: WithAnnotations[PendingApplication, Shown]) -> str:
        return mask_passport(obj.passport_last_digits)

    @admin.display(description=_("SNILS"))
    def masked_snils(self, obj: PendingApplication) -> str:
        return mask_snils(obj.snils)

    @admin.display(description=_("status"), ordering="account__status")
    def account_status(self, obj: PendingApplication) -> str:
        return obj.account.get_status_display()

    @admin.display(description=_("method"))
    def method_label(self, obj: WithAnnotations[PendingApplication, Shown]) -> str:
        return registry.label(obj.shown_method) if obj.shown_method else "—"

    @admin.display(description=_("centre"))
    def centre_label(self, obj: WithAnnotations[PendingApplication, Shown]) -> str:
        return obj.shown_centre_name or "—"

    @admin.display(description=_("change to review"), boolean=True)
    def change_waiting(self, obj: WithAnnotations[PendingApplication, Shown]) -> bool:
        return bool(obj.has_waiting_change)

    # --- the application's page and its actions ----------------------------------------------------

    def get_urls(self) -> list:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"

        def action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return self.admin_site.admin_view(require_POST(view))

        return [
            path("lookup/<str:number>/", self.admin_site.admin_view(self.lookup_view), name=f"{prefix}_lookup"),
            path("<int:object_id>/confirm/", action(self.confirm_view), name=f"{prefix}_confirm"),
            path("<int:object_id>/confirm-scans/", action(self.confirm_scans_view), name=f"{prefix}_confirm_scans"),
            path("<int:object_id>/reject/", action(self.reject_view), name=f"{prefix}_reject"),
            path(
                "<int:object_id>/request-documents/",
                action(self.request_documents_view),
                name=f"{prefix}_request_documents",
            ),
            path("<int:object_id>/block/", action(self.block_view), name=f"{prefix}_block"),
            path("<int:object_id>/unblock/", action(self.unblock_view), name=f"{prefix}_unblock"),
            path("<int:object_id>/issue-code/", action(self.issue_code_view), name=f"{prefix}_issue_code"),
            *self.change_urls(prefix, action),
            *super().get_urls(),
        ]
