"""SMS sending is idempotent across retries: one message id per message, the same on every try."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from registration.codes import sms


class DeduplicatingGateway:
    """A gateway that records every request, delivers each Idempotency-Key once, and stalls on the first request."""

    def __init__(self, stall_first: float) -> None:
        self.requests: list[dict] = []
        self.delivered: list[dict] = []
        self.stall_first = stall_first
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                key = self.headers.get("Idempotency-Key")
                with gateway.lock:
                    first = not gateway.requests
                    gateway.requests.append({"key": key, "json": body})
                    if key is None or key not in {item["key"] for item in gateway.delivered}:
                        gateway.delivered.append({"key": key, "json": body})
                if first:
                    time.sleep(gateway.stall_first)  # delivered, but the answer comes after the client's timeout
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stalling_gateway(settings):
    gateway = DeduplicatingGateway(stall_first=0.6)
    settings.REGISTRATION_SMS_BACKEND = "registration.codes.sms.HttpGatewayBackend"
    settings.REGISTRATION_SMS_GATEWAY_URL = gateway.url
    settings.REGISTRATION_SMS_GATEWAY_TOKEN = "secret-token"
    settings.REGISTRATION_SMS_GATEWAY_TIMEOUT = 0.2
    settings.REGISTRATION_SMS_GATEWAY_RETRIES = 2
    yield gateway
    gateway.close()


def test_retry_after_a_timeout_carries_the_same_message_id_and_is_delivered_once(stalling_gateway):
    """A timeout after the request left is retried with the same Idempotency-Key, so the person gets one SMS."""
    sms.get_backend(backoff=0).send("+79161234567", "Code 123456")
    keys = [item["key"] for item in stalling_gateway.requests]
    assert len(keys) == 2
    assert keys[0] and len(set(keys)) == 1
    assert stalling_gateway.delivered == [{"key": keys[0], "json": {"to": "+79161234567", "text": "Code 123456"}}]


def test_each_message_gets_its_own_id(stalling_gateway):
    """Two messages (even the same text to the same number) are two ids: the gateway delivers both."""
    stalling_gateway.stall_first = 0
    backend = sms.get_backend(backoff=0)
    backend.send("+79161234567", "hello")
    backend.send("+79161234567", "hello")
    keys = [item["key"] for item in stalling_gateway.requests]
    assert len(keys) == 2 and keys[0] != keys[1]
    assert len(stalling_gateway.delivered) == 2
