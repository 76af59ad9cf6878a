"""The outside world's stand-ins for the loopback stack: an HTTP SMS gateway and an SMTP server, both
recording what they receive (and printing it for ``make serve-prod``)."""

from __future__ import annotations

import json
import re
import socket
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmsGateway:
    """An HTTP SMS gateway on loopback: records each message once per ``Idempotency-Key``; ``down`` answers 503."""

    def __init__(self, echo: bool = False) -> None:
        self.messages: list[dict[str, str]] = []
        self.down = False
        self.echo = echo
        self.lock = threading.Lock()
        self.seen: set[str] = set()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if gateway.down:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                message = json.loads(body.decode())
                key = self.headers.get("Idempotency-Key") or ""
                with gateway.lock:
                    repeated = bool(key) and key in gateway.seen
                    gateway.seen.add(key)
                    if not repeated:
                        gateway.messages.append(message)
                if gateway.echo and not repeated:
                    print(f"[SMS to {message['to']}] {message['text']}", flush=True)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def code_for(self, phone: str, after: int = 0) -> str | None:
        """The last 6-digit code sent to ``phone`` among messages after index ``after``."""
        with self.lock:
            for message in reversed(self.messages[after:]):
                if message["to"] == phone:
                    found = re.search(r"\b(\d{6})\b", message["text"])
                    if found:
                        return found.group(1)
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class MailServer:
    """An SMTP server on loopback (aiosmtpd) that records subjects and bodies by recipient."""

    def __init__(self, echo: bool = False) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.echo = echo
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):  # type: ignore[no-untyped-def]
                parsed = message_from_bytes(envelope.content)
                subject = str(make_header(decode_header(parsed.get("Subject", ""))))
                with server.lock:
                    for to in envelope.rcpt_tos:
                        server.messages.append({"to": to.lower(), "subject": subject})
                if server.echo:
                    print(f"[e-mail to {', '.join(envelope.rcpt_tos)}] {subject}", flush=True)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def code_for(self, address: str) -> str | None:
        with self.lock:
            for message in reversed(self.messages):
                if message["to"] == address.lower():
                    found = re.search(r"\b(\d{6})\b", message["subject"])
                    if found:
                        return found.group(1)
        return None

    def close(self) -> None:
        self.controller.stop()


# --- the servers -------------------------------------------------------------------------------------
