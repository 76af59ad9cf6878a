"""System checks for settings that would otherwise fail only when a person hits them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register

from registration.core.conf import app_settings


@register(Tags.security, deploy=True)
def scans_are_private(app_configs: Any = None, **kwargs: Any) -> list:
    """The scans and wizard storages must not publish files under a URL."""
    problems = []
    for alias in ("scans", "wizard"):
        config = settings.STORAGES.get(alias)
        if config is None:
            problems.append(Error(f'STORAGES["{alias}"] is missing.', id="registration.E001"))
            continue
        options: dict[str, Any] = config.get("OPTIONS", {})
        if options.get("base_url") or options.get("custom_domain") or options.get("querystring_auth") is False:
            problems.append(
                Error(
                    f'STORAGES["{alias}"] would publish identity documents under a public URL.',
                    hint="Scans are served only by the permission-checked view; remove base_url/custom_domain.",
                    id="registration.E002",
                )
            )
    return problems


#: SMS backends that print or keep codes where people other than the addressee can read them.
DEVELOPMENT_SMS_BACKENDS = ("ConsoleBackend", "MemoryBackend", "FileBackend")


@register(Tags.security, deploy=True)
def sms_codes_leave_the_building(app_configs: Any = None, **kwargs: Any) -> list:
    """In production, SMS codes must go to a gateway, never to the console, memory or a file."""
    backend = app_settings.SMS_BACKEND
    if backend.rsplit(".", 1)[-1] in DEVELOPMENT_SMS_BACKENDS:
        return [
            Warning(
                f"REGISTRATION_SMS_BACKEND is {backend}: confirmation codes would be written to logs or files.",
                hint="Set SMS_BACKEND=registration.codes.sms.HttpGatewayBackend and SMS_GATEWAY_URL.",
                id="registration.W002",
            )
        ]
    return []


@register(Tags.security)
def encryption_keys_are_usable(app_configs: Any = None, **kwargs: Any) -> list:
    """Configured encryption keys must be Fernet keys: a typo would otherwise fail at the first save."""
    from django.core.exceptions import ImproperlyConfigured

    from registration.core import crypto

    try:
        crypto.fernet()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="registration.E003")]
    return []


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs: Any = None, **kwargs: Any) -> list:
    """Rate limits and cached sessions must be shared by every app server: a local-memory cache is not."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Info(
                f"The cache is {backend.rsplit('.', 1)[-1]}: rate limits count per process, not per site.",
                hint="With more than one app server, set CACHE_URL=redis://host:6379/0.",
                id="registration.I001",
            )
        ]
    return []


@register(Tags.security)
def lockout_survives_other_log_ins(app_configs: Any = None, **kwargs: Any) -> list:
    """django-axes' reset on success would let an attacker's own log-in forgive guesses at other accounts."""
    if getattr(settings, "AXES_RESET_ON_SUCCESS", False):
        return [
            Error(
                "AXES_RESET_ON_SUCCESS is on: a log-in to one's own account (or a registration) would reset the "
                "failures from that address, guesses at other accounts included.",
                hint="Set AXES_RESET_ON_SUCCESS = False; registration.accounts.login.forget_own_failures resets the "
                "failures of the account that logged in.",
                id="registration.E004",
            )
        ]
    return []


#: Session engines that store sessions (and so wizard drafts) encrypted (registration/core/sessions/).
ENCRYPTED_SESSION_ENGINES = (
    "registration.core.sessions.db",
    "registration.core.sessions.cached_db",
    "registration.core.sessions.cache",
)


@register(Tags.security)
def sessions_are_encrypted(app_configs: Any = None, **kwargs: Any) -> list:
    """Wizard drafts hold passport numbers, SNILS and INN: Django's own engines would store them readable."""
    if settings.SESSION_ENGINE in ENCRYPTED_SESSION_ENGINES:
        return []
    return [
        Warning(
            f"SESSION_ENGINE is {settings.SESSION_ENGINE}: wizard drafts would be stored unencrypted.",
            hint="Use registration.core.sessions.db, .cached_db or .cache.",
            id="registration.W010",
        )
    ]


@register(Tags.security, deploy=True)
def metrics_token_is_strong(app_configs: Any = None, **kwargs: Any) -> list:
    """A /metrics token short enough to guess would open the service's counters to anyone."""
    token = str(app_settings.METRICS_TOKEN or "")
    if token and len(token) < 32:
        return [
            Warning(
                "REGISTRATION_METRICS_TOKEN is shorter than 32 characters.",
                hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
                id="registration.W011",
            )
        ]
    return []
