"""Settings for the test suite: fast hashing, in-memory outboxes, throwaway file folders."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES

SECRET_KEY = "test-only-key-6f2d9b1c4a7e8f3a5b0c2d4e6f8a1b3c5d7e9f0a2b4c"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Argon2 is the real hasher (see base.py); tests use a fast one, except those that check Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REGISTRATION_SMS_BACKEND = "registration.codes.sms.MemoryBackend"
REGISTRATION_CAPTCHA = False
# Background tasks run in the request; tests of the worker switch to the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# No registry unless a test starts the simulator (the registry_simulator fixture); no waits between tries.
REGISTRATION_REGISTRY_URL = ""
REGISTRATION_REGISTRY_BACKOFF = 0
# No payment provider unless a test starts the simulator (tests/registration/payments_fixtures.py).
REGISTRATION_PAYMENT_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}

_FILES = Path(tempfile.mkdtemp(prefix="registration-tests-"))
SCANS_DIR = _FILES / "scans"
WIZARD_FILES_DIR = _FILES / "wizard"
MEDIA_ROOT = _FILES / "media"
# No certification authority is trusted unless a test puts one there (tests/registration/identity_fixtures.py).
REGISTRATION_TRUSTED_CA_DIR = str(_FILES / "trusted-ca")
STORAGES = {
    **STORAGES,
    "default": {**STORAGES["default"], "OPTIONS": {**STORAGES["default"]["OPTIONS"], "location": str(MEDIA_ROOT)}},
    "scans": {**STORAGES["scans"], "OPTIONS": {**STORAGES["scans"]["OPTIONS"], "location": str(SCANS_DIR)}},
    "wizard": {**STORAGES["wizard"], "OPTIONS": {**STORAGES["wizard"]["OPTIONS"], "location": str(WIZARD_FILES_DIR)}},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = _FILES / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
