"""SMS backends: console, memory, file, and the HTTP gateway against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from registration.codes import sms
from registration.core import masking
from registration.onboarding import steps as S


class Gateway:
    """A stand-in SMS gateway: answers with the queued statuses, records what it received."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.statuses: list[int] = []
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                gateway.received.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "content_type": self.headers.get("Content-Type"),
                        "json": json.loads(body.decode()),
                    }
                )
                if gateway.delay:
                    time.sleep(gateway.delay)
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                payload = b'{"status": "queued"}'
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/messages"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    """A real HTTP server on a random loopback port, configured as the SMS gateway."""
    server = Gateway()
    settings.REGISTRATION_SMS_BACKEND = "registration.codes.sms.HttpGatewayBackend"
    settings.REGISTRATION_SMS_GATEWAY_URL = server.url
    settings.REGISTRATION_SMS_GATEWAY_TOKEN = "secret-token"
    settings.REGISTRATION_SMS_GATEWAY_TIMEOUT = 1
    settings.REGISTRATION_SMS_GATEWAY_RETRIES = 2
    yield server
    server.close()


def test_gateway_receives_json_with_the_bearer_token(gateway):
    """The HTTP backend POSTs the number and text as JSON with the configured token."""
    sms.send_sms("+79161234567", "Code 123456")
    assert gateway.received == [
        {
            "path": "/v1/messages",
            "authorization": "Bearer secret-token",
            "content_type": "application/json; charset=utf-8",
            "json": {"to": "+79161234567", "text": "Code 123456"},
        }
    ]


def test_gateway_errors_are_retried(gateway):
    """A 5xx answer is retried; the message goes through on a later try."""
    gateway.statuses = [503, 502]
    sms.get_backend(backoff=0).send("+79161234567", "hello")
    assert len(gateway.received) == 3


def test_gateway_refusal_is_not_retried(gateway):
    """A 4xx answer is final and raises SmsSendError after one try."""
    gateway.statuses = [400]
    with pytest.raises(sms.SmsSendError):
        sms.get_backend(backoff=0).send("+79161234567", "hello")
    assert len(gateway.received) == 1


def test_gateway_timeout_raises_after_the_retries(gateway, settings):
    """A gateway slower than the timeout fails with SmsSendError after the configured retries."""
    settings.REGISTRATION_SMS_GATEWAY_TIMEOUT = 0.2
    settings.REGISTRATION_SMS_GATEWAY_RETRIES = 1
    gateway.delay = 0.5
    started = time.monotonic()
    with pytest.raises(sms.SmsSendError):
        sms.get_backend(backoff=0).send("+79161234567", "hello")
    assert len(gateway.received) == 2
    assert time.monotonic() - started < 3


def test_unreachable_gateway_raises(settings):
    """Nothing listening on the port is a send failure, not a crash."""
    settings.REGISTRATION_SMS_GATEWAY_URL = "http://127.0.0.1:9/"
    backend = sms.HttpGatewayBackend(retries=0)
    with pytest.raises(sms.SmsSendError):
        backend.send("+79161234567", "hello")


def test_gateway_url_must_be_http(settings):
    """A missing or non-HTTP gateway URL is a configuration error."""
    settings.REGISTRATION_SMS_GATEWAY_URL = "file:///etc/passwd"
    with pytest.raises(ImproperlyConfigured):
        sms.HttpGatewayBackend()


def test_wizard_with_a_failing_gateway_asks_to_try_again_then_works(wizard, gateway, settings):
    """When the gateway fails, the phone step says "could not send"; the next try succeeds."""
    settings.REGISTRATION_SMS_GATEWAY_RETRIES = 0
    wizard.run_until(S.PHONE_CODE)
    gateway.statuses = [500]
    page = wizard.get(S.PHONE_CODE)
    assert page.status_code == 200 and page.context["send_failed"]
    assert not page.context["code_state"].sent
    response = wizard.resend(S.PHONE_CODE)
    assert response.status_code == 200 and not response.context["send_failed"]
    text = gateway.received[-1]["json"]["text"]
    code = next(word for word in text.split() if word.isdigit() and len(word) == 6)
    assert wizard.post(S.PHONE_CODE, {"code": code}).status_code == 302


def test_memory_backend_collects_messages():
    """The memory backend appends to the module-level outbox."""
    sms.outbox.clear()
    sms.MemoryBackend().send("+79161234567", "one")
    assert [(m.to, m.text) for m in sms.outbox] == [("+79161234567", "one")]
    sms.outbox.clear()


def test_console_backend_prints(settings):
    """The console backend writes the message to its stream."""
    stream = io.StringIO()
    sms.ConsoleBackend(stream=stream).send("+79161234567", "Code 123456")
    assert stream.getvalue() == "SMS to +79161234567: Code 123456\n"


def test_file_backend_appends_json_lines(tmp_path, settings):
    """The file backend appends one JSON object per message."""
    settings.REGISTRATION_SMS_BACKEND = "registration.codes.sms.FileBackend"
    settings.REGISTRATION_SMS_FILE_PATH = str(tmp_path / "out" / "sms.log")
    sms.send_sms("+79161234567", "один")
    sms.send_sms("+79161234568", "two")
    lines = [json.loads(line) for line in (tmp_path / "out" / "sms.log").read_text(encoding="utf-8").splitlines()]
    assert [(line["to"], line["text"]) for line in lines] == [("+79161234567", "один"), ("+79161234568", "two")]


def test_file_backend_failure_is_a_send_error(tmp_path):
    """An unwritable path raises SmsSendError."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(sms.SmsSendError):
        sms.FileBackend(path=str(blocker / "sms.log")).send("+79161234567", "x")


def test_masked_phone_hides_the_middle():
    """Logs carry only the start and end of a number."""
    assert masking.mask_phone("+79161234567") == "+7916***4567"
    assert masking.mask_phone("123") == "***"


def test_misconfigured_gateway_is_a_failed_send_not_an_error_page(wizard, settings):
    """A gateway backend without a URL makes the phone step say "could not send", not fail."""
    settings.REGISTRATION_SMS_BACKEND = "registration.codes.sms.HttpGatewayBackend"
    settings.REGISTRATION_SMS_GATEWAY_URL = ""
    wizard.run_until(S.PHONE_CODE)
    page = wizard.get(S.PHONE_CODE)
    assert page.status_code == 200 and page.context["send_failed"]
