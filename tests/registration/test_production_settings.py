"""Production settings for many app servers: Redis, S3 scans, encryption keys, proxies; still deploy-clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7Qp2vL9sK4mN8rT1wY6zB3cF5hJ0dG_aE-uI2oP7lK9jH4gF6dS8aZ1xC3vB5nM",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
}
SCALE_OUT = {
    "CACHE_URL": "redis://127.0.0.1:6399/0",
    "SCANS_STORAGE": "s3",
    "SCANS_S3_BUCKET": "registration-scans",
    "SCANS_S3_ENDPOINT_URL": "https://s3.example.org",
    "REGISTRATION_TRUSTED_PROXY_COUNT": "1",
    "REGISTRATION_RATE_LIMITS": "send_sms_ip=200/1h,login_ip=60/10m",
    "SMS_GATEWAY_URL": "https://sms.example.org/send",
}
SHOW = """
import json
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "session": settings.SESSION_ENGINE,
    "scans": [settings.STORAGES["scans"]["BACKEND"], settings.STORAGES["scans"]["OPTIONS"]["storage"]],
    "wizard": [settings.STORAGES["wizard"]["BACKEND"], settings.STORAGES["wizard"]["OPTIONS"]["storage"]],
    "scans_acl": settings.STORAGES["scans"]["OPTIONS"]["default_acl"],
    "static": settings.STORAGES["staticfiles"]["BACKEND"],
    "proxies": settings.REGISTRATION_TRUSTED_PROXY_COUNT,
    "axes_ip": settings.AXES_CLIENT_IP_CALLABLE,
    "limits": settings.REGISTRATION_RATE_LIMITS,
    "log_format": settings.LOGGING["handlers"]["console"]["formatter"],
    "redirect_exempt": settings.SECURE_REDIRECT_EXEMPT,
}))
"""


def run(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CACHE_", "SCANS_", "REGISTRATION_", "SMS_"))
    }
    env = {**clean, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_scale_out_settings_use_redis_s3_and_the_proxy(tmp_path):
    """With CACHE_URL and SCANS_STORAGE=s3: Redis cache, cached sessions, private S3 scans, WhiteNoise."""
    result = run("shell", "-c", SHOW, env={**REQUIRED, **SCALE_OUT}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == {
        "cache": "django.core.cache.backends.redis.RedisCache",
        "session": "registration.core.sessions.cached_db",
        "scans": ["registration.core.storage.EncryptedStorage", "storages.backends.s3.S3Storage"],
        "wizard": ["registration.core.storage.EncryptedStorage", "storages.backends.s3.S3Storage"],
        "scans_acl": "private",
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "proxies": 1,
        "axes_ip": "registration.core.http.client_ip",
        "limits": {"send_sms_ip": "200/1h", "login_ip": "60/10m"},
        "log_format": "json",
        "redirect_exempt": ["^healthz$", "^readyz$", "^metrics$"],
    }


def test_scale_out_settings_pass_deploy_checks(tmp_path):
    """The full production configuration, explicit encryption keys included, is deploy-clean too."""
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    env = {
        **REQUIRED,
        **SCALE_OUT,
        "REGISTRATION_ENCRYPTION_KEYS": keys,
        "REGISTRATION_LOOKUP_KEY": "k" * 40,
        "REGISTRATION_METRICS_TOKEN": "m" * 40,
    }
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_malformed_encryption_key_stops_the_check(tmp_path):
    """A key that is not a Fernet key is an error before the first registration, not during it."""
    env = {**REQUIRED, "REGISTRATION_ENCRYPTION_KEYS": "not-a-key"}
    result = run("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0 and "registration.E003" in result.stderr


def test_a_per_process_cache_is_noted_but_does_not_fail_the_deploy_check(tmp_path):
    """With only the required variables the cache is local memory: check --deploy says so (INFO) and passes."""
    result = run("check", "--deploy", "--fail-level", "WARNING", env=REQUIRED, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "registration.I001" in result.stdout + result.stderr
    result = run("check", "--deploy", env={**REQUIRED, **SCALE_OUT}, tmp_path=tmp_path)
    assert "registration.I001" not in result.stdout + result.stderr


def test_production_has_no_demo_data_command(tmp_path):
    """Production settings leave the demo app out: ``load_demo_data`` is unknown unless DJANGO_DEMO_DATA says so."""
    result = run("help", "load_demo_data", env=REQUIRED, tmp_path=tmp_path)
    assert result.returncode != 0 and "Unknown command" in result.stderr
    result = run("help", "load_demo_data", env={**REQUIRED, "DJANGO_DEMO_DATA": "true"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
