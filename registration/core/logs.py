"""Logs an operator can search: a request id on every record, one JSON object per line, no personal data.

* :class:`RequestIdMiddleware` (first in ``MIDDLEWARE``) takes the load balancer's ``X-Request-ID`` when it
  is well-formed (8 to 64 letters, digits, ``-``, ``_``, ``.``), else makes one, returns it in the
  response's ``X-Request-ID`` and keeps it in a context variable for the request's duration; it then logs
  one ``registration.requests`` record per request: method, URL name, status and duration, never the
  path (links carry tokens), the query string or the body.
* :class:`RequestIdFilter` (on the handlers) puts that id on every record as ``request_id`` (``-``
  outside a request).
* :class:`JsonFormatter` (python-json-logger) writes the time, level, logger, message, request id and a
  few known fields; the message and the traceback pass through ``registration.core.reporting.mask``
  (e-mail addresses and runs of digits masked), and nothing else of the record (the request object, a
  form, an SQL query's parameters) is written.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from registration.core.reporting import mask

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_request_id: ContextVar[str] = ContextVar("request_id", default="-")
request_logger = logging.getLogger("registration.requests")


def current_request_id() -> str:
    """The id of the request being answered (``-`` outside one)."""
    return _request_id.get()


def request_id_from(header: str | None) -> str:
    """The client's id when well-formed, else a new random one (32 hex digits)."""
    if header and _WELL_FORMED.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives each request its id (see the module's docstring) and logs its outcome."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        # Kept until the response is closed (request_finished), so that Django's own records of the
        # response ("Not Found: …", written after the middleware) carry it too.
        _request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else "") or "none"
        took = round(1000 * (time.perf_counter() - started), 1)
        request_logger.info(
            "%s %s %s %sms",
            request.method,
            view,
            response.status_code,
            took,
            extra={"method": request.method, "view": view, "status_code": response.status_code, "duration_ms": took},
        )
        return response


def forget_request_id(**_kwargs: Any) -> None:
    """``request_finished`` receiver: records written between requests carry no id."""
    _request_id.set("-")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on the record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


#: Fields a record may carry into the JSON line besides the standard ones (each a number or a fixed word).
EXTRA_FIELDS = ("method", "view", "status_code", "duration_ms")


class JsonFormatter(_JsonFormatter):
    """One JSON object per record: time, level, logger, message, request id and :data:`EXTRA_FIELDS` only."""

    def add_fields(self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        log_record["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        log_record["level"] = record.levelname
        log_record["logger"] = record.name
        log_record["message"] = mask(record.getMessage())
        log_record["request_id"] = getattr(record, "request_id", None) or _request_id.get()
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"[\w:.-]{1,100}", value)):
                log_record[name] = value
        if record.exc_info:
            log_record["exc_info"] = mask(str(self.formatException(record.exc_info)))
        elif record.exc_text:
            log_record["exc_info"] = mask(record.exc_text)
        if record.stack_info:
            log_record["stack_info"] = mask(str(self.formatStack(record.stack_info)))

    def format(self, record: logging.LogRecord) -> str:
        # Only add_fields decides what is written (python-json-logger would add every extra attribute).
        log_record: dict[str, Any] = {}
        self.add_fields(log_record, record, {})
        return self.serialize_log_record(log_record)
