"""A person registering through the wizard over HTTP, as a browser would, with timings per step.

``Browser`` keeps cookies like a browser (the production cookies are ``Secure``; on loopback HTTP we
keep them anyway), sends the CSRF token from each form, and can spread its requests over several app
servers (a different one for every request: no sticky sessions). ``register()`` walks every step,
reading the SMS and e-mail codes from the stack's stand-ins, and returns what happened.
"""

from __future__ import annotations

import http.client
import io
import itertools
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

STEPS = (
    "type",
    "contacts",
    "phone_code",
    "email_code",
    "personal",
    "names_cyrillic",
    "identity_document",
    "stay_type",
    "stay_document",
    "identifiers",
    "address",
    "password",
    "check",
)
PASSWORD = "Correct-Horse-42"  # noqa: S105 (a test person's password)
PREFIX = "registration_wizard"
ERROR = re.compile(r'class="error-message"[^>]*>(.*?)</p>', re.S)


def make_scan(kind: str = "png", size: tuple[int, int] = (1100, 700)) -> bytes:
    """A sharp 300-dpi scan (lines of text on white), as PNG or PDF."""
    from PIL import Image, ImageDraw

    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for y in range(20, size[1] - 20, 24):
        draw.text((20, y), "PASSPORT P<UTOERIKSSON<<ANNA<MARIA 0123456789 " * 3, fill=0)
    buffer = io.BytesIO()
    if kind == "pdf":
        image.convert("RGB").save(buffer, "PDF", resolution=300)
    else:
        image.save(buffer, "PNG", dpi=(300, 300))
    return buffer.getvalue()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    server: str
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, mime) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {mime}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """Cookies, CSRF tokens and redirects; each request goes to the next of ``servers`` in turn."""

    def __init__(self, servers: Sequence[str], *, client_ip: str | None = None, timeout: float = 30) -> None:
        self.servers = list(servers)
        self._next = itertools.cycle(range(len(self.servers)))
        self.cookies: dict[str, str] = {}
        self.client_ip = client_ip
        self.timeout = timeout
        self.history: list[Response] = []

    def request(
        self,
        method: str,
        path: str,
        *,
        fields: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        server: str | None = None,
    ) -> Response:
        base = server or self.servers[next(self._next)]
        split = urlsplit(urljoin(base, path))
        headers = {"Host": "127.0.0.1", "Accept-Language": "en", "User-Agent": "registration-journey"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.client_ip:
            headers["X-Forwarded-For"] = self.client_ip
        body = None
        if method == "POST":
            fields = dict(fields or {})
            if "csrftoken" in self.cookies:
                fields.setdefault("csrfmiddlewaretoken", self.cookies["csrftoken"])
            headers["Referer"] = base + "/"
            if files:
                body, headers["Content-Type"] = _multipart(fields, files)
            else:
                body, headers["Content-Type"] = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(split.hostname, split.port, timeout=self.timeout)
        started = time.perf_counter()
        try:
            target = split.path + (f"?{split.query}" if split.query else "")
            connection.request(method, target, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header, value in raw.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "expires=thu, 01 jan 1970" in value.lower() or "max-age=0" in value.lower():
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        response = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, content, base, seconds)
        self.history.append(response)
        return response

    def use(self, servers: Sequence[str]) -> None:
        """Send the following requests to these servers (in turn)."""
        self.servers = list(servers)
        self._next = itertools.cycle(range(len(self.servers)))

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, fields: dict[str, str], **kwargs: Any) -> Response:
        return self.request("POST", path, fields=fields, **kwargs)


class JourneyError(Exception):
    """A step did not go as a person would expect; carries the response."""

    def __init__(self, step: str, response: Response, why: str) -> None:
        super().__init__(f"{step}: {why} (HTTP {response.status} from {response.server})")
        self.step, self.response = step, response


