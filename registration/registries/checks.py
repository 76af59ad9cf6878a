"""System checks of the registries' settings (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Info, Tags, Warning, register

from registration.core.conf import app_settings


@register(Tags.security, deploy=True)
def check_registries(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """No registry address: nothing is ever confirmed by a registry; an address without a key: unsigned requests."""
    if not app_settings.REGISTRY_URL and not app_settings.REGISTRY_ENDPOINTS:
        return [
            Info(
                "No registry is configured (REGISTRY_URL): every registry check waits as 'registry unavailable'.",
                id="registration.I101",
            )
        ]
    if not app_settings.REGISTRY_SIGNING_KEY:
        return [
            Warning(
                "Registry requests are not signed: set REGISTRY_SIGNING_KEY.",
                id="registration.W102",
            )
        ]
    return []
