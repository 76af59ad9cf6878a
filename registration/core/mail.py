"""E-mails from templates, in the person's language: ``<name>_subject.txt``, ``<name>_message.txt``
and optionally ``<name>_message.html`` under ``templates/email/``.

A message to a person with an account goes out in the language recorded on the account
(:func:`language_of`), never in the language of the request that caused it: a clerk working in
Russian who confirms an English-speaking person sends an English e-mail. Everything that depends on
the language is rendered inside :func:`django.utils.translation.override`, so the context should
carry lazy strings (``gettext_lazy``, ``TextChoices`` labels), dates and numbers, never text already
turned into ``str`` in the clerk's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from registration.core.conf import app_settings


class Addressee(Protocol):
    """What a message needs from an account (kept structural: ``core`` imports no other app)."""

    email: str
    preferred_language: str


def supported_language(code: str | None) -> str | None:
    """``code`` when it names one of the site's languages (``settings.LANGUAGES``), else ``None``."""
    return code if code and code in dict(settings.LANGUAGES) else None


def language_of(account: Any) -> str:
    """The language messages to ``account`` are written in: the one recorded on it, else the site's default."""
    return supported_language(getattr(account, "preferred_language", None)) or settings.LANGUAGE_CODE


def send_templated(
    name: str, to: str | list[str], context: dict[str, Any] | None = None, *, language: str | None = None
) -> int:
    """Render and send the e-mail ``name`` to ``to``; returns the number sent (0 or 1).

    Without ``language`` the e-mail is written in the request's language: right only where no account
    exists yet (the wizard's codes). Messages to an account go through :func:`send_to_account`.
    """
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


def send_to_account(
    account: Addressee, name: str, context: Mapping[str, Any] | None = None, *, to: str | None = None
) -> int:
    """Send the e-mail ``name`` to ``account`` (or to ``to``, e.g. its previous address) in the account's language.

    ``account`` is in the context as ``account``. Returns the number sent (0 or 1).
    """
    return send_templated(
        name,
        to if to is not None else account.email,
        {"account": account, **(context or {})},
        language=language_of(account),
    )
