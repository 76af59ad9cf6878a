"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture
def make_account(db):
    """Create an account; defaults give a pending applicant with a phone."""
    from registration.accounts.models import Account

    counter = {"n": 0}

    def factory(email: str | None = None, password: str = "Correct-Horse-42", **extra):
        counter["n"] += 1
        n = counter["n"]
        extra.setdefault("phone", f"+7916{n:07d}")
        return Account.objects.create_user(email or f"person{n}@example.org", password, **extra)

    return factory


@pytest.fixture
def clerk(make_account):
    """A staff account without special permissions."""
    return make_account("clerk@example.org", is_staff=True, phone=None)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request made by the test client leaves its language active."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and other cached values never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registry_simulator(settings):
    """The agencies' registries' simulator on loopback, with a token and a signing key the site is given too."""
    from registration.registries.simulator import RegistrySimulator

    simulator = RegistrySimulator(token="test-token", signing_key="test-signing-key")
    settings.REGISTRATION_REGISTRY_URL = simulator.url
    settings.REGISTRATION_REGISTRY_TOKEN = "test-token"
    settings.REGISTRATION_REGISTRY_SIGNING_KEY = "test-signing-key"
    settings.REGISTRATION_REGISTRY_TIMEOUT = 2
    yield simulator
    simulator.close()


# --- the registration wizard (fixtures for tests/registration/test_wizard_*.py and friends) -----


