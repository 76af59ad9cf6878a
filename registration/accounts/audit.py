"""Writing the audit log: one function that every action calls."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Account, AuditEvent
from registration.core.http import client_ip

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
