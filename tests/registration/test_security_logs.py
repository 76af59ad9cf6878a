"""No personal data in logs: every log record of a whole journey is searched for the person's secrets."""

from __future__ import annotations

import logging
import re
import traceback

import pytest
from django.urls import reverse

from registration.accounts.models import Account, Document
from registration.onboarding import steps as S
from tests.registration.identity_fixtures import superuser  # noqa: F401
from tests.registration.test_contact_sms import Gateway

PASSPORT, SNILS, INN = "FA1234567", "11223344595", "500100732259"
PHONE, PASSWORD = "+79161234567", "Correct-Horse-42"


class Capture(logging.Handler):
    """Keeps every record, with its formatted message, arguments and traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        parts = [record.name, record.getMessage(), repr(record.args)]
        if record.exc_info:
            parts.append("".join(traceback.format_exception(*record.exc_info)))
        parts.extend(repr(value) for key, value in vars(record).items() if key not in {"msg", "args", "exc_info"})
        self.texts.append(" ".join(parts))


@pytest.fixture
def captured():
    """Every record of every logger, at every level, while the test runs."""
    handler = Capture()
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    root.addHandler(handler)
    logging.disable(logging.NOTSET)
    yield handler
    root.removeHandler(handler)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def gateway(settings):
    """The HTTP SMS gateway stand-in; it refuses the first message, as a flaky gateway would."""
    server = Gateway()
    server.statuses = [503]
    settings.REGISTRATION_SMS_BACKEND = "registration.codes.sms.HttpGatewayBackend"
    settings.REGISTRATION_SMS_GATEWAY_URL = server.url
    settings.REGISTRATION_SMS_GATEWAY_TOKEN = "gateway-token"
    settings.REGISTRATION_SMS_GATEWAY_RETRIES = 1
    yield server
    server.close()


def test_a_whole_journey_logs_no_personal_data(client, wizard, gateway, captured, superuser, settings):  # noqa: F811
    """Registration, wrong and right log-ins, the cabinet, the profile, a clerk's page: no secret in any record."""
    wizard.answers[S.IDENTIFIERS] = {"snils": "112-233-445 95", "inn": INN}

    def latest_sms_code() -> str:
        return re.search(r"\b(\d{6})\b", gateway.received[-1]["json"]["text"]).group(1)

    wizard.latest_sms_code = latest_sms_code
    assert wizard.run_all().status_code == 302
    account = Account.objects.get(email="anna@example.org")
    assert Document.objects.filter(applicant__account=account).count() == 2
    codes = {re.search(r"\b(\d{6})\b", m["json"]["text"]).group(1) for m in gateway.received}
    client.post(reverse("registration:logout"))
    client.post(reverse("registration:login"), {"username": PHONE, "password": "Wrong-Password-1"})
    client.post(reverse("registration:login"), {"username": "anna@example.org", "password": PASSWORD})
    for url in (reverse("registration:cabinet"), reverse("registration:profile"), "/no-such-page/"):
        client.get(url)
    client.force_login(superuser)
    page = client.get(reverse("admin:identity_pendingapplication_change", args=[account.applicant.pk]))
    assert page.status_code == 200 and "112-233-445 95" in page.content.decode()  # shown grouped

    assert captured.texts, "the journey logged nothing: the capture is broken"
    assert any("SMS gateway" in text for text in captured.texts)  # the refused first message was logged
    assert any("login failure" in text for text in captured.texts)  # django-axes' records are seen too
    secrets = {
        "passport": PASSPORT,
        "stay document": "1234567",
        "SNILS": SNILS,
        "SNILS formatted": "112-233-445 95",
        "INN": INN,
        "phone": PHONE,
        "phone digits": PHONE[2:],
        "password": PASSWORD,
        "wrong password": "Wrong-Password-1",
        **{f"code {code}": code for code in codes},
    }
    leaks = [(label, text[:200]) for text in captured.texts for label, value in secrets.items() if value in text]
    assert leaks == []


def test_a_failed_template_lookup_logs_no_context(captured):
    """Django logs a missing template variable with the whole context in its message: that record is dropped."""
    from django.template import engines

    engines["django"].from_string("{{ missing }}").render({"passport": PASSPORT})
    assert not any(PASSPORT in text for text in captured.texts)
    assert not any("Exception while resolving variable" in text for text in captured.texts)
