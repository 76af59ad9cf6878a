"""The identity settings, read when used (so that ``override_settings`` works), defaults written here."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings


def service_centre_issues_code() -> bool:
    """False: a clerk's confirmation activates the account; True: it issues a code the person types."""
    return bool(getattr(settings, "REGISTRATION_SERVICE_CENTRE_ISSUES_CODE", False))


def service_centre_code_validity() -> timedelta:
    return timedelta(days=getattr(settings, "REGISTRATION_SERVICE_CENTRE_CODE_DAYS", 7))


def post_code_validity() -> timedelta:
    return timedelta(days=getattr(settings, "REGISTRATION_POST_CODE_DAYS", 30))


def post_letters_per_period() -> int:
    return int(getattr(settings, "REGISTRATION_POST_LETTERS_PER_PERIOD", 3))


def post_letter_period() -> timedelta:
    return timedelta(days=getattr(settings, "REGISTRATION_POST_LETTER_PERIOD_DAYS", 30))


def post_letter_interval() -> timedelta:
    return timedelta(hours=getattr(settings, "REGISTRATION_POST_LETTER_INTERVAL_HOURS", 24))


def consulate_code_validity() -> timedelta:
    return timedelta(days=getattr(settings, "REGISTRATION_CONSULATE_CODE_DAYS", 30))


def code_max_attempts() -> int:
    """Wrong entries one code survives in total (the per-10-minute limit is a rate limit on top)."""
    return int(getattr(settings, "REGISTRATION_IDENTITY_CODE_MAX_ATTEMPTS", 10))


def consulate_code_max_attempts() -> int:
    return int(getattr(settings, "REGISTRATION_CONSULATE_CODE_MAX_ATTEMPTS", 5))


def trusted_ca_dir() -> Path:
    return Path(getattr(settings, "REGISTRATION_TRUSTED_CA_DIR", ""))


def signature_max_file_size() -> int:
    return int(getattr(settings, "REGISTRATION_SIGNATURE_MAX_FILE_SIZE", 64 * 1024))


def video_booking_notice() -> timedelta:
    """How long before a slot starts a person may still book it."""
    return timedelta(minutes=getattr(settings, "REGISTRATION_VIDEO_BOOKING_NOTICE_MINUTES", 60))


def enabled_methods() -> list[str] | None:
    """The method codes offered to people, in order; None offers every registered method."""
    return getattr(settings, "REGISTRATION_IDENTITY_METHODS", None)


def max_requested_scans() -> int:
    return int(getattr(settings, "REGISTRATION_MAX_REQUESTED_SCANS", 5))
