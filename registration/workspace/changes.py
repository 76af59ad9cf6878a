"""Changes of identity data in the application queue: a filter, the comparison on the application's page,
and the clerk's accept and reject actions (``registration.profile.flows`` does the work)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from registration import access
from registration.identity.scans import mime_type
from registration.profile import flows
from registration.profile.models import ChangeState, ProfileChangeRequest
from registration.workspace.forms import AcceptChangeForm, ReasonForm


def waiting_change() -> Exists:
    return Exists(ProfileChangeRequest.objects.filter(account=OuterRef("account_id"), state=ChangeState.PENDING))


class ChangeRequestFilter(admin.SimpleListFilter):
    """Applications whose holder sent a change of identity data that waits for review."""

    title = _("change requests")
    parameter_name = "changes"
    WAITING = "waiting"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(self.WAITING, _("Waiting for review"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == self.WAITING:
            return queryset.filter(waiting_change())
        return queryset


class ChangeReviewMixin:
    """Mixed into the queue's admin: the comparison of each waiting change, and the accept/reject actions."""

    admin_site: admin.AdminSite

    def change_urls(self, prefix: str, action: Callable[[Callable[..., HttpResponse]], Any]) -> list:
        return [
            path(
                "<int:object_id>/changes/<int:change_id>/accept/",
                action(self.accept_change_view),
                name=f"{prefix}_accept_change",
            ),
            path(
                "<int:object_id>/changes/<int:change_id>/reject/",
                action(self.reject_change_view),
                name=f"{prefix}_reject_change",
            ),
        ]

    def change_context(self, request: HttpRequest, applicant: Any, bound: dict | None = None) -> dict[str, Any]:
        """The waiting changes beside the confirmed data, with their forms; the last decided ones."""
        bound = bound or {}
        changes = list(ProfileChangeRequest.objects.filter(account=applicant.account).select_related("decided_by")[:10])
        waiting: list[dict[str, Any]] = [
            {
                "change": change,
                "rows": flows.comparison(change, applicant),
                "mime": mime_type(change.scan_type),
                "accept_form": bound.get((change.pk, "accept")) or AcceptChangeForm(prefix=f"change{change.pk}"),
                "reject_form": bound.get((change.pk, "reject")) or ReasonForm(prefix=f"change{change.pk}"),
            }
            for change in changes
            if change.is_pending
        ]
        return {
            # An active account's changed data is decided here, not by a new identity confirmation.
            "under_review": any(item["change"].was_active for item in waiting),
            "changes_waiting": waiting,
            "changes_decided": [change for change in changes if not change.is_pending],
            "can_review_changes": access.may(request.user, "review_change"),
        }

    def _change(self, request: HttpRequest, object_id: int, change_id: int) -> tuple[Any, ProfileChangeRequest]:
        applicant = self._applicant(request, object_id, "review_change")  # type: ignore[attr-defined]
        change = get_object_or_404(ProfileChangeRequest, pk=change_id, account=applicant.account)
        return applicant, change

    def _not_waiting(self, request: HttpRequest, applicant: Any, change: ProfileChangeRequest) -> HttpResponse | None:
        """A refusal when the change was already decided (the page was stale)."""
        if access.can_review_change(request.user, change):
            return None
        messages.error(request, flows.ProfileError("not_pending").message)
        return redirect(self._page_url(applicant))  # type: ignore[attr-defined]

    def _change_invalid(self, request: HttpRequest, applicant: Any, key: tuple[int, str], form: forms.Form):  # type: ignore[no-untyped-def]
        return self._invalid(request, applicant, "change_bound", {key: form})  # type: ignore[attr-defined]

    def accept_change_view(self, request: HttpRequest, object_id: int, change_id: int) -> HttpResponse:
        applicant, change = self._change(request, object_id, change_id)
        if refused := self._not_waiting(request, applicant, change):
            return refused
        form = AcceptChangeForm(request.POST, prefix=f"change{change.pk}")
        if not form.is_valid():
            return self._change_invalid(request, applicant, (change.pk, "accept"), form)
        try:
            flows.accept_change(change, by=request.user, request=request)  # type: ignore[arg-type]
        except flows.ProfileError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Change accepted: the confirmed data is replaced and the person is told."))
        return redirect(self._page_url(applicant))  # type: ignore[attr-defined]

    def reject_change_view(self, request: HttpRequest, object_id: int, change_id: int) -> HttpResponse:
        applicant, change = self._change(request, object_id, change_id)
        if refused := self._not_waiting(request, applicant, change):
            return refused
        form = ReasonForm(request.POST, prefix=f"change{change.pk}")
        if not form.is_valid():
            return self._change_invalid(request, applicant, (change.pk, "reject"), form)
        try:
            flows.reject_change(change, by=request.user, reason=form.cleaned_data["reason"], request=request)  # type: ignore[arg-type]
        except flows.ProfileError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Change rejected: the confirmed data stays and the person is told why."))
        return redirect(self._page_url(applicant))  # type: ignore[attr-defined]
