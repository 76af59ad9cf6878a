"""What the workspace's admin classes share: refusing lookups on secret fields, and list filters with a default."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.http import HttpRequest

from registration.core.masking import refuses_lookup


class SecretLookupsRefused:
    """Refuse list lookups on secret fields (whole passport, SNILS and INN numbers, the MRZ, code hashes)."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if refuses_lookup(lookup):
            return False
        return super().lookup_allowed(lookup, value, request)  # type: ignore[misc]


class ReadOnly:
    """Records read on a desk: nobody adds, edits or deletes them through the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DefaultChoiceFilter(admin.SimpleListFilter):
    """A list filter that starts on ``default`` (what the desk works on) and never offers "All" twice.

    A search lifts the default (the filter then reads ``ALL``), so that what the clerk looks for is found
    whatever its status; a value the clerk chose still applies.
    """

    default: str = ""
    ALL = "all"

    def __init__(self, request: HttpRequest, *args: Any) -> None:
        self.searching = bool(request.GET.get(SEARCH_VAR, "").strip())
        super().__init__(request, *args)

    def value(self) -> str:
        return super().value() or (self.ALL if self.searching else self.default)

    def choices(self, changelist: Any):  # type: ignore[no-untyped-def]
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }
