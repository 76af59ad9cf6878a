"""Fixtures for the services' tests: confirmed people with a document of stay, a migration officer, an
in-memory payment provider, and a driver that fills a stay registration through the cabinet's pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from registration.accounts import status
from registration.accounts.models import Account, Document, DocumentKind, DocumentRole
from registration.payments.models import Payment, PaymentStatus
from tests.conftest import make_scan
from tests.registration.identity_fixtures import make_applicant, role_user
from validators import dates as vdates

STAY_UNTIL = date.today() + timedelta(days=200)


class FakePaymentBackend:
    """An in-memory provider (unit tests only): creates a payment page address, answers a status."""

    created: list[int] = []

    def create(self, payment: Payment) -> tuple[str, str]:
        FakePaymentBackend.created.append(payment.pk)
        return f"fake-{payment.pk}", f"https://pay.example.org/{payment.idempotency_key}"

    def status(self, payment: Payment) -> PaymentStatus:
        return PaymentStatus(payment.status)


FAKE_BACKEND = "tests.registration.services_fixtures.FakePaymentBackend"


@pytest.fixture
def person(make_applicant):
    """A confirmed person whose migration card (a document of stay) runs until ``STAY_UNTIL``."""

    def factory(email: str | None = None, **extra) -> Account:
        applicant = make_applicant(email, **extra)
        Document.objects.create(
            applicant=applicant,
            role=DocumentRole.STAY,
            kind=DocumentKind.MIGRATION_CARD,
            series="4512",
            number="1234567",
            issue_date=date.today() - timedelta(days=10),
            expiry_date=STAY_UNTIL,
        )
        status.activate(applicant.account, by=None, reason="test")
        return Account.objects.get(pk=applicant.account_id)

    return factory


@pytest.fixture
def officer(role_user, make_account):
    """A migration officer (the role the data migration creates)."""
    account = make_account("officer@staff.example.org", is_staff=True, phone=None)
    account.groups.add(Group.objects.get(name="Migration officers"))
    return Account.objects.get(pk=account.pk)


@pytest.fixture
def scans_dir(tmp_path):
    """A scratch folder (the scans themselves go to the test settings' private storage)."""
    return tmp_path


def stay_answers(start: date | None = None, days: int = 30) -> dict[str, dict[str, str]]:
    start = start or timezone.localdate()
    return {
        "address": {
            "region": "77",
            "city": "Москва",
            "street": "Тверская улица",
            "house": "7",
            "flat": "15",
            "postcode": "125009",
        },
        "host": {"kind": "organisation", "organisation": "ООО «Ромашка»", "inn": "7707083893", "ogrn": "1027700132195"},
        "period": {"start": vdates.format(start), "end": vdates.format(start + timedelta(days=days - 1))},
    }


def scan_files(codes, kind: str = "png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = make_scan(kind)
    return {code: SimpleUploadedFile(f"{code}.{kind}", data, content_type=f"image/{kind}") for code in codes}


def fill_stay(client, answers=None) -> str:
    """Apply for a stay registration through the pages; returns the application number (not yet submitted)."""
    answers = answers or stay_answers()
    response = client.post(reverse("services:start", args=["stay_registration"]))
    assert response.status_code == 302, response
    number = response["Location"].split("/")[3]
    for step in ("address", "host", "period"):
        response = client.post(reverse("services:step", args=[number, step]), {**answers[step], "action": "continue"})
        assert response.status_code == 302
        assert step not in response["Location"], f"{step} refused"
    response = client.post(
        reverse("services:step", args=[number, "scans"]),
        {"action": "continue", **scan_files(("passport", "migration_card", "right_to_live"))},
    )
    assert response["Location"] == reverse("services:check", args=[number]), "scans refused"
    return number
