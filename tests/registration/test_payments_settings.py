"""Production settings for payments: off unless configured, and then only with real secrets over HTTPS."""

from __future__ import annotations

import pytest

from tests.registration.test_production_settings import REQUIRED, run

PROVIDER = {
    "PAYMENT_URL": "https://pay.example.org/api",
    "PAYMENT_SHOP_ID": "shop-1",
    "PAYMENT_SECRET": "s" * 40,
    "PAYMENT_WEBHOOK_SECRET": "w" * 40,
    "PUBLIC_URL": "https://portal.example.org",
}


def test_a_configured_provider_passes_the_deploy_checks(tmp_path):
    result = run("check", "--deploy", "--fail-level", "WARNING", env={**REQUIRED, **PROVIDER}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "change, named",
    [
        ({"PAYMENT_SHOP_ID": ""}, "PAYMENT_SHOP_ID"),
        ({"PAYMENT_SECRET": "short"}, "PAYMENT_SECRET"),
        ({"PAYMENT_WEBHOOK_SECRET": "short"}, "PAYMENT_WEBHOOK_SECRET"),
        ({"PAYMENT_URL": "http://pay.example.org/api"}, "PAYMENT_URL"),
        ({"PUBLIC_URL": "http://portal.example.org"}, "PUBLIC_URL"),
        ({"PUBLIC_URL": ""}, "PUBLIC_URL"),
    ],
)
def test_insecure_payment_settings_stop_start_up(tmp_path, change, named):
    result = run("check", env={**REQUIRED, **PROVIDER, **change}, tmp_path=tmp_path)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and named in result.stderr


def test_plain_http_is_accepted_on_loopback_only(tmp_path):
    loopback = {"PAYMENT_URL": "http://127.0.0.1:8078", "PUBLIC_URL": "http://127.0.0.1:8000"}
    result = run("check", env={**REQUIRED, **PROVIDER, **loopback}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
