"""Payments against the provider's simulator over HTTP: creation, webhooks' checks, the return page,
reconciliation, receipts and the finance desk."""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from registration.accounts.models import AuditEvent
from registration.payments import flows, webhooks
from registration.payments.backends import HttpProviderBackend, PaymentUnavailable
from registration.payments.models import Payment, PaymentEvent, PaymentStatus
from registration.payments.simulator import CARD_DECLINED, CARD_OK, CARD_PENDING
from tests.registration import payments_fixtures
from tests.registration.payments_fixtures import WEBHOOK_SECRET

payment_simulator = payments_fixtures.payment_simulator

pytestmark = pytest.mark.django_db
PURPOSE = "test-fee"


@pytest.fixture
def calls():
    """A handler registered for the test purpose; records (payment id, status) per call."""
    seen: list[tuple[int, str]] = []

    def handler(payment: Payment) -> None:
        seen.append((payment.pk, payment.status))

    flows.on_status_change(PURPOSE)(handler)
    yield seen
    flows._handlers[PURPOSE].remove(handler)


@pytest.fixture
def person(make_account):
    return make_account()


def begin(person, amount: int = 150000) -> Payment:
    return flows.start(
        person,
        purpose=PURPOSE,
        reference="APP-1",
        amount_kopecks=amount,
        description="State fee",
        return_path="/account/",
    )


def event(payment: Payment, status: str = "succeeded", **changes) -> dict:
    data = {"id": payment.provider_payment_id, "status": status, "amount": payment.amount_kopecks, "currency": "RUB"}
    return {
        "event_id": changes.pop("event_id", f"evt-{uuid.uuid4().hex}"),
        "type": f"payment.{status}",
        "payment": {**data, **changes},
    }


