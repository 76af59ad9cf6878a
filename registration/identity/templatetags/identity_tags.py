"""Template helpers for the identity pages: the cabinet's method panel and accessible form fields."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from registration.accounts import document_rows
from registration.accounts.models import Account, Document
from registration.identity import flows, registry
from registration.identity.models import ConfirmationState

register = template.Library()


@register.simple_tag
def identity_panel(account: Account) -> dict[str, Any]:
    """What the pending status page shows about identity confirmation."""
    current = flows.current(account)
    latest = current or flows.latest(account)
    return {
        # (method, may be chosen, why not): a method the person may not choose says what is missing.
        "methods": [
            (method, not reason, reason)
            for method in registry.offered_methods()
            for reason in [method.unavailable_reason(account)]
        ],
        "current": current,
        "current_label": registry.label(current.method) if current else "",
        "rejected": latest if latest is not None and latest.state == ConfirmationState.REJECTED else None,
        "rejected_label": registry.label(latest.method) if latest is not None else "",
        "open_request": flows.open_request(current),
    }


@register.filter
def described_input(field: BoundField) -> SafeString:
    """The field's widget, pointing at its hint and error with ``aria-describedby``."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def method_label(code: str) -> str:
    return registry.label(code)


@register.filter
def document_details(document: Document) -> list[tuple[str, str]]:
    """The document's number, dates and authority, labelled as its kind names them (ВНЖ, РВП, …)."""
    return document_rows.rows(document)
