"""The clerks' workspace. Personal data is masked in lists; statuses change through status.py.

Each desk lives in ``registration/workspace/`` (the application queue, post letters, video calls,
consulate codes, support); this module registers the remaining models and imports the desks.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from registration import access
from registration.accounts import audit
from registration.accounts.identifiers import normalise_email
from registration.accounts.models import Account, AccountStatus, Applicant, AuditEvent, Document
from registration.accounts.signed_in import signed_in
from registration.core.masking import mask, mask_email, mask_passport, mask_phone
from registration.identity.models import (
    DocumentRequest,
    IdentityConfirmation,
    ServiceCentre,
    ServiceCentreTranslation,
    SignatureCertificate,
)
from registration.identity.models.centres import translation_languages
from registration.workspace import (  # noqa: F401  (each registers its desk)
    consulate,
    documents,
    payments,
    post,
    queue,
    services,
    support,
    video,
)
from registration.workspace.base import ReadOnly, SecretLookupsRefused
from registration.workspace.listing import IndexedList
from registration.workspace.search import PostedSearch

admin.site.site_header = _("Registration of foreign citizens: clerks' workspace")
admin.site.site_title = _("Clerks' workspace")
admin.site.index_title = _("Workspace")
# No model list beside every page: the desks' lists need the width (the queue fits 1024 px with its filters);
# the breadcrumbs and the workspace's first page lead to the other desks.
admin.site.enable_nav_sidebar = False

audit.register_actions({"account.corrected": _("Account corrected by an administrator")})

#: How each correctable account field is masked in the audit log's before/after.
CORRECTION_MASKS = {"email": mask_email, "phone": mask_phone}


class ReadOnlyAdmin(PostedSearch, IndexedList, ReadOnly, SecretLookupsRefused, admin.ModelAdmin):
    """Records kept for the history: superusers read them, nobody edits them here."""


@admin.register(Account)
class AccountAdmin(PostedSearch, SecretLookupsRefused, admin.ModelAdmin):
    list_display = ("email", "masked_phone", "status", "is_staff", "created_at")
    list_filter = ("status", "is_staff", "is_superuser", "groups")
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
        "service_centre",
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

    def save_model(self, request: HttpRequest, obj: Account, form: ModelForm, change: bool) -> None:
        """Save, and audit a correction of the contacts with their before and after, masked."""
        super().save_model(request, obj, form, change)
        corrected = {
            name: {"from": masker(form.initial.get(name) or ""), "to": masker(getattr(obj, name) or "")}
            for name, masker in CORRECTION_MASKS.items()
            if change and name in form.changed_data
        }
        others = sorted(name for name in form.changed_data if name not in CORRECTION_MASKS)
        if change and (corrected or others):
            audit.record(
                "account.corrected",
                account=obj,
                actor=signed_in(request),
                request=request,
                data={"fields": sorted(corrected) + others, **corrected},
            )


@admin.register(Applicant)
class ApplicantAdmin(PostedSearch, ReadOnly, SecretLookupsRefused, admin.ModelAdmin):
    """Identity data, read-only for everybody (superusers too): it changes only through the review of a
    change request (``registration.profile``), which keeps the scan and the clerk's decision."""

    list_display = ("application_number", "surname", "given_names", "citizenship", "submitted_at")
    search_fields = ("=application_number", "surname", "given_names", "account__email")
    list_select_related = ("account",)
    ordering = ("submitted_at",)


@admin.register(Document)
class DocumentAdmin(ReadOnly, SecretLookupsRefused, admin.ModelAdmin):
    """Identity documents: read-only for everybody, like ``ApplicantAdmin``."""

    list_display = ("applicant", "role", "kind", "masked_number", "expiry_date")
    list_filter = ("role", "kind")
    list_select_related = ("applicant",)
    exclude = ("scan",)

    @admin.display(description=_("number"))
    def masked_number(self, obj: Document) -> str:
        return mask_passport(obj.number_last_digits)


