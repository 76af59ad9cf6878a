"""Production settings: everything comes from the environment; insecure defaults stop start-up."""

from typing import Any

from config.env import env_bool, env_int, env_list, env_required, env_str
from config.log_config import json_logging

from .base import *  # noqa: F403
from .base import CACHES, INSTALLED_APPS, STORAGES

# The demo data (staff with printed passwords, sample applicants) is never installed in production,
# unless a stack on loopback asks for it (make serve-prod).
if not env_bool("DJANGO_DEMO_DATA", False):
    INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "registration.demo"]

DEBUG = False
SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY",
    "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'",
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    env_required("DJANGO_ALLOWED_HOSTS", "A comma-separated list of the host names the site answers to.")

# HTTPS everywhere: the load balancer terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# The probes and the metrics answer over plain HTTP too: load balancers and Prometheus ask each app server
# directly on the private network (/metrics still wants its bearer token).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Payments: none unless PAYMENT_URL is set; then the shop's id, a long secret and the site's address are
# required, and the provider and the site are spoken to over HTTPS (plain HTTP only on loopback).
if env_str("PAYMENT_URL"):
    from urllib.parse import urlsplit

    from django.core.exceptions import ImproperlyConfigured

    env_required("PAYMENT_SHOP_ID", "The shop's id at the payment provider.")
    for _name in ("PAYMENT_SECRET", "PAYMENT_WEBHOOK_SECRET"):
        if (_name == "PAYMENT_SECRET" or env_str(_name)) and len(env_str(_name)) < 32:
            raise ImproperlyConfigured(f"{_name} must be the provider's secret, at least 32 characters long.")
    for _name in ("PAYMENT_URL", "PUBLIC_URL"):
        _url = urlsplit(env_required(_name, "The payment provider returns people and sends webhooks there."))
        if _url.scheme != "https" and _url.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ImproperlyConfigured(f"{_name} must be an https:// address.")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
REGISTRATION_SMS_BACKEND = env_str("SMS_BACKEND", "registration.codes.sms.HttpGatewayBackend")
ADMINS = [("Operations", addr) for addr in env_list("DJANGO_ADMINS")]

# Static files: hashed names and compressed copies, served by WhiteNoise from every app server.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

# Scans on S3-compatible storage when SCANS_STORAGE=s3 (a private bucket, signed short-lived URLs are
# never handed out: the permission-checked view streams the file). The local private folder stays the
# default for a single machine.
if env_str("SCANS_STORAGE", "local") == "s3":
    _s3: dict[str, Any] = {
        # The bucket holds ciphertext (registration/core/storage.py), whatever the server-side setting.
        "BACKEND": "registration.core.storage.EncryptedStorage",
        "OPTIONS": {
            "storage": "storages.backends.s3.S3Storage",
            "bucket_name": env_required("SCANS_S3_BUCKET"),
            "endpoint_url": env_str("SCANS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("SCANS_S3_REGION") or None,
            "access_key": env_str("SCANS_S3_ACCESS_KEY") or None,
            "secret_key": env_str("SCANS_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"}
            if env_bool("SCANS_S3_SERVER_SIDE_ENCRYPTION", True)
            else {},
        },
    }
    STORAGES = {
        **STORAGES,
        "scans": {**_s3, "OPTIONS": {**_s3["OPTIONS"], "location": "scans"}},
        "wizard": {**_s3, "OPTIONS": {**_s3["OPTIONS"], "location": "wizard"}},
    }

# With Redis as the cache, sessions (and so wizard drafts) are read from Redis and written through to
# the database, so that losing Redis loses no draft.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    SESSION_ENGINE = env_str("DJANGO_SESSION_ENGINE", "registration.core.sessions.cached_db")

# One JSON object per line on standard error (config/log_config.py, registration/core/logs.py).
LOGGING = json_logging(env_str("DJANGO_LOG_LEVEL", "INFO"), env_str("DJANGO_REQUEST_LOG_LEVEL", "INFO"))
