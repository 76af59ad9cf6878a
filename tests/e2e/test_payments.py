"""Paying a fee in a real browser: the provider's page (the simulator), back to the site, the receipt.

The site learns the outcome from the provider only (its webhook or its status API), never from the
address the browser comes back to. A payment the bank has not answered shows the waiting page.
"""

from __future__ import annotations

import pytest

from registration.payments.simulator import CARD_OK, CARD_PENDING
from tests.e2e import serial_server
from tests.registration import payments_fixtures

payment_simulator = payments_fixtures.payment_simulator
live_server = serial_server.live_server  # one request at a time (see there)
PASSWORD = "Correct-Horse-42"


@pytest.fixture
def provider(payment_simulator, live_server, settings):
    settings.REGISTRATION_PUBLIC_URL = live_server.url
    return payment_simulator


def log_in(visit, email: str) -> None:
    visit.go("/account/login/")
    visit.page.locator("#id_username").fill(email)
    visit.page.locator("#id_password").fill(PASSWORD)
    visit.submit()


def pay(visit, provider, payment, card: str) -> None:
    page = visit.page
    page.goto(payment.redirect_url)
    page.locator("#card").fill(card)
    visit.shot("provider-page")
    sent = len(provider.webhooks)
    visit.submit("button[value=pay]")
    if card != CARD_PENDING:  # the provider's webhook is answered before the test reads the database
        assert payments_fixtures.wait_until(lambda: len(provider.webhooks) > sent), provider.webhooks


@pytest.mark.parametrize("lang, viewport", [("ru", "desktop"), ("en", "phone")])
def test_a_fee_paid_on_the_providers_page_shows_on_the_receipt(open_visit, provider, make_account, lang, viewport):
    from registration.payments import flows
    from registration.payments.models import Payment

    person = make_account(f"payer-{lang}@example.org", password=PASSWORD, preferred_language=lang)
    fee = flows.start(
        person,
        purpose="e2e",
        reference="E2E-1",
        amount_kopecks=350000,
        description="Госпошлина за вид на жительство" if lang == "ru" else "State fee for a residence permit",
        return_path="/account/payments/",
    )
    visit = open_visit(lang, viewport)
    log_in(visit, person.email)
    pay(visit, provider, fee, CARD_OK)
    assert visit.path() == "/account/payments/"  # back on the service's page, the payment recorded
    assert Payment.objects.get(pk=fee.pk).status == "paid"
    visit.check("payments-list")
    amount = "3\xa0500,00\xa0₽" if lang == "ru" else "3,500.00\xa0₽"
    assert amount in visit.page.inner_text("main")
    visit.page.locator(f"a[href='/account/payments/{fee.public_id}/']").click()
    visit.page.wait_for_load_state("load")
    visit.check("payment-receipt")
    text = visit.page.inner_text("main")
    assert amount in text and fee.provider_payment_id in text
    assert ("Оплачено" if lang == "ru" else "Paid") in text

    waiting = flows.start(
        person, purpose="e2e", reference="E2E-2", amount_kopecks=50000, description="Fee", return_path="/account/"
    )
    pay(visit, provider, waiting, CARD_PENDING)  # the bank never answers
    assert visit.path() == f"/payments/{waiting.public_id}/return/"
    visit.check("payment-waiting")
    heading = visit.page.inner_text("h1")
    assert heading == ("Ожидаем подтверждения банка" if lang == "ru" else "Waiting for the bank's confirmation")
    visit.submit("main form [type=submit]")  # "Check again": still waiting, nothing believed from the URL
    assert Payment.objects.get(pk=waiting.pk).status == "pending"
