"""The production logging configuration, a function so that a test can build exactly what production runs."""

from __future__ import annotations

from typing import Any


def json_logging(level: str = "INFO", request_level: str = "INFO", stream: Any = None) -> dict[str, Any]:
    """One JSON object per line (registration/core/logs.py): time, level, logger, message (e-mail addresses and
    runs of digits masked), the request's id, and the request lines' method, URL name, status and duration;
    nothing else of a record is written. ``stream``: where to (standard error when None)."""
    handler: dict[str, Any] = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}
    if stream is not None:
        handler["stream"] = stream
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "registration.core.logs.RequestIdFilter"}},
        "formatters": {"json": {"()": "registration.core.logs.JsonFormatter"}},
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # One record per request (method, URL name, status, time); DJANGO_REQUEST_LOG_LEVEL=WARNING: none.
            "registration.requests": {"level": request_level},
        },
    }
