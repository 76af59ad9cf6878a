"""The person's language: remembered on the account when they switch, applied whenever they log in.

The language switcher posts to Django's ``set_language`` view (``/i18n/setlang/``), which sets the
language cookie. For a logged-in person this middleware also stores the choice in
``Account.preferred_language`` (e-mails and SMS texts are sent in it too), and on every request of a
logged-in person applies that stored language, re-setting the cookie when it differs. So a person who
chose English on one device finds English after logging in on another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation


def supported(code: str | None) -> str | None:
    """The code when it names one of the site's languages, else ``None``."""
    return code if code and code in dict(settings.LANGUAGES) else None


def remember(account: Any, code: str) -> None:
    """Store a language on the account without touching any other field."""
    get_user_model().objects.filter(pk=account.pk).update(preferred_language=code)
    account.preferred_language = code


def set_language_cookie(response: HttpResponse, code: str) -> None:
    """Set the language cookie exactly as Django's ``set_language`` view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a Literal in the stubs
    )


class PreferredLanguageMiddleware:
    """Apply a logged-in person's stored language, and remember the one they switch to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        was_logged_in = bool(user and user.is_authenticated)
        preferred = supported(getattr(user, "preferred_language", None)) if was_logged_in else None
        if preferred and preferred != translation.get_language():
            translation.activate(preferred)
            request.LANGUAGE_CODE = preferred

        response = self.get_response(request)

        # request.user may have changed in the view: log-in sets it, log-out clears it.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        chosen = supported(cookie.value) if cookie is not None and cookie.value else None
        stored = supported(user.preferred_language)
        if chosen:
            # The person has just switched (Django's set_language view set the cookie).
            if chosen != stored:
                remember(user, chosen)
        elif stored:
            if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != stored:
                set_language_cookie(response, stored)
        elif not was_logged_in:
            # Logging in, never having chosen: keep the language in use (one write, at log-in only).
            current = supported(getattr(request, "LANGUAGE_CODE", None)) or settings.LANGUAGE_CODE
            remember(user, current)
        return response


# The clerks' workspace (the Django admin) speaks Russian and English only: its people are staff in Russia.
WORKSPACE_LANGUAGES = ("ru", "en")


class WorkspaceLanguageMiddleware:
    """Show the clerks' workspace in Russian when the language in use is neither Russian nor English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(reverse("admin:index")) and translation.get_language() not in WORKSPACE_LANGUAGES:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
