"""The queue's filter by what the agencies' registries said: one indexed column, joined on the primary key."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from registration.registries.models import Standing


class RegistryFilter(admin.SimpleListFilter):
    title = _("registry checks")
    parameter_name = "registries"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [
            (Standing.DISAGREES, _("Registry disagrees")),
            (Standing.NOT_CHECKED, _("Not checked yet")),
            (Standing.AGREES, _("Registries agree")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if value not in Standing.values:
            return queryset.none()
        if value == Standing.NOT_CHECKED:
            # Applications from before the checks have no standing row: not checked either.
            return queryset.filter(Q(registry_standing__state=value) | Q(registry_standing__isnull=True))
        return queryset.filter(registry_standing__state=value)
