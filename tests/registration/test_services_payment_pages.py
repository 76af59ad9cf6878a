"""The pages whose forms lead to the payment provider allow its page in their Content-Security-Policy.

A browser holds a form's submission, and each redirect it follows, to the ``form-action`` of the page the
form is on: with ``'self'`` alone, "Submit and pay" and "Pay the fee" were blocked on their way to the
provider's page. Those two pages (and only they) add the provider's page origins.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from registration.payments import flows as payments
from registration.payments.models import Payment, PaymentStatus
from registration.services.models import ServiceApplication, Status
from tests.registration.identity_fixtures import make_applicant, role_user
from tests.registration.services_fixtures import FAKE_BACKEND, fill_stay, person, scan_files
from tests.registration.test_services_residence import ANSWERS

pytestmark = pytest.mark.django_db


def form_action(response) -> list[str]:
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        if name == "form-action":
            return values
    raise AssertionError("no form-action in the policy")


@pytest.mark.parametrize(
    "url, origins, expected",
    [
        ("https://api.pay.example.com/v3/", "", ["https://api.pay.example.com"]),
        ("http://127.0.0.1:8078", "", ["http://127.0.0.1:8078"]),
        (
            "https://api.pay.example.com",
            " https://pay.example.com/ , https://3ds.example.com,",
            ["https://pay.example.com", "https://3ds.example.com"],
        ),
        ("", "", []),
    ],
)
def test_the_payment_pages_origins_come_from_the_setting_or_the_providers_address(settings, url, origins, expected):
    settings.REGISTRATION_PAYMENT_URL = url
    settings.REGISTRATION_PAYMENT_PAGE_ORIGINS = origins
    assert payments.page_origins() == expected


@override_settings(REGISTRATION_PAYMENT_BACKEND=FAKE_BACKEND, REGISTRATION_PAYMENT_URL="https://api.pay.example.com")
def test_only_the_pages_that_lead_to_the_provider_allow_its_page_as_a_form_action(client, person):
    client.force_login(person())
    stay = fill_stay(client)
    assert form_action(client.get(reverse("services:check", args=[stay]))) == ["'self'"]

    client.post(reverse("services:start", args=["residence_permit"]))
    permit = ServiceApplication.objects.get(service="residence_permit")
    for step, data in ANSWERS.items():
        client.post(reverse("services:step", args=[permit.number, step]), data)
    client.post(
        reverse("services:step", args=[permit.number, "scans"]),
        scan_files(("passport", "migration_card", "income", "medical")),
    )
    check = client.get(reverse("services:check", args=[permit.number]))
    assert check.status_code == 200
    assert form_action(check) == ["'self'", "https://api.pay.example.com"]
    assert form_action(client.get(reverse("services:detail", args=[permit.number]))) == ["'self'"]  # a draft

    response = client.post(reverse("services:check", args=[permit.number]), {"consent": "on"})
    assert response["Location"].startswith("https://pay.example.org/")
    permit.refresh_from_db()
    assert permit.status == Status.AWAITING_PAYMENT
    detail = client.get(reverse("services:detail", args=[permit.number]))
    assert 'id="pay-fee"' in detail.content.decode()
    assert form_action(detail) == ["'self'", "https://api.pay.example.com"]


def fill_permit(client) -> ServiceApplication:
    client.post(reverse("services:start", args=["residence_permit"]))
    permit = ServiceApplication.objects.get(service="residence_permit")
    for step, data in ANSWERS.items():
        client.post(reverse("services:step", args=[permit.number, step]), data)
    client.post(
        reverse("services:step", args=[permit.number, "scans"]),
        scan_files(("passport", "migration_card", "income", "medical")),
    )
    client.post(reverse("services:check", args=[permit.number]), {"consent": "on"})
    permit.refresh_from_db()
    assert permit.status == Status.AWAITING_PAYMENT
    return permit


@override_settings(REGISTRATION_PAYMENT_BACKEND=FAKE_BACKEND)
def test_back_from_a_declined_payment_the_page_does_not_say_it_waits_for_the_bank(client, person):
    """The return from the provider says "waiting for the bank" only while the payment is pending."""
    client.force_login(person(preferred_language="en"))
    permit = fill_permit(client)
    back = reverse("services:payment_return", args=[permit.number])
    waiting = "We are waiting for the payment service to confirm your payment."
    page = client.get(back, follow=True).content.decode()
    assert waiting in page and 'id="payment-failed"' not in page
    Payment.objects.filter(reference=permit.number).update(status=PaymentStatus.FAILED)
    page = client.get(back, follow=True).content.decode()
    assert 'id="payment-failed"' in page and waiting not in page


@override_settings(REGISTRATION_PAYMENT_BACKEND=FAKE_BACKEND, REGISTRATION_RESIDENCE_PERMIT_FEE_KOPECKS=1_500_050)
@pytest.mark.parametrize("lang, amount", [("ru", "15\xa0000,50"), ("en", "15,000.50")])
def test_the_fee_is_written_as_the_language_writes_numbers(client, person, lang, amount):
    account = person(preferred_language=lang)
    client.force_login(account)
    assert f"{amount} " in client.get(reverse("services:index")).content.decode()
    permit = fill_permit(client)
    assert f"{amount} " in client.get(reverse("services:detail", args=[permit.number])).content.decode()
