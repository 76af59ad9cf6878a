"""The queue's filter by whether the scan's machine-readable zone and the typed data differ (one indexed column)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from registration.onboarding.models import ZoneOutcome

NOT_READ = "not_read"


class ZoneFilter(admin.SimpleListFilter):
    title = _("machine-readable zone")
    parameter_name = "zone"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [
            (ZoneOutcome.DIFFER, _("Scan and typed data differ")),
            (ZoneOutcome.EQUAL, _("Scan and typed data agree")),
            (NOT_READ, _("Not read")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if value == NOT_READ:
            # Applications from before the zone was read have no reading: not read either.
            return queryset.filter(Q(zone_reading__outcome=ZoneOutcome.NOT_READ) | Q(zone_reading__isnull=True))
        if value not in (ZoneOutcome.DIFFER, ZoneOutcome.EQUAL):
            return queryset.none()
        return queryset.filter(zone_reading__outcome=value)