def post_webhook(client, body: dict | bytes, *, secret: str = WEBHOOK_SECRET, at: float | None = None, signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    timestamp = str(int(time.time() if at is None else at))
    return client.post(
        reverse("registration:payment_webhook"),
        raw,
        content_type="application/json",
        headers={
            "X-Webhook-Time": timestamp,
            "X-Webhook-Signature": signature or webhooks.signature(secret, timestamp, raw),
        },
    )


# --- creating ------------------------------------------------------------------------------------


def test_start_creates_one_provider_payment_per_idempotency_key(person, payment_simulator):
    payment = begin(person)
    assert payment.provider_payment_id and payment.redirect_url.startswith(payment_simulator.url + "/pay/")
    again = HttpProviderBackend().create(payment)  # a retried creation, same key
    assert again == (payment.provider_payment_id, payment.redirect_url)
    assert payment_simulator.created == 1
    assert str(payment.public_id) not in payment.redirect_url and "person" not in payment.redirect_url
    assert begin(person).provider_payment_id != payment.provider_payment_id  # a new payment, a new key
    assert payment_simulator.created == 2


def test_the_provider_refuses_a_reused_key_with_another_amount_and_unsigned_requests(person, payment_simulator):
    payment = begin(person)
    payment.amount_kopecks = 1
    with pytest.raises(PaymentUnavailable):
        HttpProviderBackend().create(payment)
    payment.refresh_from_db()
    with override_secret("wrong-secret"), pytest.raises(PaymentUnavailable):
        HttpProviderBackend().status(payment)


class override_secret:
    def __init__(self, secret: str) -> None:
        from django.test import override_settings

        self.override = override_settings(REGISTRATION_PAYMENT_SECRET=secret)

    def __enter__(self):
        return self.override.__enter__()

    def __exit__(self, *exc):
        return self.override.__exit__(*exc)


def test_provider_down_is_a_translated_refusal_and_a_failed_payment(person, payment_simulator):
    payment_simulator.down = True
    with pytest.raises(PaymentUnavailable) as refusal:
        begin(person)
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FAILED and payment.provider_payment_id is None
    assert payment_simulator.api_requests == 2  # one retry (PAYMENT_RETRIES = 1), both refused
    with translation.override("ru"):
        assert "Платёжный сервис" in str(refusal.value.message)
    with translation.override("en"):
        assert "Nothing has been charged" in str(refusal.value.message)


def test_no_provider_configured_is_unavailable(person, settings):
    settings.REGISTRATION_PAYMENT_URL = ""
    with pytest.raises(PaymentUnavailable):
        begin(person)


def test_start_refuses_a_return_path_off_the_site(person, payment_simulator):
    for path in ("https://evil.example/", "//evil.example/"):
        with pytest.raises(ValueError):
            flows.start(person, purpose=PURPOSE, reference="x", amount_kopecks=100, description="x", return_path=path)


# --- webhooks ------------------------------------------------------------------------------------


def test_a_signed_webhook_marks_paid_once(client, person, payment_simulator, calls, django_capture_on_commit_callbacks):
    payment = begin(person)
    body = event(payment)
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_webhook(client, body)
    assert answer.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    assert calls == [(payment.pk, "paid")]
    audit = AuditEvent.objects.get(action="payment.paid")
    assert audit.data["via"] == "webhook" and audit.account == person
    # The same event again: acknowledged, nothing changes, the handler does not run again.
    with django_capture_on_commit_callbacks(execute=True):
        again = post_webhook(client, body)
    assert again.status_code == 200 and again.content == b"duplicate"
    assert calls == [(payment.pk, "paid")] and PaymentEvent.objects.count() == 1


@pytest.mark.parametrize(
    "tamper, expected",
    [
        ("signature", 403),
        ("secret", 403),
        ("stale", 400),
        ("future", 400),
        ("amount", 400),
        ("currency", 400),
        ("unknown", 404),
        ("unreadable", 400),
    ],
)
def test_a_bad_webhook_is_refused_and_changes_nothing(
    client, person, payment_simulator, calls, caplog, tamper, expected
):
    payment = begin(person)
    body = event(payment)
    options: dict = {}
    if tamper == "signature":
        options["signature"] = "hmac-sha256=" + "0" * 64
    elif tamper == "secret":
        options["secret"] = "someone-elses-secret"
    elif tamper == "stale":
        options["at"] = time.time() - 301
    elif tamper == "future":
        options["at"] = time.time() + 301
    elif tamper == "amount":
        body["payment"]["amount"] = 1
    elif tamper == "currency":
        body["payment"]["currency"] = "USD"
    elif tamper == "unknown":
        body["payment"]["id"] = "sim-unknown"
    elif tamper == "unreadable":
        body = b"{not json"
    answer = post_webhook(client, body, **options)
    assert answer.status_code == expected
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and PaymentEvent.objects.count() == 0 and calls == []
    assert "State fee" not in caplog.text and (payment.provider_payment_id or "") not in caplog.text.replace(
        "sim-unknown", ""
    )


def test_the_webhook_is_post_only_and_needs_no_session_or_csrf(client, person, payment_simulator):
    from django.test import Client

    assert client.get(reverse("registration:payment_webhook")).status_code == 405
    payment = begin(person)
    strict = Client(enforce_csrf_checks=True)
    assert post_webhook(strict, event(payment)).status_code == 200


def test_statuses_only_move_forward(client, person, payment_simulator, calls, django_capture_on_commit_callbacks):
    payment = begin(person)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, event(payment, "succeeded")).status_code == 200
        assert post_webhook(client, event(payment, "canceled")).status_code == 200  # late and stale
        assert post_webhook(client, event(payment, "pending")).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert calls == [(payment.pk, "paid")]


# --- the return page -----------------------------------------------------------------------------


def test_the_return_url_is_never_believed(client, person, payment_simulator):
    payment = begin(person)
    client.force_login(person)
    url = reverse("registration:payment_return", args=[payment.public_id])
    answer = client.get(url, {"status": "paid", "paid": "1", "result": "success"})
    assert answer.status_code == 200
    assert "Ожидаем подтверждения банка" in answer.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.paid_at is None


