"""A local stand-in for the payment provider: the API of ``registration/payments/backends.py`` over HTTP.

Run it alone with ``python -m registration.payments.simulator --port 8078`` (``make run`` does), or
in-process from tests: ``PaymentSimulator(shop_id=..., secret=...)`` starts on a free port. It needs only
the standard library.

* ``POST /v1/payments`` (signed, ``Idempotency-Key``): the same key returns the same payment; the same key
  with another amount is refused (422). ``GET /v1/payments/<id>``; ``POST /v1/payments/<id>/refund``.
* ``GET /pay/<id>``: the payment page (amount, description, a card number, Pay / Cancel, no JavaScript);
  its form posts to ``/pay/<id>`` and the person is redirected to the return URL. Test cards:
  :data:`CARD_OK` pays, :data:`CARD_DECLINED` is declined, :data:`CARD_PENDING` leaves the payment pending
  and sends no webhook (the bank never answered).
* Webhooks to the payment's ``webhook_url``: ``payment.succeeded``, ``payment.canceled``,
  ``payment.refunded``, each with a unique ``event_id``, signed (HMAC-SHA-256 of ``<time>\\n<body>`` under
  the webhook secret), retried on a failure or a non-2xx answer :attr:`retries` times.
* Test controls, as attributes or ``POST /control/<name>`` with a JSON body: ``drop-next-webhook``,
  ``duplicate-next-webhook`` (delivered twice with one event id), ``delay`` (``{"seconds": n}`` before
  each webhook), ``down`` (``{"down": true}``: the API answers 503), ``refund`` (``{"id": ...}``: the
  provider refunds on its own and notifies), ``pay`` (``{"id", "card"}``: as if paid on the page).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CARD_OK = "4111111111111111"
CARD_DECLINED = "4000000000000002"
CARD_PENDING = "4000000000003063"
#: Seconds a signed API request stays acceptable.
SIGNATURE_WINDOW = 300


def request_signature(secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    signed = f"{method}\n{path}\n{timestamp}\n".encode() + body
    return "hmac-sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    return "hmac-sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def roubles(kopecks: int) -> str:
    return f"{kopecks // 100:,}.{kopecks % 100:02d}".replace(",", " ") + " ₽"


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Payment — provider simulator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font:16px/1.5 sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}}
label,input,button{{display:block;margin:.5rem 0}}input{{font-size:1.1rem;padding:.4rem;width:100%}}
button{{font-size:1rem;padding:.5rem 1rem;display:inline-block}}.error{{color:#b00020}}</style></head>
<body><main>
<h1>Payment simulator</h1>
<p><strong>Amount:</strong> <span id="amount">{amount}</span></p>
<p><strong>For:</strong> <span id="description">{description}</span></p>
{body}
</main></body></html>"""

FORM = """{error}<form method="post" action="/pay/{id}">
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="cc-number" value="">
<p>Test cards: {ok} (paid), {declined} (declined), {pending} (no answer from the bank).</p>
<button type="submit" name="action" value="pay">Pay</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>"""


