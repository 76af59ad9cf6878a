"""/metrics: protected by its bearer token, and the counters move with what people and clerks do."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from registration.accounts.models import Account
from registration.onboarding import steps as S
from tests.registration.registries_fixtures import submit_application  # noqa: F401
from tests.registration.test_contact_sms import Gateway

TOKEN = "metrics-token-3b1f0c9e7d5a4b2c8e6f"
ROOT = Path(__file__).resolve().parents[2]


class Scrape:
    """The samples of one /metrics answer: ``scrape.value(name, **labels)`` sums the matching ones."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.samples = [
            (sample.name, sample.labels, sample.value)
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        ]

    def value(self, name: str, **labels: str) -> float:
        return sum(
            value
            for sample, found, value in self.samples
            if sample == name and all(found.get(k) == v for k, v in labels.items())
        )


@pytest.fixture
def scrape(settings):
    """Read /metrics with the right token, from a browser of its own (the person's session is left alone)."""
    settings.REGISTRATION_METRICS_TOKEN = TOKEN
    scraper = Client()

    def read() -> Scrape:
        response = scraper.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"].startswith("text/plain; version=0.0.4")
        return Scrape(response.content.decode())

    return read


def test_no_token_configured_means_no_metrics(client, db, settings):
    """Without REGISTRATION_METRICS_TOKEN, /metrics does not exist (404), whatever is sent."""
    settings.REGISTRATION_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer"],
)
def test_a_missing_or_wrong_token_is_refused(client, db, settings, header):
    """A missing, wrong, truncated or non-bearer token: 401 with a Bearer challenge, and no metric in the body."""
    settings.REGISTRATION_METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"registration_" not in response.content


def test_a_registration_moves_the_counters(wizard, scrape):
    """A whole registration: started, submitted, codes by SMS and e-mail, step latencies, requests, the queue."""
    before = scrape()
    assert wizard.run_all().status_code == 302
    after = scrape()

    def moved(name: str, **labels: str) -> float:
        return after.value(name, **labels) - before.value(name, **labels)

    assert moved("registration_registrations_total", stage="started") == 1
    assert moved("registration_registrations_total", stage="submitted") == 1
    assert moved("registration_codes_sent_total", channel="sms", purpose="phone") == 1
    assert moved("registration_codes_sent_total", channel="email", purpose="email") == 1
    assert moved("registration_codes_failed_total") == 0
    for step in (S.CONTACTS, S.PERSONAL, S.IDENTITY_DOCUMENT, S.CHECK):
        assert moved("registration_wizard_step_seconds_count", step=step, method="POST") == 1, step
        assert moved("registration_wizard_step_seconds_count", step=step, method="GET") >= 1, step
    assert moved("registration_wizard_step_seconds_sum", step=S.CHECK, method="POST") > 0
    posts = moved("registration_http_requests_total", view="registration:wizard_step", method="POST", status="302")
    assert posts >= len(S.NAMES)
    assert moved("registration_http_requests_total", view="registration:wizard_complete") == 0  # not yet visited
    assert after.value("registration_queue_length", desk="none") == 1  # pending, no identity method chosen yet

    # No label carries the person's data: not the e-mail, the phone, the names or a document number.
    labels = " ".join(str(v) for _name, found, _value in after.samples for v in found.values())
    for secret in ("anna", "79161234567", "1234567", "Eriksson", "FA1234567", "@"):
        assert secret not in labels


def test_an_unknown_wizard_step_is_not_a_label(client, db, scrape):
    """A made-up step in the URL is counted as "other", never under the name the visitor typed."""
    client.get(reverse("registration:wizard_step", kwargs={"step": "made-up-step-name"}))
    assert "made-up-step-name" not in scrape().text


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.REGISTRATION_SMS_BACKEND = "registration.codes.sms.HttpGatewayBackend"
    settings.REGISTRATION_SMS_GATEWAY_URL = server.url
    settings.REGISTRATION_SMS_GATEWAY_TOKEN = "gateway-token"
    settings.REGISTRATION_SMS_GATEWAY_RETRIES = 1
    yield server
    server.close()


def test_sms_gateway_errors_and_failed_codes_are_counted_by_kind(wizard, gateway, scrape):
    """Two 503s (a try and its retry) then a 400: gateway errors by kind, and the codes that failed by channel."""
    wizard.run_until(S.PHONE_CODE)
    before = scrape()
    gateway.statuses = [503, 503]
    wizard.get(S.PHONE_CODE)
    gateway.statuses = [400]
    wizard.resend(S.PHONE_CODE)
    after = scrape()
    assert (
        after.value("registration_sms_gateway_errors_total", kind="http_5xx")
        - before.value("registration_sms_gateway_errors_total", kind="http_5xx")
        == 2
    )
    assert (
        after.value("registration_sms_gateway_errors_total", kind="http_4xx")
        - before.value("registration_sms_gateway_errors_total", kind="http_4xx")
        == 1
    )
    failed = after.value("registration_codes_failed_total", channel="sms", purpose="phone") - before.value(
        "registration_codes_failed_total", channel="sms", purpose="phone"
    )
    assert failed == 2
    # The step shown after "send a new code" sends one more (the gateway answers 200 again): sent, once.
    sent = after.value("registration_codes_sent_total", channel="sms") - before.value(
        "registration_codes_sent_total", channel="sms"
    )
    assert sent == 1 and len(gateway.received) == 4


