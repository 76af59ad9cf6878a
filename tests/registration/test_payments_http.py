"""The whole loop over real HTTP: the site served, the provider's page filled in, its webhooks received."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.db import connection

from registration.accounts.models import AuditEvent
from registration.payments import flows, webhooks
from registration.payments.models import Payment, PaymentEvent, PaymentStatus
from registration.payments.simulator import CARD_DECLINED, CARD_OK, CARD_PENDING
from tests.registration import payments_fixtures
from tests.registration.payments_fixtures import control, pay_on_page, wait_until

payment_simulator = payments_fixtures.payment_simulator
site_for_webhooks = payments_fixtures.site_for_webhooks
site_server = payments_fixtures.site_server
# The live server's thread shares the database: committed transactions, restored afterwards (roles and all).
pytestmark = pytest.mark.django_db(transaction=True)
PURPOSE = "test-fee-http"


@pytest.fixture
def calls():
    """A handler for the test purpose: records each call and whether a transaction was still open."""
    seen: list[tuple[int, str, bool]] = []

    def handler(payment: Payment) -> None:
        seen.append((payment.pk, payment.status, connection.in_atomic_block))

    flows.on_status_change(PURPOSE)(handler)
    yield seen
    flows._handlers[PURPOSE].remove(handler)


def begin(account) -> Payment:
    return flows.start(
        account, purpose=PURPOSE, reference="R-1", amount_kopecks=350000, description="Fee", return_path="/account/"
    )


def status_of(payment: Payment) -> str:
    return Payment.objects.get(pk=payment.pk).status


def test_paid_on_the_providers_page_then_the_webhook_marks_it_paid(make_account, site_for_webhooks, calls):
    simulator = site_for_webhooks
    payment = begin(make_account())
    code, location = pay_on_page(payment.redirect_url, CARD_OK)
    assert code == 303 and urlsplit(location).path == f"/payments/{payment.public_id}/return/"
    assert wait_until(lambda: status_of(payment) == PaymentStatus.PAID)
    simulator.wait_for_webhooks()
    assert [hook["status"] for hook in simulator.webhooks] == [200]
    assert calls == [(payment.pk, "paid", False)]  # once, after the commit
    assert PaymentEvent.objects.get().kind == "payment.succeeded"
    assert AuditEvent.objects.get(action="payment.paid").data["via"] == "webhook"


def test_a_declined_card_fails_the_payment(make_account, site_for_webhooks, calls):
    payment = begin(make_account())
    pay_on_page(payment.redirect_url, CARD_DECLINED)
    assert wait_until(lambda: status_of(payment) == PaymentStatus.FAILED)
    site_for_webhooks.wait_for_webhooks()
    assert calls == [(payment.pk, "failed", False)]


def test_cancel_on_the_page_fails_the_payment(make_account, site_for_webhooks):
    payment = begin(make_account())
    pay_on_page(payment.redirect_url, "", action="cancel")
    assert wait_until(lambda: status_of(payment) == PaymentStatus.FAILED)


def test_a_webhook_delivered_twice_runs_the_handler_once(make_account, site_for_webhooks, calls):
    simulator = site_for_webhooks
    control(simulator, "duplicate-next-webhook")
    payment = begin(make_account())
    pay_on_page(payment.redirect_url, CARD_OK)
    simulator.wait_for_webhooks()
    assert [hook["status"] for hook in simulator.webhooks] == [200, 200]
    assert len({hook["event_id"] for hook in simulator.webhooks}) == 1
    assert calls == [(payment.pk, "paid", False)] and PaymentEvent.objects.count() == 1


def test_a_failed_delivery_is_retried(make_account, site_for_webhooks, settings):
    simulator = site_for_webhooks
    settings.REGISTRATION_PAYMENT_WEBHOOK_SECRET = "rotated-before-the-provider-knew-0123456789"
    payment = begin(make_account())
    pay_on_page(payment.redirect_url, CARD_OK)
    assert wait_until(lambda: len(simulator.webhooks) >= 1)
    settings.REGISTRATION_PAYMENT_WEBHOOK_SECRET = payments_fixtures.WEBHOOK_SECRET
    assert wait_until(lambda: status_of(payment) == PaymentStatus.PAID)
    simulator.wait_for_webhooks()
    assert simulator.webhooks[0]["status"] == 403 and simulator.webhooks[-1]["status"] == 200


def test_a_delayed_webhook_after_the_status_query_changes_nothing(client, make_account, site_for_webhooks, calls):
    """The person is back before the bank's notification: the status query records it, the late webhook is a no-op."""
    simulator = site_for_webhooks
    person = make_account()
    payment = begin(person)
    control(simulator, "delay", seconds=1)
    pay_on_page(payment.redirect_url, CARD_OK)
    client.force_login(person)
    answer = client.get(f"/payments/{payment.public_id}/return/")
    assert answer.status_code == 302 and answer["Location"] == "/account/"
    assert status_of(payment) == PaymentStatus.PAID and not simulator.webhooks
    simulator.wait_for_webhooks()
    assert [hook["status"] for hook in simulator.webhooks] == [200]
    assert calls == [(payment.pk, "paid", False)]
    assert AuditEvent.objects.filter(action="payment.paid").count() == 1


