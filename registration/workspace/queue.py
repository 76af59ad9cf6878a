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
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from registration import access
from registration.accounts.identifiers import normalise_email, normalise_phone
from registration.accounts.models import Account, AccountStatus, Document, DocumentRole
from registration.core.crypto import lookup_hashes
from registration.core.masking import mask_passport
from registration.identity import registry
from registration.identity.models import PendingApplication
from registration.workspace.application import ApplicationPageMixin
from registration.workspace.base import ReadOnly, SecretLookupsRefused
from registration.workspace.changes import ChangeRequestFilter, ChangeReviewMixin, waiting_change
from registration.workspace.filters import CentreFilter, MethodFilter, StatusFilter, WaitingFilter
from registration.workspace.listing import IndexedList
from registration.workspace.mrz_filter import ZoneFilter
from registration.workspace.registry_filter import RegistryFilter
from registration.workspace.search import PostedSearch

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class Shown(TypedDict):
        """What ``get_queryset`` annotates each application with."""

        passport_last_digits: str | None
        has_waiting_change: bool


_APPLICATION_NUMBER = re.compile(r"\d{10}")
_LAST_DIGITS = re.compile(r"\d{4}")
#: What the QR code of a receipt holds (the link to the application in the workspace), read by a scanner.
_RECEIPT_LINK = re.compile(r"/lookup/(\d{10})/?(?:[?#].*)?$")
#: Separators people type inside numbers: "FA 123-45-67", "+7 (916) 123-45-67", "112-233-445 95", "№".
_SEPARATORS = re.compile(r"[\s()\-./№#]+")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
MIN_NAME_LETTERS = 3


def receipt_number(term: str) -> str | None:
    """The application number in a receipt's QR link (as a scanner types it into the search box)."""
    found = _RECEIPT_LINK.search(term)
    return found.group(1) if found else None


def phone_forms(term: str, digits: str) -> list[str]:
    """The stored forms a phone typed in any common way may have (+7…, 8…, 7…, ten digits, spaces, dashes)."""
    forms = set()
    normal = normalise_phone(term)
    if normal.startswith("+") and normal[1:].isdigit():
        forms.add(normal)
    if digits.isdigit() and 7 <= len(digits) <= 15:
        forms.add(f"+{digits}")
        if len(digits) == 10:
            forms.add(f"+7{digits}")  # a Russian mobile without its country code
    return sorted(forms)


