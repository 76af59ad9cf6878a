"""/metrics for services, payments and issued documents: the counters move with what people, the desk and the
provider do; the migration office's desk is in the queue gauge; no label carries personal data."""

from __future__ import annotations

import json
import socket
import time

import pytest
from django.test import Client
from django.urls import reverse

from registration.payments import flows as payments
from registration.payments import webhooks
from registration.payments.backends import PaymentUnavailable
from registration.payments.models import Payment, PaymentStatus
from registration.services.models import ServiceApplication
from tests.registration.documents_fixtures import issue_document
from tests.registration.identity_fixtures import make_applicant, role_user
from tests.registration.services_fixtures import fill_stay, officer, person, scans_dir
from tests.registration.test_contact_sms import Gateway
from tests.registration.test_operations_metrics import scrape

__all__ = ["issue_document", "make_applicant", "officer", "person", "role_user", "scans_dir", "scrape"]

pytestmark = pytest.mark.django_db

APPS = "registration_service_applications_total"
QUEUE = "registration_queue_length"
DESK = "migration:stay_registration"


def moved(before, after, name: str, **labels: str) -> float:
    return after.value(name, **labels) - before.value(name, **labels)


def submit(client, number):
    return client.post(reverse("services:check", args=[number]), {"consent": "on"})


def desk(client, application, action, **data):
    application.refresh_from_db()
    url = reverse("admin:services_serviceapplication_act", args=[application.pk, action])
    return client.post(url, {"version": application.version, **data})


def test_an_application_s_life_moves_the_service_counters_and_the_desk_s_queue(
    client, person, officer, scans_dir, scrape, django_capture_on_commit_callbacks
):
    """Started, submitted, changes requested, submitted again, approved (a document issued); another rejected."""
    before = scrape()
    assert before.value(QUEUE, desk=DESK) == 0
    account = person("anna@example.org")
    client.force_login(account)
    with django_capture_on_commit_callbacks(execute=True):
        number = fill_stay(client)
        submit(client, number)
    application = ServiceApplication.objects.get(number=number)
    waiting = scrape()
    assert moved(before, waiting, APPS, service="stay_registration", event="started") == 1
    assert moved(before, waiting, APPS, service="stay_registration", event="submitted") == 1
    assert waiting.value(QUEUE, desk=DESK) == 1
    assert waiting.value(QUEUE, desk="none") == 0  # the identity desks are still there, in the same family
    assert waiting.text.count("# TYPE registration_queue_length gauge") == 1

    staff = Client()
    staff.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        desk(staff, application, "take")
        assert scrape().value(QUEUE, desk=DESK) == 1  # in review: still on the desk
        desk(staff, application, "request_changes", **{"changes-message": "Attach the whole contract."})
    assert scrape().value(QUEUE, desk=DESK) == 0
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, number)
        desk(staff, application, "take")
        desk(staff, application, "approve")
    application.refresh_from_db()
    assert application.status == "approved"

    other = person("boris@example.org", passport_number="ZX7654321")
    second = Client()
    second.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        refused = fill_stay(second)
        submit(second, refused)
        refused_application = ServiceApplication.objects.get(number=refused)
        desk(staff, refused_application, "take")
        desk(staff, refused_application, "reject", **{"reject-reason": "The address does not exist."})
    refused_application.refresh_from_db()
    assert refused_application.status == "rejected"

    after = scrape()
    expected = {"started": 2, "submitted": 3, "changes_requested": 1, "approved": 1, "rejected": 1}
    for event, count in expected.items():
        assert moved(before, after, APPS, service="stay_registration", event=event) == count, event
    assert moved(before, after, "registration_documents_issued_total", kind="stay_notice") == 1
    assert after.value(QUEUE, desk=DESK) == 0
    labels = " ".join(str(v) for _name, found, _value in after.samples for v in found.values())
    for personal in ("anna", "boris", "@", number, refused, application.document.number):
        assert personal not in labels


def test_the_check_page_counts_valid_and_not_valid_lookups(client, scrape, issue_document):
    document = issue_document()
    before = scrape()
    client.get(reverse("registration:document_check", args=[document.check_token]))
    client.get(reverse("registration:document_check", args=["no-such-token-at-all"]))
    document.revoked_at = document.issued_at
    document.save(update_fields=["revoked_at"])
    client.get(reverse("registration:document_check", args=[document.check_token]))
    after = scrape()
    assert moved(before, after, "registration_document_checks_total", result="valid") == 1
    assert moved(before, after, "registration_document_checks_total", result="not_valid") == 2
    assert document.check_token not in after.text


def make_payment(account, reference: str = "2026-1000000001") -> Payment:
    return Payment.objects.create(
        account=account,
        purpose="services",
        reference=reference,
        amount_kopecks=350_000,
        description="State fee",
        provider_payment_id=f"prov-{reference}",
    )


