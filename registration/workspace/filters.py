"""The queue's list filters: status (pending by default), method, service centre, waiting time.

Each filters a column of the applicant row (``queue_status``, ``queue_method``, ``queue_centre``,
``submitted_at``; see ``registration.identity.queue_columns``) that a composite index serves together
with the queue's ordering. A search looks across every status and centre unless the clerk chose one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import AccountStatus
from registration.identity import registry
from registration.identity.models import ServiceCentre
from registration.workspace.base import DefaultChoiceFilter


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
            (self.ALL, _("All")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.ALL:
            return queryset
        if value not in AccountStatus.values:
            return queryset.none()
        return queryset.filter(queue_status=value)


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
        # The method of the confirmation the column shows (the open one, else the latest); none chosen: "".
        return queryset.filter(queue_method="" if value == self.NONE else value)


class CentreFilter(DefaultChoiceFilter):
    """The clerk's own service centre unless another (or all) is chosen; a search looks at every centre."""

    title = _("service centre")
    parameter_name = "centre"

    def __init__(self, request: HttpRequest, *args: Any) -> None:
        centre_id = getattr(request.user, "service_centre_id", None)
        # A method chosen lifts the default too: only a visit has a centre, so the clerk's centre with another
        # method would always be empty.
        chosen_method = bool(request.GET.get(MethodFilter.parameter_name))
        self.default = str(centre_id) if centre_id and not chosen_method else self.ALL
        super().__init__(request, *args)

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(self.ALL, _("All centres")), *((str(c.pk), str(c)) for c in ServiceCentre.objects.all())]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.ALL:
            return queryset
        if not value.isdigit():
            return queryset.none()
        # The centre of the confirmation the column shows: the open one, else the latest.
        return queryset.filter(queue_centre=int(value))


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
