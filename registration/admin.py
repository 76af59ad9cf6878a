"""The clerks' workspace. Personal data is masked in lists; statuses change through status.py."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Account, Applicant, AuditEvent, Document, ServiceCentre


def mask(value: str, keep: int = 4) -> str:
    """``+79161234567`` → ``********4567``: enough to tell records apart, not enough to misuse."""
    value = value or ""
    if len(value) <= keep:
        return "*" * len(value)
    return "*" * (len(value) - keep) + value[-keep:]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("email", "masked_phone", "status", "is_staff", "created_at")
    list_filter = ("status", "is_staff", "is_superuser")
    search_fields = ("email",)
    ordering = ("created_at",)
    readonly_fields = ("status", "status_reason", "status_changed_at", "created_at", "updated_at", "last_login")
    fields = (
        "email",
        "phone",
        "status",
        "status_reason",
        "status_changed_at",
        "preferred_language",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "created_at",
        "updated_at",
        "last_login",
    )
    filter_horizontal = ("groups",)

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, obj: Account) -> str:
        return mask(obj.phone or "")


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin):
    list_display = ("application_number", "surname", "given_names", "citizenship", "submitted_at")
    search_fields = ("=application_number", "surname", "given_names", "account__email")
    list_select_related = ("account",)
    ordering = ("submitted_at",)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup.split("__")[0] in {"snils", "inn"}:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("applicant", "role", "kind", "number_last_digits", "expiry_date")
    list_filter = ("role", "kind")
    list_select_related = ("applicant",)
    exclude = ("scan",)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup.split("__")[0] in {"number", "series", "mrz"}:
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "region", "is_active")
    list_filter = ("is_active", "region")
    search_fields = ("name", "city", "address")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "account", "actor", "from_status", "to_status", "ip_address")
    list_filter = ("action", "to_status")
    search_fields = ("account__email", "actor__email")
    list_select_related = ("account", "actor")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
