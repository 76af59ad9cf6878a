"""Notifications about one payment arriving at once, on PostgreSQL: the handlers run once."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from registration.payments import flows, webhooks
from registration.payments.models import Payment, PaymentEvent, PaymentStatus
from tests.registration import payments_fixtures
from tests.registration.payments_fixtures import WEBHOOK_SECRET
from tests.registration.race_helpers import postgres_race, together

payment_simulator = payments_fixtures.payment_simulator
pytestmark = postgres_race
PURPOSE = "test-fee-race"


@pytest.fixture
def calls():
    seen: list[int] = []

    def handler(payment: Payment) -> None:
        seen.append(payment.pk)

    flows.on_status_change(PURPOSE)(handler)
    yield seen
    flows._handlers[PURPOSE].remove(handler)


def deliver(payment: Payment, event_id: str) -> webhooks.Outcome:
    body = json.dumps(
        {
            "event_id": event_id,
            "type": "payment.succeeded",
            "payment": {"id": payment.provider_payment_id, "status": "succeeded", "amount": 9900, "currency": "RUB"},
        }
    ).encode()
    timestamp = str(int(time.time()))
    return webhooks.receive(body, timestamp, webhooks.signature(WEBHOOK_SECRET, timestamp, body))


def started(make_account) -> Payment:
    return flows.start(make_account(), purpose=PURPOSE, reference="R", amount_kopecks=9900, description="Fee")


def test_different_notifications_at_once_change_the_status_once(make_account, payment_simulator, calls):
    payment = started(make_account)
    outcomes = together(lambda index: deliver(payment, f"evt-{uuid.uuid4().hex}"))
    assert outcomes.errors == []
    assert sorted(outcome.result for outcome in outcomes.results) == ["changed"] + ["unchanged"] * 9
    assert calls == [payment.pk]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID and PaymentEvent.objects.count() == 10


def test_one_notification_delivered_ten_times_at_once_is_recorded_once(make_account, payment_simulator, calls):
    payment = started(make_account)
    outcomes = together(lambda index: deliver(payment, "evt-the-same"))
    assert outcomes.errors == []
    assert sorted(outcome.result for outcome in outcomes.results) == ["changed"] + ["duplicate"] * 9
    assert calls == [payment.pk] and PaymentEvent.objects.count() == 1