@admin.register(PendingApplication)
class PendingApplicationAdmin(
    PostedSearch,
    IndexedList,
    ReadOnly,
    SecretLookupsRefused,
    ApplicationPageMixin,
    ChangeReviewMixin,
    admin.ModelAdmin,
):
    """The service-centre clerks' queue: oldest first, personal data masked, constant cost per page."""

    list_display = (
        "application_number",
        "name",
        "account_status",
        "method_label",
        "centre_label",
        "submitted_at",
        "masked_passport",
    )
    list_display_links = ("application_number", "name")
    list_filter = (
        StatusFilter,
        CentreFilter,
        MethodFilter,
        ChangeRequestFilter,
        WaitingFilter,
        RegistryFilter,
        ZoneFilter,
    )
    search_fields = ("application_number",)  # shows the search box; the real search is get_search_results
    search_help_text = _(
        "Application number (or the receipt's QR code), e-mail, phone, the whole passport or SNILS number, "
        "a name, or the last 4 digits of the passport. A search looks at every status and centre."
    )
    ordering = ("submitted_at", "pk")
    sortable_by = ("name", "submitted_at")
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER
    actions = None

    # --- permissions: a queue to read; nobody adds, edits or deletes applications here ---------------

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return access.may(user, "view_queue") if obj is None else access.can_view_application(user, obj)

    # --- the list ----------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Evaluated for the rows of the page only: the filters read the applicant's own columns.
        identity_last_digits = (
            Document.objects.filter(applicant=OuterRef("pk"), role=DocumentRole.IDENTITY)
            .order_by("-created_at")
            .values("number_last_digits")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .select_related("account", "queue_centre")
            .annotate(passport_last_digits=Subquery(identity_last_digits), has_waiting_change=waiting_change())
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """Search by what the person hands the clerk; whole numbers match exactly, through their keyed hashes."""
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        number = receipt_number(term)
        if number:
            return queryset.filter(application_number=number), False
        if "@" in term:
            return queryset.filter(account__email=normalise_email(term)), False
        words = term.split()
        last_digits = [w for w in words if _LAST_DIGITS.fullmatch(w)]
        names = [w for w in words if _NAME_WORD.fullmatch(w)]
        by_name = len(last_digits) + len(names) == len(words) and len(last_digits) <= 1
        compact = _SEPARATORS.sub("", term.lstrip("+")).upper()
        whole = compact.isalnum() and compact.isascii() and any(c.isdigit() for c in compact) and len(compact) > 4
        if whole and not (by_name and any(len(name) >= MIN_NAME_LETTERS for name in names)):
            return queryset.filter(self._whole_number(term, compact)), False
        if not by_name:
            messages.warning(
                request,
                _(
                    "Search by a whole number (application, passport, SNILS, phone), an e-mail, a name, "
                    "or the last 4 digits of the passport (optionally with a name)."
                ),
            )
            return queryset.none(), False
        if any(len(word) < MIN_NAME_LETTERS for word in names):
            messages.warning(request, _("Type at least 3 letters of each name."))
            return queryset.none(), False
        if last_digits:
            holders = Document.objects.filter(role=DocumentRole.IDENTITY, number_last_digits=last_digits[0])
            queryset = queryset.filter(pk__in=holders.values("applicant_id"))
        for word in names:
            queryset = queryset.filter(
                Q(surname__icontains=word)
                | Q(given_names__icontains=word)
                | Q(surname_cyrillic__icontains=word)
                | Q(given_names_cyrillic__icontains=word)
            )
        return queryset, False

    @staticmethod
    def _whole_number(term: str, compact: str) -> Q:
        """A whole number, exactly: the application number, a phone, the SNILS or the passport (keyed hashes).

        The passport is the series and number together (``FA1234567``); a part of a number finds nothing.
        """
        found = Q(pk__in=[])
        if _APPLICATION_NUMBER.fullmatch(compact):
            found |= Q(application_number=compact)
        if compact.isdigit():
            phones = phone_forms(term, compact)
            accounts = list(Account.objects.filter(phone__in=phones).values_list("pk", flat=True)) if phones else []
            if accounts:
                found |= Q(account_id__in=accounts)
            if len(compact) == 11:
                found |= Q(snils_hash__in=lookup_hashes("snils", compact))
        holders = list(
            Document.objects.filter(
                role=DocumentRole.IDENTITY, number_hash__in=lookup_hashes("document", compact)
            ).values_list("applicant_id", flat=True)
        )
        if holders:
            found |= Q(pk__in=holders)
        return found

    @admin.display(description=_("full name"), ordering="surname")
    def name(self, obj: PendingApplication) -> str:
        return f"{obj.surname} {obj.given_names}"

    @admin.display(description=_("passport"))
    def masked_passport(self, obj: WithAnnotations[PendingApplication, Shown]) -> str:
        return mask_passport(obj.passport_last_digits)

    @admin.display(description=_("status"))
    def account_status(self, obj: WithAnnotations[PendingApplication, Shown]) -> str:
        status = AccountStatus(obj.queue_status).label if obj.queue_status in AccountStatus.values else "—"
        if obj.has_waiting_change:
            return format_html('{}<br><span class="queue-note">{}</span>', status, _("change to review"))
        return str(status)

    @admin.display(description=_("method"))
    def method_label(self, obj: PendingApplication) -> str:
        return registry.label(obj.queue_method) if obj.queue_method else "—"

    @admin.display(description=_("centre"))
    def centre_label(self, obj: PendingApplication) -> str:
        return obj.queue_centre.name if obj.queue_centre else "—"

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
