"""Clerks' searches by POST: the e-mail, phone or name searched for never appears in a URL.

Django's admin searches with ``GET ?q=…``, so the term lands in access logs, proxies and browser
history. On the desks below, the search box posts the term; the term is kept in the (encrypted)
session under a random id and the list is shown at ``?q=<id>``, so that paging, sorting and filters
keep working with nothing personal in their links.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib.admin.views.main import SEARCH_VAR
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token

SESSION_KEY = "workspace_searches"
#: Search ids start with this, so that they are told apart from a term typed into the address bar.
ID_PREFIX = "s-"
#: Searches remembered per session; older ones are forgotten (their lists then show everything).
KEPT = 20


def remember(request: HttpRequest, term: str) -> str:
    """A new random id for ``term``, kept in the session."""
    kept: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    search_id = ID_PREFIX + secrets.token_urlsafe(9)
    kept[search_id] = term
    request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])
    return search_id


def recall(request: HttpRequest, value: str) -> str:
    """The term a search id stands for (an id this session does not know: nothing, so no list is narrowed)."""
    if not value.startswith(ID_PREFIX):
        return value
    return request.session.get(SESSION_KEY, {}).get(value, "")


class PostedSearch:
    """A ``ModelAdmin`` mixin: the search box posts, the list URL carries an opaque search id."""

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.method == "POST" and SEARCH_VAR in request.POST and "action" not in request.POST:
            params = {
                key: value for key, value in request.POST.items() if key not in ("csrfmiddlewaretoken", SEARCH_VAR)
            }
            term = request.POST[SEARCH_VAR].strip()
            if term:
                params[SEARCH_VAR] = remember(request, term)
            return HttpResponseRedirect(f"{request.path}?{urlencode(params)}" if params else request.path)
        return super().changelist_view(request, extra_context)  # type: ignore[misc]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> Any:
        base = super().get_changelist(request, **kwargs)  # type: ignore[misc]

        class PostedSearchChangeList(base):  # type: ignore[misc,valid-type]
            search_posted = True  # admin/search_form.html then posts, with csrf_token

            def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
                # The id in the URL stands for the term: searched for, and shown in the box.
                self.query = recall(request, self.query)  # type: ignore[has-type]
                self.csrf_token = get_token(request)
                return super().get_queryset(request, exclude_parameters)

        return PostedSearchChangeList
