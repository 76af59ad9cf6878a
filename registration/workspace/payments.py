"""The finance desk: the payments, read-only, and a refund (a separate permission, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registration import access
from registration.accounts.signed_in import signed_in
from registration.payments import flows
from registration.payments.backends import PaymentUnavailable
from registration.payments.models import Payment, PaymentStatus
from registration.payments.money import roubles
from registration.workspace.base import ReadOnly, SecretLookupsRefused
from registration.workspace.search import PostedSearch

#: The most payments one refund action touches.
MAX_REFUNDS = 20


@admin.register(Payment)
class PaymentAdmin(PostedSearch, ReadOnly, SecretLookupsRefused, admin.ModelAdmin):
    list_display = ("created_at", "amount", "status", "purpose", "reference", "provider_payment_id", "paid_at")
    list_filter = ("status", "purpose")
    search_fields = ("=provider_payment_id", "=public_id", "=reference", "=account__email")
    search_help_text = _("The provider's payment id, the payment's public id, the service's reference or an e-mail.")
    list_select_related = ("account",)
    ordering = ("-created_at", "-pk")
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = ["refund_selected"]
    fields = (
        "public_id",
        "account",
        "purpose",
        "reference",
        "description",
        "amount",
        "status",
        "provider_payment_id",
        "created_at",
        "paid_at",
        "refunded_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.may(request.user, "view_payments")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.may(request.user, "view_payments")

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return access.may(request.user, "view_payments") and access.may(request.user, "refund_payment")

    @admin.display(description=_("amount"), ordering="amount_kopecks")
    def amount(self, obj: Payment) -> str:
        return roubles(obj.amount_kopecks)

    @admin.action(description=_("Refund the selected paid payments"), permissions=["refund"])
    def refund_selected(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        clerk = signed_in(request)
        refunded = failed = 0
        for payment in queryset.filter(status=PaymentStatus.PAID).order_by("pk")[:MAX_REFUNDS]:
            try:
                refunded += flows.refund(payment, by=clerk, request=request)
            except PaymentUnavailable:
                failed += 1
        if refunded:
            messages.success(
                request,
                ngettext("%(count)d payment refunded.", "%(count)d payments refunded.", refunded) % {"count": refunded},
            )
        if failed:
            messages.error(request, flows.UNAVAILABLE_MESSAGE)
        if not refunded and not failed:
            messages.warning(request, _("None of the selected payments is paid: nothing was refunded."))
