"""The signed-in account of a request, typed: ``request.user`` is ``Account | AnonymousUser``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from registration.accounts.models import Account


def signed_in(request: HttpRequest) -> Account:
    """The request's account; the views that call this are behind a log-in, so anonymous is refused."""
    user = request.user
    if not isinstance(user, Account):
        raise PermissionDenied
    return user
