"""E-mails from templates, in the person's language: ``<name>_subject.txt``, ``<name>_message.txt``
and optionally ``<name>_message.html`` under ``templates/email/``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from registration.core.conf import app_settings


def send_templated(
    name: str, to: str | list[str], context: dict[str, Any] | None = None, *, language: str | None = None
) -> int:
    """Render and send the e-mail ``name`` to ``to``; returns the number sent (0 or 1)."""
    recipients = [to] if isinstance(to, str) else list(to)
    context = {
        "support_email": app_settings.SUPPORT_EMAIL,
        **(context or {}),
    }
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"email/{name}_subject.txt", context).split())
        body = render_to_string(f"email/{name}_message.txt", context)
        try:
            html = render_to_string(f"email/{name}_message.html", context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
