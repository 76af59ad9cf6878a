"""The identity settings, read when used (so that ``override_settings`` works), defaults written here."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings

from registration.core.conf import app_settings


def service_centre_issues_code() -> bool:
    """False: a clerk's confirmation activates the account; True: it issues a code the person types."""
    return bool(app_settings.SERVICE_CENTRE_ISSUES_CODE)


def post_letters_per_period() -> int:
    return int(app_settings.POST_LETTERS_PER_PERIOD)


def post_letter_period() -> timedelta:
    return timedelta(days=app_settings.POST_LETTER_PERIOD_DAYS)


def post_letter_interval() -> timedelta:
    return timedelta(hours=app_settings.POST_LETTER_INTERVAL_HOURS)


def trusted_ca_dir() -> Path:
    """The folder of trusted CA certificates and their CRLs; unset, ``<DJANGO_VAR_DIR>/trusted-ca``.

    Never the working directory: an empty setting means the default, not ``Path("")``.
    """
    configured = app_settings.TRUSTED_CA_DIR
    if configured:
        return Path(configured)
    return Path(settings.VAR_DIR) / "trusted-ca"


def signature_max_file_size() -> int:
    return int(app_settings.SIGNATURE_MAX_FILE_SIZE)


def video_booking_notice() -> timedelta:
    """How long before a slot starts a person may still book it."""
    return timedelta(minutes=app_settings.VIDEO_BOOKING_NOTICE_MINUTES)


def enabled_methods() -> list[str] | None:
    """The method codes offered to people, in order; None offers every registered method."""
    return app_settings.IDENTITY_METHODS


def max_requested_scans() -> int:
    return int(app_settings.MAX_REQUESTED_SCANS)
