"""The queue's list filters: status (pending by default), method, service centre, waiting time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import AccountStatus
from registration.identity import registry
from registration.identity.models import OPEN_STATES, IdentityConfirmation, ServiceCentre
from registration.workspace.base import DefaultChoiceFilter


def shown_confirmation() -> QuerySet[IdentityConfirmation]:
    """The confirmation whose method and centre the queue shows: the open one, else the latest (confirmed…)."""
    return (
        IdentityConfirmation.objects.filter(account=OuterRef("account_id"))
        .annotate(
            closed=Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("closed", "-started_at", "-pk")
    )


class StatusFilter(DefaultChoiceFilter):
    """Pending applications unless another status is chosen."""

    title = _("status")
    parameter_name = "status"
    default = AccountStatus.PENDING

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [
            (AccountStatus.PENDING, AccountStatus.PENDING.label),
            (AccountStatus.BLOCKED, AccountStatus.BLOCKED.label),
            (AccountStatus.ACTIVE, AccountStatus.ACTIVE.label),
            ("all", _("All")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "all":
            return queryset
        if value not in AccountStatus.values:
            return queryset.none()
        return queryset.filter(account__status=value)


class MethodFilter(admin.SimpleListFilter):
    title = _("method")
    parameter_name = "method"
    NONE = "none"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [*registry.choices(), (self.NONE, _("Not chosen"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if value == self.NONE:
            # Not chosen: no confirmation at all, open or finished.
            return queryset.filter(~Exists(IdentityConfirmation.objects.filter(account=OuterRef("account_id"))))
        return queryset.filter(shown_method=value)


class CentreFilter(admin.SimpleListFilter):
    title = _("service centre")
    parameter_name = "centre"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(str(centre.pk), str(centre)) for centre in ServiceCentre.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        # The centre of the confirmation the column shows: the open one, else the latest.
        return queryset.filter(shown_centre=int(value))


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting")
    parameter_name = "waiting"
    RANGES: dict[str, tuple[int | None, int | None]] = {
        "1d": (None, 1),
        "1-3d": (1, 3),
        "3-7d": (3, 7),
        "7d+": (7, None),
    }

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [
            ("1d", _("less than a day")),
            ("1-3d", _("1 to 3 days")),
            ("3-7d", _("3 to 7 days")),
            ("7d+", _("over a week")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        bounds = self.RANGES.get(self.value() or "")
        if bounds is None:
            return queryset
        now = timezone.now()
        shortest, longest = bounds
        if shortest is not None:
            queryset = queryset.filter(submitted_at__lte=now - timedelta(days=shortest))
        if longest is not None:
            queryset = queryset.filter(submitted_at__gt=now - timedelta(days=longest))
        return queryset