def test_the_return_page_asks_the_provider_and_goes_back(
    client, person, payment_simulator, calls, django_capture_on_commit_callbacks
):
    payment = begin(person)
    payment_simulator.drop_next = 1  # the webhook is lost: only the status query can tell
    assert payment_simulator.pay(payment.provider_payment_id, CARD_OK) == "succeeded"
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.get(reverse("registration:payment_return", args=[payment.public_id]))
    assert answer.status_code == 302 and answer["Location"] == "/account/"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert AuditEvent.objects.get(action="payment.paid").data["via"] == "status"
    assert calls == [(payment.pk, "paid")]


def test_the_return_page_says_so_when_the_provider_is_down(client, person, payment_simulator):
    payment = begin(person)
    payment_simulator.down = True
    client.force_login(person)
    with translation.override("ru"):
        answer = client.get(reverse("registration:payment_return", args=[payment.public_id]), HTTP_ACCEPT_LANGUAGE="ru")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Платёжный сервис" in page and "Проверить ещё раз" in page


def test_the_return_and_receipt_pages_are_the_owners_only(client, person, make_account, payment_simulator):
    payment = begin(person)
    urls = [
        reverse("registration:payment_return", args=[payment.public_id]),
        reverse("registration:payment_receipt", args=[payment.public_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(make_account())
    for url in urls:
        assert client.get(url).status_code == 404
    assert "State fee" not in client.get(reverse("registration:payment_list")).content.decode()
    client.force_login(person)
    assert all(client.get(url).status_code in (200, 302) for url in urls)


# --- receipts ------------------------------------------------------------------------------------


def test_the_receipt_shows_the_payment_in_the_persons_language(client, person, payment_simulator, settings):
    payment = begin(person, amount=250050)
    flows.set_status(payment, PaymentStatus.PAID, via="webhook")
    client.force_login(person)
    url = reverse("registration:payment_receipt", args=[payment.public_id])
    with translation.override("ru"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "2\xa0500,50\xa0₽" in page and "Оплачено" in page and payment.provider_payment_id in page
    assert "Квитанция" in page
    with translation.override("en"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2,500.50\xa0₽" in page or "2,500.50&nbsp;₽" in page
    listing = client.get(reverse("registration:payment_list")).content.decode()
    assert str(payment.public_id) in listing


def test_a_refund_shows_on_the_receipt(client, person, payment_simulator):
    payment = begin(person)
    flows.set_status(payment, PaymentStatus.PAID, via="webhook")
    flows.set_status(payment, PaymentStatus.REFUNDED, via="webhook")
    client.force_login(person)
    page = client.get(reverse("registration:payment_receipt", args=[payment.public_id])).content.decode()
    payment.refresh_from_db()
    assert "Возвращено" in page and "Дата возврата" in page and payment.refunded_at is not None


# --- reconciliation ------------------------------------------------------------------------------


def test_reconciliation_settles_expires_and_waits(
    person, payment_simulator, settings, calls, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_PAYMENT_PENDING_MINUTES = 15
    settings.REGISTRATION_PAYMENT_EXPIRY_HOURS = 24
    now = timezone.now()
    paid = begin(person)
    payment_simulator.drop_next = 1
    payment_simulator.pay(paid.provider_payment_id, CARD_OK)  # paid at the bank, webhook lost
    stuck = begin(person)
    payment_simulator.pay(stuck.provider_payment_id, CARD_PENDING)  # the bank never answers
    young = begin(person)
    payment_simulator.pay(young.provider_payment_id, CARD_PENDING)
    Payment.objects.filter(pk=paid.pk).update(created_at=now - timedelta(minutes=20))
    Payment.objects.filter(pk=stuck.pk).update(created_at=now - timedelta(hours=25))
    Payment.objects.filter(pk=young.pk).update(created_at=now - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        counts = flows.reconcile()
    assert counts == {"asked": 2, "settled": 1, "expired": 1, "unanswered": 0}
    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses[paid.pk] == "paid" and statuses[stuck.pk] == "failed" and statuses[young.pk] == "pending"
    assert sorted(calls) == sorted([(paid.pk, "paid"), (stuck.pk, "failed")])
    expired = AuditEvent.objects.get(action="payment.expired")
    assert expired.data["via"] == "reconcile" and CARD_PENDING not in json.dumps(expired.data)
    assert "3063" not in json.dumps(list(AuditEvent.objects.values_list("data", flat=True)))


def test_reconciliation_leaves_payments_for_later_when_the_provider_is_down(person, payment_simulator):
    payment = begin(person)
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(hours=30))
    payment_simulator.down = True
    assert flows.reconcile()["unanswered"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_the_command_and_the_task_reconcile(person, payment_simulator, capsys):
    from registration.payments import tasks

    payment = begin(person)
    payment_simulator.drop_next = 1
    payment_simulator.pay(payment.provider_payment_id, CARD_DECLINED)
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    call_command("reconcile_payments")
    assert "settled 1" in capsys.readouterr().out
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.FAILED
    result = tasks.reconcile_payments.enqueue()  # the immediate backend in tests
    assert result.return_value == {"asked": 0, "settled": 0, "expired": 0, "unanswered": 0}


# --- the finance desk ----------------------------------------------------------------------------


@pytest.fixture
def finance_officer(make_account):
    from django.contrib.auth.models import Group

    officer = make_account("finance@example.org", is_staff=True, phone=None)
    officer.groups.add(Group.objects.get(name="Finance officers"))
    return officer


def test_the_finance_desk_reads_and_refunds(client, person, finance_officer, clerk, payment_simulator):
    payment = begin(person)
    payment_simulator.drop_next = 1
    payment_simulator.pay(payment.provider_payment_id, CARD_OK)
    flows.refresh(payment)
    changelist = reverse("admin:payments_payment_changelist")
    client.force_login(clerk)
    assert client.get(changelist).status_code == 403
    client.force_login(finance_officer)
    page = client.get(changelist)
    assert page.status_code == 200 and "1\xa0500,00" in page.content.decode()
    found = client.get(client.post(changelist, {"q": person.email})["Location"])  # searched by POST
    assert person.email not in found.request["QUERY_STRING"] and payment.provider_payment_id in found.content.decode()
    change = client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    answer = client.post(changelist, {"action": "refund_selected", "_selected_action": [payment.pk]})
    assert answer.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_at is not None
    assert payment_simulator.payments[payment.provider_payment_id]["status"] == "refunded"
    requested = AuditEvent.objects.get(action="payment.refund_requested")
    assert requested.actor == finance_officer and requested.account == person
    assert AuditEvent.objects.get(action="payment.refunded").actor == finance_officer


def test_refunding_needs_its_own_permission(client, person, make_account, payment_simulator):
    from django.contrib.auth.models import Permission

    reader = make_account("reader@example.org", is_staff=True, phone=None)
    reader.user_permissions.add(Permission.objects.get(codename="view_payment"))
    payment = begin(person)
    flows.set_status(payment, PaymentStatus.PAID, via="webhook")
    client.force_login(reader)
    changelist = reverse("admin:payments_payment_changelist")
    assert "refund_selected" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "refund_selected", "_selected_action": [payment.pk]})
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert not AuditEvent.objects.filter(action="payment.refund_requested").exists()
    assert payment_simulator.payments[payment.provider_payment_id]["status"] == "pending"


def test_an_oversized_webhook_is_refused_unread(client, person, payment_simulator):
    payment = begin(person)
    body = event(payment)
    body["padding"] = "x" * 70000
    assert post_webhook(client, body).status_code == 413
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and not PaymentEvent.objects.exists()


def test_check_again_asks_the_provider_at_most_once_every_few_seconds(client, person, payment_simulator):
    payment = begin(person)
    client.force_login(person)
    url = reverse("registration:payment_return", args=[payment.public_id])
    before = payment_simulator.api_requests
    for _ in range(5):
        assert client.get(url).status_code == 200
    assert payment_simulator.api_requests == before + 1
