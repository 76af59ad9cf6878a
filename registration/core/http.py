"""What a request says about its client."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest

from registration.core.conf import app_settings


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the proxy's X-Forwarded-For when proxies are trusted."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    trusted_hops = app_settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted_hops and forwarded:
        hops = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(hops) >= trusted_hops:
            candidate = hops[-trusted_hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
