"""The post operators' desk: the queue of letters, printing them (the codes are made then) and sending."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from registration import access
from registration.accounts.signed_in import signed_in
from registration.identity import post_letter
from registration.identity.models import PostLetter
from registration.workspace.base import ReadOnly, SecretLookupsRefused
from registration.workspace.listing import IndexedList

MAX_BATCH = 100


@admin.register(PostLetter)
class PostLetterAdmin(IndexedList, ReadOnly, SecretLookupsRefused, admin.ModelAdmin):
    list_display = ("pk", "requested_at", "state", "recipient", "application_number", "postcode", "address", "sent_at")
    list_filter = ("state",)
    list_select_related = ("account", "account__applicant")
    ordering = ("requested_at", "pk")
    actions = ["print_selected", "mark_selected_sent"]
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    change_list_template = "admin/identity/postletter/change_list.html"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return access.may(user, "view_letters") if obj is None else access.can_view_letter(user, obj)

    def has_print_permission(self, request: HttpRequest) -> bool:
        return access.may(request.user, "print_letters")

    @admin.display(description=_("recipient"))
    def recipient(self, obj: PostLetter) -> str:
        applicant = getattr(obj.account, "applicant", None)
        return applicant.full_name_latin if applicant else ""

    @admin.display(description=_("application number"))
    def application_number(self, obj: PostLetter) -> str:
        applicant = getattr(obj.account, "applicant", None)
        return applicant.application_number if applicant else ""

    def _printed_page(self, request: HttpRequest, letters: list[PostLetter]) -> HttpResponse:
        printed = post_letter.print_letters(letters, by=signed_in(request), request=request)
        if not printed:
            messages.warning(request, _("No letter was waiting to be printed among those chosen."))
            return redirect("admin:identity_postletter_changelist")
        response = TemplateResponse(
            request,
            "admin/identity/postletter/print.html",
            {"letters": printed, "title": _("Letters to print")},
        )
        # The codes exist in clear only in this page: no cache may keep a copy.
        add_never_cache_headers(response)
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=_("Print the selected letters (new codes are made)"), permissions=["print"])
    def print_selected(self, request: HttpRequest, queryset: QuerySet[PostLetter]) -> HttpResponse:
        return self._printed_page(request, list(queryset.order_by("requested_at")[:MAX_BATCH]))

    @admin.action(description=_("Mark the selected letters as sent"), permissions=["print"])
    def mark_selected_sent(self, request: HttpRequest, queryset: QuerySet[PostLetter]) -> None:
        chosen = list(queryset)
        done = post_letter.mark_sent(chosen, by=signed_in(request), request=request)
        if done:
            messages.success(request, _("Letters marked as sent: %(count)s.") % {"count": done})
        if done < len(chosen):
            # Waiting, already sent or cancelled: the page was stale, nothing happened to those.
            messages.error(
                request,
                _("Letters not marked as sent because they are not printed: %(count)s.")
                % {"count": len(chosen) - done},
            )

    def get_urls(self) -> list:
        return [
            path(
                "print-waiting/",
                self.admin_site.admin_view(require_POST(self.print_waiting_view)),
                name="identity_postletter_print_waiting",
            ),
            *super().get_urls(),
        ]

    def print_waiting_view(self, request: HttpRequest) -> HttpResponse:
        """Print every letter waiting to be printed (the oldest first, up to a batch)."""
        if not self.has_print_permission(request):
            raise PermissionDenied
        waiting = list(PostLetter.objects.filter(state="pending").order_by("requested_at", "pk")[:MAX_BATCH])
        return self._printed_page(request, waiting)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra = {
            "can_print": self.has_print_permission(request),
            # Counted up to a batch (what the button prints): an index read that stops there.
            "waiting": len(PostLetter.objects.filter(state="pending").values("pk")[:MAX_BATCH]),
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})