def test_a_gateway_that_cannot_be_reached_counts_as_network(wizard, settings, scrape):
    """A refused connection (nothing listens): kind "network"."""
    settings.REGISTRATION_SMS_BACKEND = "registration.codes.sms.HttpGatewayBackend"
    settings.REGISTRATION_SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    settings.REGISTRATION_SMS_GATEWAY_RETRIES = 0
    wizard.run_until(S.PHONE_CODE)
    before = scrape().value("registration_sms_gateway_errors_total", kind="network")
    wizard.get(S.PHONE_CODE)
    assert scrape().value("registration_sms_gateway_errors_total", kind="network") == before + 1


def test_a_refused_scan_is_counted_by_its_error_code(wizard, scrape):
    """A file that is no image: the scan check's refusal code is counted; a missing file is not a refusal."""
    wizard.run_until(S.IDENTITY_DOCUMENT)
    before = scrape()
    junk = SimpleUploadedFile("passport.png", b"this is not a picture at all", content_type="image/png")
    response = wizard.post(S.IDENTITY_DOCUMENT, files={"scan": junk})
    assert response.status_code == 200 and response.context["form"].errors.get("scan")
    code = response.context["form"].errors.as_data()["scan"][0].code
    after = scrape()
    assert re.fullmatch(r"[a-z_]+", code)
    assert (
        after.value("registration_scan_refusals_total", code=code)
        - before.value("registration_scan_refusals_total", code=code)
        == 1
    )
    wizard.post(S.IDENTITY_DOCUMENT, files={})
    assert scrape().value("registration_scan_refusals_total") == after.value("registration_scan_refusals_total")


def test_a_lockout_is_counted(client, db, scrape, settings):
    """Failed log-ins from one address until django-axes locks it out: one lockout."""
    before = scrape().value("registration_lockouts_total")
    login = reverse("registration:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "nobody@example.org", "password": "wrong-password"})
    assert client.post(login, {"username": "nobody@example.org", "password": "wrong"}).status_code == 429
    assert scrape().value("registration_lockouts_total") >= before + 1


def test_registry_answers_are_counted_by_question_and_outcome(registry_simulator, submit_application, scrape):  # noqa: F811
    """A submitted application checked with every registry: one answer per question, by outcome."""
    before = scrape()
    submit_application()
    after = scrape()
    for question in ("snils", "inn", "identity_document", "address"):
        assert (
            after.value("registration_registry_checks_total", question=question, outcome="match")
            - before.value("registration_registry_checks_total", question=question, outcome="match")
            == 1
        ), question
    assert (
        after.value("registration_registrations_total", stage="submitted")
        - before.value("registration_registrations_total", stage="submitted")
        == 1
    )


def test_identity_confirmations_are_counted_by_method_and_the_desk_queue_follows(
    submit_application,  # noqa: F811
    clerk,
    scrape,
):
    """Choosing the post letter, then a clerk confirming: started and confirmed for that method; the queue empties."""
    from registration.identity import flows

    applicant = submit_application()
    account = Account.objects.get(pk=applicant.account_id)
    before = scrape()
    confirmation = flows.open_confirmation(account, "post_letter")
    middle = scrape()
    assert middle.value("registration_queue_length", desk="post_letter") == 1
    assert middle.value("registration_queue_length", desk="none") == 0
    flows.confirm(confirmation, by=clerk)
    after = scrape()
    for stage, expected_moves in (("started", 1), ("confirmed", 1), ("rejected", 0)):
        name, labels = "registration_identity_confirmations_total", {"method": "post_letter", "stage": stage}
        assert after.value(name, **labels) - before.value(name, **labels) == expected_moves, stage
    assert after.value("registration_queue_length", desk="post_letter") == 0


def test_tasks_waiting_for_the_worker_are_a_gauge(db, settings, scrape):
    """With tasks in the database, the READY ones are counted at scrape time."""
    from datetime import timedelta

    from tests.registration.test_operations_health import enqueue_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert scrape().value("registration_tasks_ready") == 0
    enqueue_task(waited=timedelta(0))
    enqueue_task(waited=timedelta(0))
    assert scrape().value("registration_tasks_ready") == 2


def test_gunicorn_start_removes_dead_processes_files_only(tmp_path, monkeypatch):
    """config/gunicorn.py: at start, files of processes gone are removed, a running process's stay."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    spec = importlib.util.spec_from_file_location("gunicorn_settings", ROOT / "config" / "gunicorn.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert tmp_path == module.METRICS_DIR
    dead_pid = 2**22 + 12345  # above Linux's largest pid
    (tmp_path / f"counter_{dead_pid}.db").write_bytes(b"x")
    (tmp_path / f"gauge_livesum_{dead_pid}.db").write_bytes(b"x")
    (tmp_path / f"counter_{os.getpid()}.db").write_bytes(b"x")
    module.on_starting(server=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"counter_{os.getpid()}.db"]


def test_a_short_metrics_token_is_a_deploy_warning(settings):
    """check --deploy warns of a token short enough to guess (registration.W011); none for a long one or none."""
    from registration.core.checks import metrics_token_is_strong

    settings.REGISTRATION_METRICS_TOKEN = "short-token"
    assert [w.id for w in metrics_token_is_strong()] == ["registration.W011"]
    settings.REGISTRATION_METRICS_TOKEN = TOKEN + "-long-enough"
    assert metrics_token_is_strong() == []
    settings.REGISTRATION_METRICS_TOKEN = ""
    assert metrics_token_is_strong() == []
