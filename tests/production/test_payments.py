"""Payments on the production stack: the provider's simulator sends signed webhooks to a gunicorn server
with production settings and PostgreSQL; a lost webhook is made good by ``manage.py reconcile_payments``."""

from __future__ import annotations

import time

import pytest

from registration.payments.simulator import CARD_OK
from tests.production.conftest import new_stack
from tests.registration.payments_fixtures import pay_on_page

START = """
from registration.accounts.models import Account
from registration.payments import flows
account, _ = Account.objects.get_or_create(email="payer-{n}@example.org", defaults={{"phone": "+7916555000{n}"}})
payment = flows.start(account, purpose="proof", reference="P-{n}", amount_kopecks=350000, description="Fee")
print(payment.redirect_url, payment.public_id)
"""


@pytest.fixture(scope="module")
def payment_stack(binaries):
    # No scheduler: the reconciliation is run by hand below, at a known moment.
    stack = new_stack(pg_port=54385, redis_port=6385, extra_env={"PAYMENT_PENDING_MINUTES": "0"}, schedulers_at_start=0)
    try:
        stack.start(app_servers=2)
        yield stack
    finally:
        stack.stop()


def start_payment(stack, n: int) -> tuple[str, str]:
    url, public_id = stack.manage("shell", "-c", START.format(n=n)).split()[-2:]
    return url, public_id


def status_of(stack, public_id: str) -> str:
    return stack.sql(f"SELECT status FROM payments_payment WHERE public_id = '{public_id}'")[0][0]


def test_a_payment_is_confirmed_by_a_signed_webhook_to_gunicorn(payment_stack):
    url, public_id = start_payment(payment_stack, 1)
    code, location = pay_on_page(url, CARD_OK)
    assert code == 303 and location.endswith(f"/payments/{public_id}/return/")
    deadline = time.monotonic() + 20
    while status_of(payment_stack, public_id) != "paid" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status_of(payment_stack, public_id) == "paid"
    assert [hook["status"] for hook in payment_stack.payments.webhooks] == [200]
    assert payment_stack.sql("SELECT count(*) FROM payments_paymentevent")[0][0] == 1


def test_a_lost_webhook_is_made_good_by_reconciliation(payment_stack):
    url, public_id = start_payment(payment_stack, 2)
    payment_stack.payments.drop_next = 1
    pay_on_page(url, CARD_OK)
    time.sleep(0.5)
    assert status_of(payment_stack, public_id) == "pending"
    out = payment_stack.manage("reconcile_payments")
    assert "settled 1" in out and status_of(payment_stack, public_id) == "paid"
    audit = payment_stack.sql("SELECT data::text FROM accounts_auditevent WHERE action = 'payment.paid'")
    assert any('"via": "reconcile"' in row[0] for row in audit)