class PaymentSimulator:
    """The provider on loopback. Attributes are the test controls; ``webhooks`` records each delivery."""

    def __init__(
        self,
        port: int = 0,
        *,
        shop_id: str = "",
        secret: str = "",
        webhook_secret: str = "",
        retries: int = 3,
        retry_delay: float = 0.2,
        echo: bool = False,
    ) -> None:
        self.shop_id = shop_id
        self.secret = secret
        self.webhook_secret = webhook_secret or secret
        self.retries = retries
        self.retry_delay = retry_delay
        self.echo = echo
        self.payments: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, str] = {}
        self.webhooks: list[dict[str, Any]] = []  # each delivery attempt: event id, type, HTTP status
        self.created = 0  # payments made (a repeated idempotency key makes none)
        self.api_requests = 0
        self.down = False
        self.drop_next = 0
        self.duplicate_next = 0
        self.webhook_delay = 0.0
        self.lock = threading.RLock()
        self._numbers = itertools.count(1)
        self._threads: list[threading.Thread] = []
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def reply(self, status: int, data: Any = None, *, content_type: str = "application/json") -> None:
                if isinstance(data, str):
                    body = data.encode()
                else:
                    body = json.dumps(data if data is not None else {}, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def redirect(self, location: str) -> None:
                self.send_response(303)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def body(self) -> bytes:
                return self.rfile.read(min(int(self.headers.get("Content-Length", 0) or 0), 65536))

            def authorised(self, method: str, body: bytes) -> bool:
                if not simulator.secret:
                    return True
                timestamp = self.headers.get("X-Request-Time", "")
                if self.headers.get("X-Shop-Id") != simulator.shop_id:
                    return False
                if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > SIGNATURE_WINDOW:
                    return False
                path = urlsplit(self.path).path
                expected = request_signature(simulator.secret, method, path, timestamp, body)
                return hmac.compare_digest(expected, self.headers.get("X-Signature", ""))

            def api(self, method: str, body: bytes) -> tuple[int, dict[str, Any]] | None:
                with simulator.lock:
                    simulator.api_requests += 1
                if simulator.down:
                    return 503, {"error": "unavailable"}
                if not self.authorised(method, body):
                    return 401, {"error": "signature"}
                return None

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path.startswith("/v1/payments/"):
                    refused = self.api("GET", b"")
                    if refused:
                        self.reply(*refused)
                        return
                    payment = simulator.payments.get(path.rsplit("/", 1)[-1])
                    self.reply(200, simulator.public(payment)) if payment else self.reply(404, {"error": "payment"})
                elif path.startswith("/pay/"):
                    payment = simulator.payments.get(path.rsplit("/", 1)[-1])
                    if payment is None:
                        self.reply(404, "<p>No such payment.</p>", content_type="text/html")
                        return
                    self.reply(200, simulator.page(payment), content_type="text/html")
                elif path == "/favicon.ico":
                    self.send_response(204)
                    self.end_headers()
                else:
                    self.reply(404, {"error": "path"})

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                body = self.body()
                if path.startswith("/control/"):
                    self.reply(*simulator.control(path.removeprefix("/control/"), body))
                    return
                if path.startswith("/pay/"):
                    form = {key: values[0] for key, values in parse_qs(body.decode(errors="replace")).items()}
                    payment = simulator.payments.get(path.rsplit("/", 1)[-1])
                    if payment is None:
                        self.reply(404, "<p>No such payment.</p>", content_type="text/html")
                        return
                    if form.get("action") == "cancel":
                        simulator.settle(payment["id"], "canceled")
                        self.redirect(payment["return_url"])
                        return
                    card = "".join(ch for ch in form.get("card", "") if ch.isdigit())
                    if card not in (CARD_OK, CARD_DECLINED, CARD_PENDING):
                        self.reply(200, simulator.page(payment, error="Unknown card number."), content_type="text/html")
                        return
                    simulator.pay(payment["id"], card)
                    self.redirect(payment["return_url"])
                    return
                refused = self.api("POST", body)
                if refused:
                    self.reply(*refused)
                    return
                try:
                    data = json.loads(body.decode() or "{}")
                except (UnicodeDecodeError, json.JSONDecodeError):
                    self.reply(400, {"error": "json"})
                    return
                key = self.headers.get("Idempotency-Key", "")
                if path == "/v1/payments":
                    self.reply(*simulator.create(data, key))
                elif path.startswith("/v1/payments/") and path.endswith("/refund"):
                    if not key:
                        self.reply(400, {"error": "idempotency_key"})
                        return
                    self.reply(*simulator.refund(path.split("/")[3]))
                else:
                    self.reply(404, {"error": "path"})

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    # --- the provider's behaviour -------------------------------------------------------------------

    @staticmethod
    def public(payment: dict[str, Any]) -> dict[str, Any]:
        shown = ("id", "status", "amount", "currency", "description", "reference", "refunded_amount")
        return {key: payment[key] for key in shown}

    def page(self, payment: dict[str, Any], error: str = "") -> str:
        if payment["status"] == "pending" and not payment.get("card"):
            body = FORM.format(
                id=payment["id"],
                error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
                ok=CARD_OK,
                declined=CARD_DECLINED,
                pending=CARD_PENDING,
            )
        else:
            status, back = html.escape(payment["status"]), html.escape(payment["return_url"])
            body = f'<p>This payment is {status}.</p><p><a href="{back}">Back to the site</a></p>'
        description = html.escape(payment["description"])
        return PAGE.format(amount=roubles(payment["amount"]), description=description, body=body)

    def create(self, data: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
        if not key:
            return 400, {"error": "idempotency_key"}
        amount = data.get("amount")
        if type(amount) is not int or amount <= 0 or data.get("currency") != "RUB":
            return 422, {"error": "amount"}
        for field in ("return_url", "webhook_url"):
            if not str(data.get(field, "")).startswith(("http://", "https://")):
                return 422, {"error": field}
        with self.lock:
            known = self.keys.get(key)
            if known:
                payment = self.payments[known]
                if payment["amount"] != amount:
                    return 422, {"error": "idempotency_key_reused"}
                return 200, {**self.public(payment), "confirmation_url": f"{self.url}/pay/{known}"}
            payment_id = f"sim-{next(self._numbers):06d}-{uuid.uuid4().hex[:12]}"
            self.payments[payment_id] = {
                "id": payment_id,
                "status": "pending",
                "amount": amount,
                "currency": "RUB",
                "description": str(data.get("description", ""))[:200],
                "reference": str(data.get("reference", ""))[:64],
                "return_url": data["return_url"],
                "webhook_url": data["webhook_url"],
                "refunded_amount": 0,
                "card": "",
            }
            self.keys[key] = payment_id
            self.created += 1
            return 201, {**self.public(self.payments[payment_id]), "confirmation_url": f"{self.url}/pay/{payment_id}"}

    def pay(self, payment_id: str, card: str) -> str:
        """Pay as the page does with ``card``; the payment's status after it."""
        with self.lock:
            payment = self.payments[payment_id]
            if payment["status"] != "pending" or payment["card"]:
                return str(payment["status"])
            payment["card"] = card[-4:]
        if card == CARD_OK:
            self.settle(payment_id, "succeeded")
        elif card == CARD_DECLINED:
            self.settle(payment_id, "canceled")
        return str(payment["status"])

    def settle(self, payment_id: str, status: str) -> None:
        with self.lock:
            payment = self.payments[payment_id]
            if payment["status"] != "pending":
                return
            payment["status"] = status
        self.notify(payment, f"payment.{status}")

    def refund(self, payment_id: str) -> tuple[int, dict[str, Any]]:
        with self.lock:
            payment = self.payments.get(payment_id)
            if payment is None:
                return 404, {"error": "payment"}
            if payment["status"] == "refunded":
                return 200, self.public(payment)
            if payment["status"] != "succeeded":
                return 422, {"error": "not_paid"}
            payment["status"], payment["refunded_amount"] = "refunded", payment["amount"]
        self.notify(payment, "payment.refunded")
        return 200, self.public(payment)

    # --- webhooks ------------------------------------------------------------------------------------

    def notify(self, payment: dict[str, Any], kind: str) -> None:
        event = {"event_id": f"evt-{uuid.uuid4().hex}", "type": kind, "payment": self.public(payment)}
        with self.lock:
            if self.drop_next:
                self.drop_next -= 1
                self.webhooks.append({"event_id": event["event_id"], "type": kind, "status": "dropped"})
                return
            copies = 2 if self.duplicate_next else 1
            self.duplicate_next = max(0, self.duplicate_next - 1)
        thread = threading.Thread(target=self._deliver, args=(payment["webhook_url"], event, copies), daemon=True)
        self._threads.append(thread)
        thread.start()

    def _deliver(self, url: str, event: dict[str, Any], copies: int) -> None:
        body = json.dumps(event, ensure_ascii=False).encode()
        if self.webhook_delay:
            time.sleep(self.webhook_delay)
        for _ in range(copies):
            for attempt in range(self.retries + 1):
                timestamp = str(int(time.time()))
                request = urllib.request.Request(  # noqa: S310 (the site's own webhook address)
                    url,
                    data=body,
                    method="POST",
                    headers={
                        "Content-Type": "application/json; charset=utf-8",
                        "X-Webhook-Id": event["event_id"],
                        "X-Webhook-Time": timestamp,
                        "X-Webhook-Signature": webhook_signature(self.webhook_secret, timestamp, body),
                    },
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                        status: int | str = response.status
                except urllib.error.HTTPError as exc:
                    status = exc.code
                except OSError as exc:
                    status = type(exc).__name__
                with self.lock:
                    self.webhooks.append({"event_id": event["event_id"], "type": event["type"], "status": status})
                if self.echo:
                    print(f"[payment webhook {event['type']} {event['payment']['id']}] {status}", flush=True)
                if isinstance(status, int) and 200 <= status < 300:
                    break
                time.sleep(self.retry_delay * 2**attempt)

    def wait_for_webhooks(self, timeout: float = 10) -> None:
        """Wait until every webhook sent so far has been delivered or given up (for tests)."""
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))

    # --- test controls -------------------------------------------------------------------------------

    def control(self, name: str, body: bytes) -> tuple[int, dict[str, Any]]:
        try:
            data = json.loads(body.decode() or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return 400, {"error": "json"}
        if not isinstance(data, dict):
            return 400, {"error": "json"}
        with self.lock:
            if name == "drop-next-webhook":
                self.drop_next += 1
            elif name == "duplicate-next-webhook":
                self.duplicate_next += 1
            elif name == "delay":
                self.webhook_delay = float(data.get("seconds", 0))
            elif name == "down":
                self.down = bool(data.get("down", True))
            elif name not in ("refund", "pay"):
                return 404, {"error": "control"}
        payment_id = str(data.get("id", ""))
        if name == "refund":
            return self.refund(payment_id)
        if name == "pay":
            if payment_id not in self.payments:
                return 404, {"error": "payment"}
            return 200, {"status": self.pay(payment_id, str(data.get("card", CARD_OK)))}
        return 200, {"ok": True}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
