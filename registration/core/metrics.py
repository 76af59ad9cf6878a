"""The service's Prometheus metrics: every definition here, the events call them, ``/metrics`` serves them.

Labels are always drawn from small fixed sets (URL names, step names, identity methods, code purposes,
error codes): never a person's data, an address, a path or anything a visitor can make up.

Several processes (gunicorn's workers, the task worker) each count in their own memory-mapped files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode) and a scrape of any app server of the
host adds them up; without that variable (tests, ``runserver``) the process's own registry is served.
``/metrics`` answers only with ``Authorization: Bearer <REGISTRATION_METRICS_TOKEN>``; with no token set it
does not exist (404). Gauges that count what is in the database (queues) are collected at scrape time by
collectors the apps register with :func:`register_collector`.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector

from registration.core.conf import app_settings

logger = logging.getLogger(__name__)

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # each process's files go there from the first metric on
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

#: Label value of anything outside a label's known set.
OTHER = "other"
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "registration_http_requests",
    "HTTP requests answered, by view (URL name), method and status code.",
    ["view", "method", "status"],
)
WIZARD_STEP_SECONDS = Histogram(
    "registration_wizard_step_seconds",
    "Time to answer a registration wizard step, by step and method.",
    ["step", "method"],
    buckets=(0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REGISTRATIONS = Counter(
    "registration_registrations",
    "Registrations started (the first wizard step answered) and submitted (the account created).",
    ["stage"],
)
IDENTITY_CONFIRMATIONS = Counter(
    "registration_identity_confirmations",
    "Identity confirmations started, confirmed and rejected, by method.",
    ["method", "stage"],
)
CODES_SENT = Counter(
    "registration_codes_sent",
    "One-time codes handed to a channel (sms, email) or made for a clerk or a letter (handed), by purpose.",
    ["channel", "purpose"],
)
CODES_FAILED = Counter(
    "registration_codes_failed",
    "One-time codes that could not be sent, by channel and purpose.",
    ["channel", "purpose"],
)
SMS_GATEWAY_ERRORS = Counter(
    "registration_sms_gateway_errors",
    "Failed tries of the HTTP SMS gateway, by kind: timeout, network, http_429, http_4xx, http_5xx.",
    ["kind"],
)
SCAN_REFUSALS = Counter(
    "registration_scan_refusals",
    "Uploaded scans refused by the scan checks, by error code.",
    ["code"],
)
LOCKOUTS = Counter("registration_lockouts", "Client addresses locked out after failed log-ins (django-axes).")
REGISTRY_CHECKS = Counter(
    "registration_registry_checks",
    "Answers recorded from the agencies' registries, by question and outcome (unavailable included).",
    ["question", "outcome"],
)

SERVICE_APPLICATIONS = Counter(
    "registration_service_applications",
    "Applications for services by service and event: started, submitted, approved, rejected, changes_requested.",
    ["service", "event"],
)
PAYMENTS = Counter(
    "registration_payments",
    "Payments' status changes by purpose and new status: paid, failed, refunded.",
    ["purpose", "status"],
)
PAYMENT_WEBHOOK_REFUSALS = Counter(
    "registration_payment_webhook_refusals",
    "Provider notifications refused, by reason (bad_signature, stale, unreadable, unknown_payment, …).",
    ["reason"],
)
PAYMENT_PROVIDER_ERRORS = Counter(
    "registration_payment_provider_errors",
    "Failed tries of the payment provider's API, by kind: timeout, network, http_429, http_4xx, http_5xx, "
    "unreadable, mismatch.",
    ["kind"],
)
DOCUMENTS_ISSUED = Counter("registration_documents_issued", "Documents issued, by kind.", ["kind"])
DOCUMENT_CHECKS = Counter(
    "registration_document_checks",
    "Lookups on the documents' public check page, by result: valid, not_valid (an unknown token included).",
    ["result"],
)

#: The events of an application for a service that are counted.
SERVICE_EVENTS = frozenset({"started", "submitted", "approved", "rejected", "changes_requested"})
PAYMENT_STATUSES = frozenset({"paid", "failed", "refunded"})


def code_label(value: object) -> str:
    """``value`` if it looks like one of the service's snake_case codes, else ``other``."""
    text = str(value or "")
    return text if _CODE.match(text) else OTHER


