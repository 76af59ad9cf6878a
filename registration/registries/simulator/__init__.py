"""A local stand-in for the agencies' registries: an HTTP server on loopback that answers the questions
of ``registration/registries/questions.py`` from ``dataset.json`` (shared by the demo and the tests).

Run it alone with ``python -m registration.registries.simulator --port 8079`` (``make run`` does), or
in-process from tests: ``RegistrySimulator()`` starts on a free port; ``down = True`` makes it answer 503
until set back, ``requests`` records what it was asked. Like the real exchange it checks the bearer token
and the HMAC signature over the request's time and body when it is given a token and a key. It needs
only the standard library, so that it starts without Django.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DATASET = Path(__file__).with_name("dataset.json")
#: Seconds a signed request stays acceptable (a replay later than this is refused).
SIGNATURE_WINDOW = 300
_PREFIXES = ("город ", "г. ", "г ", "улица ", "ул. ", "ул ", "проспект ", "пр-т ", "street ", "st. ", "ulitsa ")


def load_dataset(path: Path = DATASET) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _plain(text: str) -> str:
    """A place name for comparing: case, ё and the usual "г." / "ул." prefixes aside."""
    text = " ".join(str(text or "").casefold().replace("ё", "е").replace("-", " ").split())
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text


def _compact(text: str) -> str:
    return "".join(ch for ch in str(text or "").upper() if ch.isalnum())


class Answers:
    """The registries' answers to each question, from the data set."""

    def __init__(self, dataset: dict[str, Any], today: date | None = None) -> None:
        self.people: list[dict[str, Any]] = dataset["people"]
        self.addresses: list[dict[str, Any]] = dataset["addresses"]
        self.today = today
        self._numbers = itertools.count(1)

    def reference(self, registry: str) -> str:
        return f"{registry.upper()}-{date.today():%Y%m%d}-{next(self._numbers):06d}"

    @staticmethod
    def same_person(person: dict[str, Any], asked: dict[str, Any]) -> bool:
        return (
            _compact(person["surname"]) == _compact(asked.get("surname", ""))
            and _compact(person["given_names"]) == _compact(asked.get("given_names", ""))
            and person["birth_date"] == asked.get("birth_date")
        )

    def answer(self, question: str, asked: dict[str, Any]) -> dict[str, Any] | None:
        handler = getattr(self, f"ask_{question}", None)
        return handler(asked) if handler is not None else None

    def _by_identifier(self, kind: str, registry: str, asked: dict[str, Any]) -> dict[str, Any]:
        value = _compact(asked.get(kind, ""))
        holders = [p for p in self.people if value and _compact(p.get(kind, "")) == value]
        if not holders:
            return {"outcome": "not_found", "reference": self.reference(registry)}
        if any(self.same_person(p, asked) for p in holders):
            return {"outcome": "match", "reference": self.reference(registry)}
        return {"outcome": "no_match", "detail": "other_person", "reference": self.reference(registry)}

    def ask_snils(self, asked: dict[str, Any]) -> dict[str, Any]:
        return self._by_identifier("snils", "sfr", asked)

    def ask_inn(self, asked: dict[str, Any]) -> dict[str, Any]:
        if not asked.get("inn"):
            # Someone without an INN: the tax service may have given a temporary identification code.
            person = next((p for p in self.people if self.same_person(p, asked)), None)
            code = (person or {}).get("temporary_code", "")
            found = {"outcome": "match", "temporary_code": code} if code else {"outcome": "not_found"}
            return {**found, "reference": self.reference("fns")}
        return self._by_identifier("inn", "fns", asked)

    def _documents(self, asked: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        number = _compact(f"{asked.get('series', '')}{asked.get('number', '')}")
        return [
            (person, document)
            for person in self.people
            for document in person["documents"]
            if number and _compact(f"{document['series']}{document['number']}") == number
        ]

    def _ask_document(self, asked: dict[str, Any]) -> dict[str, Any]:
        found = self._documents(asked)
        if not found:
            return {"outcome": "not_found", "reference": self.reference("mvd")}
        mine = [document for person, document in found if self.same_person(person, asked)]
        if not mine:
            return {"outcome": "no_match", "detail": "other_person", "reference": self.reference("mvd")}
        today = (self.today or date.today()).isoformat()
        if all(document["valid_until"] < today for document in mine):
            return {"outcome": "no_match", "detail": "expired", "reference": self.reference("mvd")}
        return {"outcome": "match", "reference": self.reference("mvd")}

    ask_identity_document = _ask_document
    ask_stay_document = _ask_document

    def ask_migration_phone(self, asked: dict[str, Any]) -> dict[str, Any]:
        people = [person for person, _ in self._documents(asked) if self.same_person(person, asked)]
        phone = next((p["migration_phone"] for p in people if p.get("migration_phone")), "")
        if not phone:
            return {"outcome": "not_found", "reference": self.reference("mvd")}
        return {"outcome": "match", "phone": phone, "reference": self.reference("mvd")}

    def ask_address(self, asked: dict[str, Any]) -> dict[str, Any]:
        city = _plain(asked.get("city", ""))
        street = _plain(asked.get("street", ""))
        for place in self.addresses:
            if place["region"] != asked.get("region") or city not in (_plain(place["city"]), _plain(place["city_en"])):
                continue
            for known in place["streets"]:
                if street not in (_plain(known["name"]), _plain(known["name_en"])):
                    continue
                low, high = place["postcodes"]
                if _compact(asked.get("house", "")) not in [_compact(h) for h in known["houses"]]:
                    return {"outcome": "no_match", "detail": "house", "reference": self.reference("gar")}
                if not low <= str(asked.get("postcode", "")) <= high:
                    return {"outcome": "no_match", "detail": "postcode", "reference": self.reference("gar")}
                return {"outcome": "match", "reference": self.reference("gar")}
        return {"outcome": "not_found", "reference": self.reference("gar")}


def signature_ok(key: str, timestamp: str, body: bytes, given: str) -> bool:
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > SIGNATURE_WINDOW:
        return False
    expected = "hmac-sha256=" + hmac.new(key.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given or "")


class RegistrySimulator:
    """The registries on loopback. ``down``: every request answers 503; ``requests``: what was asked."""

    def __init__(
        self, port: int = 0, *, token: str = "", signing_key: str = "", dataset: dict[str, Any] | None = None
    ) -> None:
        self.answers = Answers(dataset or load_dataset())
        self.token = token
        self.signing_key = signing_key
        self.down = False
        self.delay = 0.0
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.hits = 0  # every request that reached the server, answered or not
        self.lock = threading.Lock()
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def reply(self, status: int, data: dict[str, Any] | None = None) -> None:
                body = json.dumps(data or {}, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(min(int(self.headers.get("Content-Length", 0) or 0), 65536))
                with simulator.lock:
                    simulator.hits += 1
                if simulator.delay:
                    time.sleep(simulator.delay)
                if simulator.down:
                    self.reply(503, {"error": "unavailable"})
                    return
                if simulator.token and self.headers.get("Authorization") != f"Bearer {simulator.token}":
                    self.reply(401, {"error": "token"})
                    return
                if simulator.signing_key and not signature_ok(
                    simulator.signing_key,
                    self.headers.get("X-Request-Time", ""),
                    body,
                    self.headers.get("X-Signature", ""),
                ):
                    self.reply(403, {"error": "signature"})
                    return
                try:
                    asked = json.loads(body.decode())
                except (UnicodeDecodeError, json.JSONDecodeError):
                    self.reply(400, {"error": "json"})
                    return
                question = self.path.strip("/").rsplit("/", 1)[-1]
                answer = simulator.answers.answer(question, asked) if isinstance(asked, dict) else None
                if answer is None:
                    self.reply(404, {"error": "question"})
                    return
                with simulator.lock:
                    simulator.requests.append((question, asked))
                self.reply(200, answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def asked(self, question: str) -> list[dict[str, Any]]:
        with self.lock:
            return [payload for name, payload in self.requests if name == question]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