def test_a_payment_the_bank_never_answers_stays_waiting(client, make_account, site_for_webhooks):
    simulator = site_for_webhooks
    person = make_account()
    payment = begin(person)
    pay_on_page(payment.redirect_url, CARD_PENDING)
    client.force_login(person)
    answer = client.get(f"/payments/{payment.public_id}/return/?status=paid")
    assert answer.status_code == 200 and status_of(payment) == PaymentStatus.PENDING
    simulator.wait_for_webhooks()
    assert simulator.webhooks == []


def test_a_refund_at_the_provider_arrives_by_webhook(make_account, site_for_webhooks, calls):
    simulator = site_for_webhooks
    payment = begin(make_account())
    pay_on_page(payment.redirect_url, CARD_OK)
    assert wait_until(lambda: status_of(payment) == PaymentStatus.PAID)
    assert control(simulator, "refund", id=payment.provider_payment_id)["status"] == "refunded"
    assert wait_until(lambda: status_of(payment) == PaymentStatus.REFUNDED)
    simulator.wait_for_webhooks()
    assert [call[1] for call in calls] == ["paid", "refunded"]
    assert Payment.objects.get(pk=payment.pk).refunded_at is not None


def test_a_dropped_webhook_is_made_good_by_reconciliation(make_account, site_for_webhooks, settings, calls):
    simulator = site_for_webhooks
    control(simulator, "drop-next-webhook")
    payment = begin(make_account())
    pay_on_page(payment.redirect_url, CARD_OK)
    time.sleep(0.3)
    assert status_of(payment) == PaymentStatus.PENDING and simulator.webhooks[0]["status"] == "dropped"
    settings.REGISTRATION_PAYMENT_PENDING_MINUTES = 0
    assert flows.reconcile()["settled"] == 1
    assert status_of(payment) == PaymentStatus.PAID and calls == [(payment.pk, "paid", False)]


def test_the_webhook_signature_is_checked_over_http(make_account, site_for_webhooks, site_server):
    """A forged notification sent over HTTP to the live site changes nothing."""
    import json
    import urllib.error
    import urllib.request

    payment = begin(make_account())
    body = json.dumps(
        {
            "event_id": "evt-forged",
            "type": "payment.succeeded",
            "payment": {"id": payment.provider_payment_id, "status": "succeeded", "amount": 350000, "currency": "RUB"},
        }
    ).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        f"{site_server.url}/payments/webhook/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Webhook-Time": timestamp,
            "X-Webhook-Signature": webhooks.signature("guessed-secret", timestamp, body),
        },
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 403
    assert status_of(payment) == PaymentStatus.PENDING and not PaymentEvent.objects.exists()
