"""Writing the audit log: one function that every action calls."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Account, AuditEvent

# Human labels of the actions, for the admin and the person's history. Actions are plain strings in
# the database so that a new flow adds its action here without a migration.
ACTION_LABELS: dict[str, Any] = {
    "account.created": _("Account created"),
    "status.activated": _("Identity confirmed, account activated"),
    "status.blocked": _("Account blocked"),
    "status.unblocked": _("Account unblocked"),
    "status.sent_to_review": _("Account sent back for review"),
}


def register_actions(labels: dict[str, Any]) -> None:
    """Let a flow's module add the labels of its own actions (called at import time)."""
    ACTION_LABELS.update(labels)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or the proxy's X-Forwarded-For when proxies are trusted."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    trusted_hops = getattr(settings, "REGISTRATION_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted_hops and forwarded:
        hops = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(hops) >= trusted_hops:
            candidate = hops[-trusted_hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def record(
    action: str,
    *,
    account: Account | None = None,
    actor: Account | None = None,
    reason: str = "",
    ip_address: str | None = None,
    request: HttpRequest | None = None,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log. ``data`` must never carry personal data or secrets."""
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    return AuditEvent.objects.create(
        action=action,
        account=account,
        actor=actor,
        reason=reason,
        ip_address=ip_address or client_ip(request),
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )


def label(action: str) -> str:
    """The readable name of an action (the action's code when it has none)."""
    return str(ACTION_LABELS.get(action, action))