def method_label(method: str | None) -> str:
    return method if method in _METHODS else OTHER


# --- events --------------------------------------------------------------------------------------


@contextmanager
def wizard_step_timer(step: str | None, method: str | None) -> Iterator[None]:
    """Time one wizard request; ``step`` must be one of the wizard's step names (else counted as ``other``)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        WIZARD_STEP_SECONDS.labels(step or OTHER, method_label(method)).observe(time.perf_counter() - started)


def rendered(response: HttpResponse) -> HttpResponse:
    """``response`` with its template rendered now (inside a timer), not after the view returns."""
    render = getattr(response, "render", None)
    if callable(render) and not getattr(response, "is_rendered", True):
        render()
    return response


def registration(stage: str) -> None:
    REGISTRATIONS.labels(stage).inc()


def identity(method: str, stage: str) -> None:
    IDENTITY_CONFIRMATIONS.labels(code_label(method), stage).inc()


def channel_of(address: str, delivered: bool) -> str:
    """The channel a code goes by: an e-mail address, a phone (or an account's phone), or by hand/post."""
    if not delivered:
        return "handed"
    return "email" if "@" in (address or "") else "sms"


@contextmanager
def code_delivery(purpose: str, channel: str) -> Iterator[None]:
    """Count one code's delivery: sent when the block ends, failed when it raises."""
    try:
        yield
    except BaseException:
        CODES_FAILED.labels(channel, code_label(purpose)).inc()
        raise
    CODES_SENT.labels(channel, code_label(purpose)).inc()


def sms_gateway_error(kind: str) -> None:
    SMS_GATEWAY_ERRORS.labels(kind).inc()


def http_error_kind(status: int) -> str:
    return "http_429" if status == 429 else f"http_{status // 100}xx"


#: A file field's own refusals (nothing attached, not a file): no scan was checked.
_FILE_FIELD_CODES = frozenset({"required", "invalid", "missing", "empty", "max_length", "contradiction"})


def scan_refused(code: str | None) -> None:
    if code not in _FILE_FIELD_CODES:
        SCAN_REFUSALS.labels(code_label(code)).inc()


def locked_out(**_kwargs: Any) -> None:
    """django-axes' ``user_locked_out`` receiver."""
    LOCKOUTS.inc()


def registry_answer(question: str, outcome: str) -> None:
    REGISTRY_CHECKS.labels(code_label(question), code_label(outcome)).inc()


def service_event(service: str, event: str) -> None:
    if event in SERVICE_EVENTS:
        SERVICE_APPLICATIONS.labels(code_label(service), event).inc()


def payment_status(purpose: str, status: str) -> None:
    if status in PAYMENT_STATUSES:
        PAYMENTS.labels(code_label(purpose), status).inc()


def payment_webhook_refused(reason: str) -> None:
    PAYMENT_WEBHOOK_REFUSALS.labels(code_label(reason)).inc()


def payment_provider_error(kind: str) -> None:
    PAYMENT_PROVIDER_ERRORS.labels(code_label(kind)).inc()


def document_issued(kind: str) -> None:
    DOCUMENTS_ISSUED.labels(code_label(kind)).inc()


def document_checked(valid: bool) -> None:
    DOCUMENT_CHECKS.labels("valid" if valid else "not_valid").inc()


# --- requests ------------------------------------------------------------------------------------


class RequestMetricsMiddleware:
    """Counts every answer by its URL's name (``none`` when no URL matched), method and status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else "") or "none"
        REQUESTS.labels(view, method_label(request.method), str(response.status_code)).inc()
        return response


# --- collected at scrape time --------------------------------------------------------------------

_COLLECTORS: list[Any] = []


def register_collector(collector: Any) -> None:
    """Add an object with ``collect() -> Iterable[Metric]`` run on each scrape (queue lengths from the database)."""
    if not any(type(existing) is type(collector) for existing in _COLLECTORS):
        _COLLECTORS.append(collector)


class TaskQueueCollector:
    """Background tasks waiting for the worker (the database backend's READY rows, a partial index)."""

    def collect(self) -> Iterator[Metric]:
        from registration.core.health import database_tasks

        if not database_tasks():
            return
        from django.db.models import Min
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult, get_date_max

        ready = DBTaskResult.objects.filter(status="READY")
        family = GaugeMetricFamily("registration_tasks_ready", "Background tasks queued and not yet started.")
        family.add_metric([], ready.count())
        yield family
        # A READY task is due from its run_after, or (run_after unset: the far future) from its enqueueing.
        now = timezone.now()
        due = [
            ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"],
            ready.filter(run_after__lte=now).aggregate(at=Min("run_after"))["at"],
        ]
        oldest = min((at for at in due if at is not None), default=None)
        family = GaugeMetricFamily(
            "registration_tasks_oldest_due_seconds",
            "How long the oldest background task due to run has waited for the worker (0: none waits).",
        )
        family.add_metric([], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield family


class BackupStatusCollector:
    """The last successful backup, from the status file ``make backup`` writes (``REGISTRATION_BACKUP_STATUS_FILE``).

    Not served when the setting is empty; a missing or unreadable file is served as 0 (never), so that the
    alert on the backup's age fires rather than falls silent.
    """

    def collect(self) -> Iterator[Metric]:
        path = str(app_settings.BACKUP_STATUS_FILE or "")
        if not path:
            return
        finished, size = 0.0, 0.0
        try:
            with open(path, encoding="utf-8") as handle:
                status = json.load(handle)
            finished = float(status["finished_at_unix"])
            size = float(status["size"])
        except FileNotFoundError:
            logger.warning("The backups' status file does not exist (yet): no backup has succeeded.")
        except (OSError, ValueError, TypeError, KeyError):
            logger.warning("The backups' status file could not be read.", exc_info=True)
        family = GaugeMetricFamily(
            "registration_backup_last_success_timestamp_seconds",
            "When the last backup set was written and checked (Unix time; 0: none found).",
        )
        family.add_metric([], finished)
        yield family
        family = GaugeMetricFamily("registration_backup_last_success_size_bytes", "Size of the last backup set.")
        family.add_metric([], size)
        yield family


class _ScrapeTime:
    """Runs the registered collectors; families of the same name from several apps (the desks' queues) are
    served as one."""

    def collect(self) -> Iterable[Metric]:
        families: dict[str, Metric] = {}
        for collector in _COLLECTORS:
            try:
                for family in list(collector.collect()):
                    if family.name in families:
                        families[family.name].samples.extend(family.samples)
                    else:
                        families[family.name] = family
            except DatabaseError:  # the database is down: /readyz says so, the counters are still served
                logger.warning("A metrics collector could not read the database.", exc_info=True)
        return list(families.values())


def multiprocess_dir() -> str | None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return path if path and os.path.isdir(path) else None


def exposition() -> bytes:
    """Every metric in Prometheus' text format: the processes' counters, then the scrape-time gauges."""
    if multiprocess_dir():
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    at_scrape = CollectorRegistry(auto_describe=False)
    at_scrape.register(_ScrapeTime())  # type: ignore[arg-type]
    return generate_latest(counted) + generate_latest(at_scrape)


def authorised(request: HttpRequest, token: str) -> bool:
    sent = request.headers.get("Authorization", "")
    scheme, _, value = sent.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """``/metrics`` for Prometheus: 404 without a configured token, 401 without the right bearer token."""
    token = str(app_settings.METRICS_TOKEN or "")
    if not token:
        raise Http404
    if not authorised(request, token):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
