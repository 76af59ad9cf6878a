"""Production logs: one JSON object per line, the request's id on each, no personal data anywhere."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
from django.db import IntegrityError

from config.log_config import json_logging
from registration.core.logs import request_id_from
from registration.onboarding import steps as S

EMAIL, PHONE = "anna.petrova@example.org", "+7 916 123-45-67"
SECRETS = ("anna", "petrova", "example.org", "916", "1234567", "123-45-67", "FA7654321", "secret-token")


@pytest.fixture
def production_logs():
    """The production LOGGING (config/log_config.py) writing to a buffer; the test's logging restored after."""
    stream = io.StringIO()
    names = ["django.request", "axes", "registration.requests"]
    root = logging.getLogger()
    saved = (
        root.handlers[:],
        root.level,
        {n: (logging.getLogger(n).level, logging.getLogger(n).handlers[:]) for n in names},
    )
    logging.config.dictConfig(json_logging("INFO", "INFO", stream=stream))
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, (level, handlers) in saved[2].items():
        logging.getLogger(name).setLevel(level)
        logging.getLogger(name).handlers[:] = handlers


def lines(stream: io.StringIO) -> list[dict]:
    text = stream.getvalue()
    records = [json.loads(line) for line in text.splitlines()]  # every line is one JSON object
    assert records and len(records) == text.count("\n")
    return records


def test_a_refused_step_logs_json_with_the_request_id_and_no_personal_data(wizard, production_logs):
    """Contacts refused (a malformed e-mail and phone in the POST), a 404 with them in the query string, an
    error whose message and traceback hold them: JSON lines, the request's id, nothing personal."""
    wizard.run_until(S.CONTACTS)
    posted = wizard.client.post(
        wizard.url(S.CONTACTS) + "?email=" + EMAIL,
        wizard.payload(S.CONTACTS, {"email": EMAIL + ",,", "phone": PHONE + "999999"}),
        HTTP_X_REQUEST_ID="lb-7f3a9c21d4",
    )
    assert posted.status_code == 302  # refused: back to the step (Post/Redirect/Get)
    assert posted["X-Request-ID"] == "lb-7f3a9c21d4"
    shown = wizard.client.get(posted["Location"])
    assert shown.context["form"].errors  # the refusal is shown on the step

    missing = wizard.client.get(f"/no-such-page/?email={EMAIL}&phone=79161234567&token=secret-token")
    assert missing.status_code == 404
    # A malformed id (it could carry anything) is replaced by one of ours.
    forged = wizard.client.get(wizard.url(S.CONTACTS), HTTP_X_REQUEST_ID=EMAIL)
    assert forged["X-Request-ID"] != EMAIL and len(forged["X-Request-ID"]) == 32

    try:
        raise IntegrityError(
            f'duplicate key value violates unique constraint "email" Key (email)=({EMAIL}); passport FA7654321'
        )
    except IntegrityError:
        logging.getLogger("registration.onboarding").exception("Submission failed for %s", EMAIL)

    records = lines(production_logs)
    text = production_logs.getvalue()
    for secret in SECRETS:
        assert secret not in text.lower(), secret
    by_request = [r for r in records if r["logger"] == "registration.requests"]
    refused = [r for r in by_request if r["request_id"] == "lb-7f3a9c21d4"]
    assert refused == [
        {
            "time": refused[0]["time"],
            "level": "INFO",
            "logger": "registration.requests",
            "message": refused[0]["message"],
            "request_id": "lb-7f3a9c21d4",
            "method": "POST",
            "view": "registration:wizard_step",
            "status_code": 302,
            "duration_ms": refused[0]["duration_ms"],
        }
    ]
    not_found = [r for r in records if r["logger"] == "django.request"]
    assert not_found and not_found[0]["level"] == "WARNING"
    assert not_found[0]["request_id"] == missing["X-Request-ID"]
    assert "/no-such-page/" in not_found[0]["message"] and "?" not in not_found[0]["message"]
    assert {r["request_id"] for r in by_request} >= {
        posted["X-Request-ID"],
        shown["X-Request-ID"],
        forged["X-Request-ID"],
    }
    failure = next(r for r in records if r["logger"] == "registration.onboarding")
    assert failure["request_id"] == "-"  # outside a request
    assert "IntegrityError" in failure["exc_info"] and "***" in failure["message"]
    # Only the known fields: nothing else of a record (the request object, its path) is written.
    for record in records:
        assert set(record) <= {
            "time",
            "level",
            "logger",
            "message",
            "request_id",
            "method",
            "view",
            "status_code",
            "duration_ms",
            "exc_info",
            "stack_info",
        }


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("0f8c2a9e-1b7d-4c3e-9a5f-2d6b8e1c4a7f", True),
        ("lb.request_42", True),
        ("short", False),
        ("x" * 65, False),
        ("anna@example.org", False),
        ("id with spaces", False),
        ("", False),
        (None, False),
    ],
)
def test_a_request_id_is_kept_only_when_well_formed(header, kept):
    """8 to 64 letters, digits, dots, dashes or underscores are kept; anything else gets a new random id."""
    made = request_id_from(header)
    assert (made == header) is kept
    if not kept:
        assert len(made) == 32 and int(made, 16) >= 0