def make_scan(kind: str = "png", *, size: tuple[int, int] = (1100, 700), dpi: int = 300) -> bytes:
    """A sharp, readable scan (lines of text on white) of ``kind`` ("png", "jpeg" or "pdf")."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for y in range(20, size[1] - 20, 24):
        draw.text((20, y), "PASSPORT P<UTOERIKSSON<<ANNA<MARIA 0123456789 " * 3, fill=0)
    buffer = io.BytesIO()
    if kind == "pdf":
        image.convert("RGB").save(buffer, "PDF", resolution=dpi)
    else:
        image.save(buffer, kind.upper(), dpi=(dpi, dpi))
    return buffer.getvalue()


@pytest.fixture
def scan_maker():
    """The scan factory, for tests that need a scan with other properties (e.g. a low resolution)."""
    return make_scan


@pytest.fixture(scope="session")
def scan_bytes():
    """Valid scans by kind, made once per test session."""
    return {kind: make_scan(kind) for kind in ("png", "jpeg", "pdf")}


class WizardDriver:
    """Drives the registration wizard through the Django test client, step by step."""

    PREFIX = "registration_wizard"

    def __init__(self, client, scans):
        from datetime import date

        self.client = client
        self.scans = scans
        from validators.dates import add_months

        expiry = add_months(date.today(), 60)
        self.answers = {
            "type": {"registration_type": "foreign"},
            "contacts": {"email": "anna@example.org", "phone": "+79161234567"},
            "personal": {
                "surname": "Eriksson",
                "given_names": "Anna Maria",
                "patronymic": "",
                "birth_date": "12.08.1974",
                "birth_place": "Tashkent",
                "sex": "F",
                "citizenship": "UZ",
            },
            # The proposal is "Ерикссон"; the person corrects it, as the portal allows.
            "names_cyrillic": {"surname_cyrillic": "Эрикссон", "given_names_cyrillic": "Анна Мария"},
            "identity_document": {
                "kind": "foreign_passport",
                "number": "FA1234567",
                "issue_date": "01.02.2020",
                "expiry_date": expiry.strftime("%d.%m.%Y"),
                "issuing_authority": "Ministry of Internal Affairs",
                "mrz": "",
            },
            "stay_type": {"kind": "residence_permit"},
            "stay_document": {
                "series": "82",
                "number": "1234567",
                "issue_date": "01.03.2023",
                "expiry_date": "",
                "issuing_authority": "GUVM MVD",
                "holder_name": "ERIKSSON ANNA MARIA",
            },
            "identifiers": {"snils": "", "inn": ""},
            "address": {
                "region": "77",
                "city": "Moscow",
                "street": "Tverskaya",
                "house": "1",
                "flat": "2",
                "postcode": "101000",
            },
            "password": {"password1": "Correct-Horse-42", "password2": "Correct-Horse-42", "consent": "on"},
            "check": {},
        }
        self.files = {
            "identity_document": {"scan": ("passport.png", "png")},
            "stay_document": {"scan": ("permit.pdf", "pdf")},
        }

    @staticmethod
    def url(step):
        from django.urls import reverse

        return reverse("registration:wizard_step", kwargs={"step": step})

    def upload(self, name, kind):
        from django.core.files.uploadedfile import SimpleUploadedFile

        content_type = {"png": "image/png", "jpeg": "image/jpeg", "pdf": "application/pdf"}[kind]
        return SimpleUploadedFile(name, self.scans[kind], content_type=content_type)

    def payload(self, step, data=None, files=None):
        values = self.answers[step] if data is None else data
        body = {f"{step}-{key}": value for key, value in values.items()}
        body[f"{self.PREFIX}-current_step"] = step
        for field, spec in (self.files.get(step, {}) if files is None else files).items():
            body[f"{step}-{field}"] = self.upload(*spec) if isinstance(spec, tuple) else spec
        return body

    def post(self, step, data=None, files=None, query="", **extra):
        response = self.client.post(self.url(step) + query, self.payload(step, data, files), **extra)
        return self.shown_after(response, self.url(step) + query, **extra)

    def resend(self, step, query=""):
        """Press "send a new code" on a code step."""
        response = self.client.post(self.url(step) + query, {"resend": "1", f"{self.PREFIX}-current_step": step})
        return self.shown_after(response, self.url(step) + query)

    def shown_after(self, response, url, **extra):
        """What the person sees after a POST: one that redirects back to its own step (a refused answer,
        a new code asked for; Post/Redirect/Get) is followed, and the POST's response kept as ``posted``."""
        if response.status_code == 302 and response["Location"] == url:
            page = self.client.get(url, **{k: v for k, v in extra.items() if k.startswith("HTTP_")})
            page.posted = response
            return page
        return response

    def get(self, step, query=""):
        return self.client.get(self.url(step) + query)

    def latest_sms_code(self):
        import re

        from registration.codes import sms

        return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)

    def latest_email_code(self):
        import re

        from django.core import mail

        return re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)

    def answer(self, step):
        """Open the step (sending codes where due), then post its answers; returns the POST response."""
        self.get(step)
        if step == "phone_code":
            return self.post(step, {"code": self.latest_sms_code()})
        if step == "email_code":
            return self.post(step, {"code": self.latest_email_code()})
        return self.post(step)

    def run_until(self, stop):
        """Answer every step before ``stop``."""
        from registration.onboarding.steps import NAMES

        for step in NAMES:
            if step == stop:
                return
            response = self.answer(step)
            assert response.status_code == 302, (
                step,
                response.status_code,
                getattr(response, "context", None) and response.context.get("form") and response.context["form"].errors,
            )

    def run_all(self):
        """Answer every step including the check page; returns the last response."""
        self.run_until("check")
        return self.answer("check")


@pytest.fixture
def wizard_storage(settings, tmp_path):
    """A fresh, empty folder for the wizard's temporary uploads."""
    wizard = settings.STORAGES["wizard"]
    settings.STORAGES = {
        **settings.STORAGES,
        "wizard": {**wizard, "OPTIONS": {**wizard["OPTIONS"], "location": str(tmp_path / "wizard")}},
    }
    from django.core.files.storage import storages

    return storages["wizard"]


@pytest.fixture
def wizard(client, db, scan_bytes, wizard_storage):
    """A driver for the registration wizard with valid default answers; clears the SMS and mail outboxes."""
    from registration.codes import sms

    sms.outbox.clear()
    yield WizardDriver(client, scan_bytes)
    sms.outbox.clear()
