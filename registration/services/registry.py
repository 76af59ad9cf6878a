"""The services, by code. A new service is one module plus one line in ``REGISTRATION_SERVICES``."""

from __future__ import annotations

from importlib import import_module

from registration.core.conf import app_settings
from registration.services.base import Service

_services: dict[tuple[str, ...], dict[str, Service]] = {}


def _load() -> dict[str, Service]:
    modules = tuple(app_settings.SERVICES)
    if modules not in _services:
        loaded: dict[str, Service] = {}
        for path in modules:
            service = import_module(path).SERVICE
            if service.code in loaded:
                raise RuntimeError(f"Two services share the code {service.code!r}.")
            loaded[service.code] = service
        _services[modules] = loaded
    return _services[modules]


def all_services() -> list[Service]:
    """Every configured service, in the configured order."""
    return list(_load().values())


def get(code: str) -> Service | None:
    return _load().get(code)


def title(code: str) -> str:
    """The readable name of a service code (the code itself for a service no longer configured)."""
    service = get(code)
    return str(service.title) if service else code
