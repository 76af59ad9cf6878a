"""Server error pages that need neither the database nor anything that queries it.

Django calls ``server_error`` for every uncaught exception, including those raised in middleware
(a session saved while the database is down). A lost database connection is a temporary outage, so
the person sees a translated 503 page with ``Retry-After`` rather than a 500; either page is rendered
without context processors (they would read the session or the user from the database).
"""

from __future__ import annotations

import sys

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from registration.core.context_processors import site

#: Exceptions that mean "the database cannot be reached", not "the code is wrong".
UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is a lost or refused database connection."""
    while exc is not None:
        if isinstance(exc, UNAVAILABLE):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def render_error(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
    """Render an error page from a plain context: the request, an anonymous user, the support contacts."""
    context = {"request": request, "user": AnonymousUser(), **site(request)}
    try:
        html: str = loader.render_to_string(template_name, context)
    except Exception:  # the page must come out even if its template cannot
        html = f"<!DOCTYPE html><title>{status}</title><h1>{gettext('Sorry, there is a problem with the service')}</h1>"
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: 503 while the database is unreachable, 500 for anything else."""
    if database_unavailable(sys.exc_info()[1]):
        response = render_error(request, "503.html", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render_error(request, template_name, 500)
