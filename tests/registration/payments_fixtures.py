"""The payment provider's simulator on a free port, the site told about it, and helpers to drive it."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from typing import Any

import pytest

SHOP_ID = "test-shop"
SECRET = "test-payment-secret-0123456789abcdef"
WEBHOOK_SECRET = "test-webhook-secret-0123456789abcdef"


@pytest.fixture
def payment_simulator(settings):
    """The provider on loopback; the site's provider settings point at it (webhooks need ``live_server``)."""
    from registration.payments.simulator import PaymentSimulator

    simulator = PaymentSimulator(shop_id=SHOP_ID, secret=SECRET, webhook_secret=WEBHOOK_SECRET, retry_delay=0.05)
    settings.REGISTRATION_PAYMENT_URL = simulator.url
    settings.REGISTRATION_PAYMENT_SHOP_ID = SHOP_ID
    settings.REGISTRATION_PAYMENT_SECRET = SECRET
    settings.REGISTRATION_PAYMENT_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.REGISTRATION_PUBLIC_URL = "http://127.0.0.1:9"  # nobody listens: a live_server test sets it
    settings.REGISTRATION_PAYMENT_TIMEOUT = 2
    settings.REGISTRATION_PAYMENT_RETRIES = 1
    yield simulator
    simulator.wait_for_webhooks(5)
    simulator.close()


@pytest.fixture(scope="module")
def site_server():
    """The site served over HTTP on a free port (Django's live server; no media handler, as uploads are private)."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(MEDIA_URL="http://media.invalid/"):
        server = LiveServer("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture
def site_for_webhooks(settings, site_server, payment_simulator):
    """The site served over HTTP, so that the simulator's webhooks reach it."""
    settings.REGISTRATION_PUBLIC_URL = site_server.url
    return payment_simulator


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def pay_on_page(url: str, card: str, action: str = "pay") -> tuple[int, str]:
    """Fill in the provider's page over HTTP as a person would: the answer's status and Location."""
    with urllib.request.urlopen(url, timeout=5) as page:
        html = page.read().decode()
    assert 'name="card"' in html
    form = urllib.parse.urlencode({"card": card, "action": action}).encode()
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(urllib.request.Request(url, data=form, method="POST"), timeout=5)
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", "")
    raise AssertionError("the payment page did not redirect")


def control(simulator: Any, name: str, **data: Any) -> dict[str, Any]:
    request = urllib.request.Request(f"{simulator.url}/control/{name}", data=json.dumps(data).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read().decode())


def wait_until(check: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False