def test_payment_status_changes_are_counted_once_each(make_account, scrape, django_capture_on_commit_callbacks):
    account = make_account()
    paid, failed = make_payment(account), make_payment(account, "2026-1000000002")
    before = scrape()
    with django_capture_on_commit_callbacks(execute=True):
        payments.set_status(paid, PaymentStatus.PAID, via="webhook")
        payments.set_status(paid, PaymentStatus.PAID, via="webhook")  # told again: no change, not counted
        payments.set_status(failed, PaymentStatus.FAILED, via="reconcile")
        payments.set_status(paid, PaymentStatus.REFUNDED, via="refund")
    after = scrape()
    for status, count in (("paid", 1), ("failed", 1), ("refunded", 1), ("pending", 0)):
        assert moved(before, after, "registration_payments_total", purpose="services", status=status) == count


def test_refused_webhooks_are_counted_by_reason(client, settings, make_account, scrape):
    settings.REGISTRATION_PAYMENT_WEBHOOK_SECRET = "webhook-secret-for-the-tests"
    payment = make_payment(make_account())
    url = reverse("registration:payment_webhook")
    now = str(int(time.time()))

    def post(body: bytes, timestamp: str = now, signature: str | None = None):
        signature = signature or webhooks.signature(settings.REGISTRATION_PAYMENT_WEBHOOK_SECRET, timestamp, body)
        return client.post(
            url,
            body,
            content_type="application/json",
            HTTP_X_WEBHOOK_TIME=timestamp,
            HTTP_X_WEBHOOK_SIGNATURE=signature,
        )

    event = {
        "event_id": "evt-1",
        "type": "payment.succeeded",
        "payment": {"id": payment.provider_payment_id, "status": "succeeded", "amount": 350_000, "currency": "RUB"},
    }
    before = scrape()
    assert post(b"{}", signature="hmac-sha256=00").status_code == 403
    assert post(b"{}", timestamp=str(int(time.time()) - 3600)).status_code == 400
    assert post(b"not json").status_code == 400
    unknown = {**event, "payment": {**event["payment"], "id": "someone-else"}}
    assert post(json.dumps(unknown).encode()).status_code == 404
    assert post(json.dumps({**event, "payment": {**event["payment"], "amount": 1}}).encode()).status_code == 400
    assert post(json.dumps(event).encode()).status_code == 200
    after = scrape()
    name = "registration_payment_webhook_refusals_total"
    for reason in ("bad_signature", "stale", "unreadable", "unknown_payment", "amount_mismatch"):
        assert moved(before, after, name, reason=reason) == 1, reason
    assert (
        sum(value for sample, _labels, value in after.samples if sample == name)
        - sum(value for sample, _labels, value in before.samples if sample == name)
        == 5
    )


def test_provider_errors_are_counted_and_readiness_does_not_ask_the_provider(make_account, settings, scrape, client):
    """Each failed try of the provider's API counts by kind; /readyz never asks the provider (its outage must not
    take the site out of the load balancer)."""
    gateway = Gateway()
    settings.REGISTRATION_PAYMENT_BACKEND = "registration.payments.backends.HttpProviderBackend"
    settings.REGISTRATION_PAYMENT_URL = gateway.url.removesuffix("/v1/messages")
    settings.REGISTRATION_PAYMENT_SECRET = "shop-secret"
    settings.REGISTRATION_PUBLIC_URL = "https://registration.example.org"
    settings.REGISTRATION_PAYMENT_RETRIES = 1
    account = make_account()
    before = scrape()
    gateway.statuses = [503, 500]
    with pytest.raises(PaymentUnavailable):
        payments.start(account, purpose="services", reference="2026-1", amount_kopecks=100, description="Fee")
    gateway.statuses = [400]
    with pytest.raises(PaymentUnavailable):
        payments.start(account, purpose="services", reference="2026-2", amount_kopecks=100, description="Fee")
    gateway.statuses = [200]  # answers, but not with our amount
    with pytest.raises(PaymentUnavailable):
        payments.start(account, purpose="services", reference="2026-3", amount_kopecks=100, description="Fee")
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings.REGISTRATION_PAYMENT_URL = f"http://127.0.0.1:{closed}"
    with pytest.raises(PaymentUnavailable):
        payments.start(account, purpose="services", reference="2026-4", amount_kopecks=100, description="Fee")
    after = scrape()
    name = "registration_payment_provider_errors_total"
    for kind, count in (("http_5xx", 2), ("http_4xx", 1), ("mismatch", 1), ("network", 2)):
        assert moved(before, after, name, kind=kind) == count, kind
    received = len(gateway.received)
    assert client.get("/readyz").json()["checks"].keys().isdisjoint({"payments", "payment_provider"})
    assert len(gateway.received) == received
