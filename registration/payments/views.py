"""The payments' pages: the provider's webhook, the page the person returns to, and the receipts."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from registration.accounts.signed_in import signed_in
from registration.core import metrics
from registration.payments import flows, webhooks
from registration.payments.backends import UNAVAILABLE_MESSAGE, PaymentUnavailable
from registration.payments.models import Payment, PaymentStatus

#: The largest webhook body read (the provider's events are small).
MAX_WEBHOOK_BYTES = 65536
#: Seconds between two status questions about one payment from its return page.
ASK_INTERVAL = 3


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """The provider's notification: signed, fresh, about one of our payments, recorded once."""
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    if not length.isdigit() or int(length) > MAX_WEBHOOK_BYTES:
        return HttpResponse(status=413)
    outcome = webhooks.receive(
        request.body,
        request.headers.get(webhooks.TIME_HEADER, ""),
        request.headers.get(webhooks.SIGNATURE_HEADER, ""),
    )
    if outcome.http_status != 200:
        metrics.payment_webhook_refused(outcome.result)
    return HttpResponse(outcome.result, status=outcome.http_status, content_type="text/plain")


def _own_payment(request: HttpRequest, public_id: uuid.UUID) -> Payment:
    """The signed-in person's payment, or 404 (never another's, never a hint that it exists)."""
    payment = Payment.objects.filter(public_id=public_id, account=signed_in(request)).first()
    if payment is None:
        raise Http404
    return payment


def _back(payment: Payment) -> str:
    """The service's page the payment was started from, else the payment's receipt."""
    path = payment.return_path
    if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return reverse("registration:payment_receipt", args=[payment.public_id])


@never_cache
@login_required
@require_GET
def payment_return(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Where the provider sends the person back. Its query says nothing we believe: the provider is asked."""
    payment = _own_payment(request, public_id)
    unavailable = False
    # At most one question to the provider per payment every few seconds, however often "Check again" is pressed.
    if (
        payment.status == PaymentStatus.PENDING
        and payment.provider_payment_id
        and cache.add(f"payments:asked:{payment.pk}", 1, timeout=ASK_INTERVAL)
    ):
        try:
            flows.refresh(payment)
        except PaymentUnavailable:
            unavailable = True
    if payment.status != PaymentStatus.PENDING:
        return redirect(_back(payment))
    return render(
        request,
        "payments/waiting.html",
        {"payment": payment, "unavailable": unavailable, "unavailable_message": UNAVAILABLE_MESSAGE},
    )


@never_cache
@login_required
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    payments = Payment.objects.filter(account=signed_in(request)).order_by("-created_at", "-pk")
    return render(request, "payments/list.html", {"payments": payments})


@never_cache
@login_required
@require_GET
def payment_receipt(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    payment = _own_payment(request, public_id)
    return render(request, "payments/receipt.html", {"payment": payment})