class ServiceCentreTranslationInline(admin.StackedInline):
    """A centre's name, city, address and hours in the other interface languages (empty: Russian is shown)."""

    model = ServiceCentreTranslation
    fields = ("language", "name", "city", "address", "opening_hours")
    min_num = 0

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        present = obj.translations.count() if obj is not None else 0
        return max(0, len(translation_languages()) - present)

    def get_max_num(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return len(translation_languages())

    # The translations go with their centre: whoever may see or change the centre may see or change them.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.may(request.user, "view_centres")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("identity.change_servicecentre")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("identity.change_servicecentre")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("identity.change_servicecentre")


@admin.register(ServiceCentre)
class ServiceCentreAdmin(PostedSearch, admin.ModelAdmin):
    list_display = ("name", "city", "region", "is_active")
    list_filter = ("is_active", "region")
    search_fields = ("name", "city", "address")
    fieldsets = (
        (
            _("In Russian"),
            {
                "fields": ("name", "region", "city", "address", "opening_hours", "phone", "is_active"),
                "description": _(
                    "The centre's name, city, address and opening hours as written in Russian. People using "
                    "another language see the translations below; a value left empty there is shown in Russian."
                ),
            },
        ),
    )
    inlines = (ServiceCentreTranslationInline,)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.may(request.user, "view_centres")


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return sorted(((code, str(label)) for code, label in audit.ACTION_LABELS.items()), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(action=self.value()) if self.value() else queryset


class ToStatusFilter(admin.SimpleListFilter):
    """The status an event set (the statuses are known: no scan of the log for its distinct values)."""

    title = _("status after")
    parameter_name = "to_status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return list(AccountStatus.choices)

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(to_status=self.value()) if self.value() else queryset


class ActorFilter(admin.SimpleListFilter):
    """Events by one member of staff (the staff are few: no scan of the log for its distinct actors)."""

    title = _("by")
    parameter_name = "actor"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(str(pk), email) for pk, email in Account.objects.filter(is_staff=True).values_list("pk", "email")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value() or ""
        return queryset.filter(actor_id=int(value)) if value.isdigit() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log: append-only. Superusers read and filter it; nobody adds, changes or deletes."""

    list_display = ("at", "action_label", "account", "actor", "from_status", "to_status", "ip_address")
    list_filter = (ActionFilter, ToStatusFilter, ActorFilter)
    search_fields = ("=account__email", "=actor__email", "=account__applicant__application_number")
    search_help_text = _("An e-mail (of the person or of the member of staff) or an application number.")
    list_select_related = ("account", "actor")
    ordering = ("-at", "-pk")
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = None

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj: AuditEvent) -> str:
        return audit.label(obj.action)

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        """The events of the account (or by the member of staff) found first, so that indexes serve the search."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            accounts = list(Account.objects.filter(email=normalise_email(term)).values_list("pk", flat=True))
        else:
            holders = Applicant.objects.filter(application_number="".join(term.split()))
            accounts = list(holders.values_list("account_id", flat=True))
        return queryset.filter(Q(account_id__in=accounts) | Q(actor_id__in=accounts)), False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


@admin.register(IdentityConfirmation)
class IdentityConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "account", "method", "state", "started_at", "completed_at", "decided_by", "attempts")
    list_filter = ("method", "state")
    list_select_related = ("account", "decided_by")
    search_fields = ("=account__email", "=account__applicant__application_number")
    ordering = ("-started_at",)


@admin.register(SignatureCertificate)
class SignatureCertificateAdmin(ReadOnlyAdmin):
    list_display = ("fingerprint_sha256", "account", "not_valid_after", "created_at")
    list_select_related = ("account",)
    search_fields = ("=fingerprint_sha256",)


@admin.register(DocumentRequest)
class DocumentRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "account", "state", "created_at", "fulfilled_at", "requested_by")
    list_filter = ("state",)
    list_select_related = ("account", "requested_by")