@dataclass
class Person:
    email: str
    phone: str
    passport: str

    @classmethod
    def random(cls, email: str | None = None) -> Person:
        n = secrets.randbelow(10**7)
        letters = "".join(secrets.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
        return cls(
            email=email or f"p{secrets.token_hex(6)}@example.org",
            phone=f"+7916{n:07d}",
            passport=f"{letters}{secrets.randbelow(10**7):07d}",
        )

    def answers(self) -> dict[str, dict[str, str]]:
        expiry = date(date.today().year + 5, 1, 31).strftime("%d.%m.%Y")
        return {
            "type": {"registration_type": "foreign"},
            "contacts": {"email": self.email, "phone": self.phone},
            "personal": {
                "surname": "Eriksson",
                "given_names": "Anna Maria",
                "patronymic": "",
                "birth_date": "12.08.1974",
                "birth_place": "Tashkent",
                "sex": "F",
                "citizenship": "UZ",
            },
            "names_cyrillic": {"surname_cyrillic": "Эрикссон", "given_names_cyrillic": "Анна Мария"},
            "identity_document": {
                "kind": "foreign_passport",
                "number": self.passport,
                "issue_date": "01.02.2020",
                "expiry_date": expiry,
                "issuing_authority": "Ministry of Internal Affairs",
                "mrz": "",
            },
            "stay_type": {"kind": "residence_permit"},
            "stay_document": {
                "series": "82",
                "number": f"{secrets.randbelow(10**7):07d}",
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
            "password": {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"},
            "check": {},
        }


SCANS = {"png": b"", "pdf": b""}


def scans() -> dict[str, bytes]:
    if not SCANS["png"]:
        SCANS.update(png=make_scan("png"), pdf=make_scan("pdf"))
    return SCANS


@dataclass
class Outcome:
    """What one registration did: the time of each request by step, and how it ended."""

    timings: list[tuple[str, str, float]] = field(default_factory=list)  # (step, GET/POST, seconds)
    completed: bool = False
    error: str = ""
    server_errors: int = 0


def step_url(step: str) -> str:
    return f"/register/{step}/"


def _wait_for_code(read: Callable[[], str | None], timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = read()
        if code:
            return code
        time.sleep(0.02)
    raise TimeoutError("no code arrived")


def register(
    browser: Browser,
    person: Person,
    stack: Any,
    *,
    stop_before: str | None = None,
    start_at: str | None = None,
    outcome: Outcome | None = None,
    think: float = 0.0,
) -> Outcome:
    """Walk the wizard from ``start_at`` (the first step) up to ``stop_before`` (or to the end).

    ``think`` is the mean pause, in seconds, between a page and its answer (a person reading and
    typing; drawn uniformly from half to one and a half times it). Raises ``JourneyError`` when a
    step does not move on as expected.
    """
    outcome = outcome or Outcome()
    answers = person.answers()
    files = {
        "identity_document": {"identity_document-scan": ("passport.png", scans()["png"], "image/png")},
        "stay_document": {"stay_document-scan": ("permit.pdf", scans()["pdf"], "application/pdf")},
    }
    steps = STEPS[STEPS.index(start_at) :] if start_at else STEPS
    for step in steps:
        if step == stop_before:
            return outcome
        page = browser.get(step_url(step))
        outcome.timings.append((step, "GET", page.seconds))
        if page.status >= 500:
            outcome.server_errors += 1
        if page.status != 200:
            raise JourneyError(step, page, "the page did not open")
        values = dict(answers.get(step, {}))
        if step == "phone_code":
            values = {"code": _wait_for_code(lambda: stack.sms.code_for(person.phone))}
        elif step == "email_code":
            values = {"code": _wait_for_code(lambda: stack.mail.code_for(person.email))}
        fields = {f"{step}-{name}": value for name, value in values.items()}
        fields[f"{PREFIX}-current_step"] = step
        if think:
            time.sleep(think * (0.5 + secrets.randbelow(1000) / 1000))
        answer = browser.post(step_url(step), fields, files=files.get(step))
        outcome.timings.append((step, "POST", answer.seconds))
        if answer.status >= 500:
            outcome.server_errors += 1
        if answer.status != 302:
            errors = [re.sub(r"<[^>]+>|\s+", " ", e).strip() for e in ERROR.findall(answer.text)]
            raise JourneyError(step, answer, f"stayed on the step: {' | '.join(errors)[:300]}")
    if not answer.location.endswith("/register/complete/"):
        raise JourneyError("check", answer, f"went to {answer.location!r} instead of the confirmation")
    done = browser.get("/register/complete/")
    outcome.timings.append(("complete", "GET", done.seconds))
    if done.status != 200:
        raise JourneyError("complete", done, "the confirmation page did not open")
    outcome.completed = True
    return outcome
