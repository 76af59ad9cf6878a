"""The confirmation e-mail goes through Django's SMTP backend to a real SMTP server on loopback."""

from __future__ import annotations

import email
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from registration.codes import contact as codes
from registration.codes.models import CodePurpose, OneTimeCode


class Collect(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[email.message.Message] = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def body_parts(message) -> dict[str, str]:
    parts = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts[part.get_content_type()] = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return parts


@pytest.mark.parametrize("language", ["en", "ru"])
def test_confirmation_email_is_delivered_over_smtp(db, smtp_server, language):
    """One e-mail with the code in subject, text and HTML, and a confirmation link, reaches the SMTP server."""
    from django.utils import translation

    with translation.override(language):
        outcome = codes.send_code(CodePurpose.EMAIL, "draft-1", "anna@example.org")
    assert outcome.code == codes.SENT
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "anna@example.org"
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    code = re.search(r"\b(\d{6})\b", subject).group(1)
    parts = body_parts(message)
    assert code in parts["text/plain"] and code in parts["text/html"]
    assert "/register/confirm-email/" in parts["text/plain"]
    assert codes.check_code(CodePurpose.EMAIL, "draft-1", "anna@example.org", code).ok


def test_smtp_failure_asks_to_try_again(db, settings):
    """With the SMTP server down, sending reports a failure and stores no code."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    assert codes.send_code(CodePurpose.EMAIL, "draft-1", "anna@example.org").code == codes.SEND_FAILED
    assert not OneTimeCode.objects.exists()
