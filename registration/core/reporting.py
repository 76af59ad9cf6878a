"""Server-error reports without personal data: what ``AdminEmailHandler`` mails when a page fails.

Django's reports carry the POST data, the query string, the logged-in user's name (here the e-mail),
the uploaded file names, the referring URL and every local variable of every frame (form data,
wizard drafts from the session). Listing the sensitive names (``sensitive_post_parameters``) misses
whatever the next form adds, so here it is the other way round: every value is hidden except a short
allow-list of names known to be harmless, and personal-looking parts of the exception message
(e-mail addresses, runs of digits, as in a database's "Key (email)=(…)") are masked. The traceback's
file names, lines and variable names stay, with each variable's type instead of its value.

Settings: ``DEFAULT_EXCEPTION_REPORTER_FILTER`` and ``DEFAULT_EXCEPTION_REPORTER`` (``config/settings``).
Active when ``DEBUG`` is off, as Django's own filter is.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.utils.datastructures import MultiValueDict
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

#: Form fields whose values are never personal: the wizard's navigation and the pages' buttons.
ALLOWED_POST = frozenset({"registration_wizard-current_step", "wizard_goto_step", "resend", "action", "language"})
#: Request headers and server variables kept as they are.
ALLOWED_META = frozenset(
    {
        "REQUEST_METHOD",
        "PATH_INFO",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "HTTP_HOST",
        "HTTP_USER_AGENT",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_X_FORWARDED_PROTO",
        "wsgi.url_scheme",
    }
)
_PERSONAL = re.compile(r"[^\s@()=,;:'\"<>]+@[^\s@()=,;:'\"<>]+|\+?[A-Za-z]{0,3}\d[\d\s\-]{3,}\d")


def mask(text: str) -> str:
    """``text`` with e-mail addresses and runs of five or more digits (phones, SNILS, INN, numbers) masked."""
    return _PERSONAL.sub("***", text)


def hidden(values: MultiValueDict, allowed: frozenset[str] = ALLOWED_POST) -> MultiValueDict:
    """A copy of ``values`` with every value hidden but those of the ``allowed`` names."""
    cleansed = values.copy()
    for key in cleansed:
        if key not in allowed:
            cleansed.setlist(key, [SafeExceptionReporterFilter.cleansed_substitute])
    return cleansed


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Hides every POST value, query value, header and frame variable except the allow-lists above."""

    def get_post_parameters(self, request: Any) -> Any:
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        return hidden(request.POST)

    def get_cleansed_multivaluedict(self, request: Any, multivaluedict: MultiValueDict) -> MultiValueDict:  # type: ignore[override]
        if not self.is_active(request):
            return super().get_cleansed_multivaluedict(request, multivaluedict)  # type: ignore[arg-type]
        return hidden(multivaluedict)

    def get_safe_request_meta(self, request: Any) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        if not self.is_active(request):
            return meta
        return {key: value if key in ALLOWED_META else self.cleansed_substitute for key, value in meta.items()}

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        # Any local may hold personal data (a form, a draft, a model): keep the name and the type only.
        return [(name, f"<{type(value).__name__}>") for name, value in tb_frame.f_locals.items()]


class PersonalDataExceptionReporter(ExceptionReporter):
    """Django's reporter, with the user, the query string, file names and the message made impersonal."""

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        if self.request is None or not self.filter.is_active(self.request):
            return data
        user = getattr(self.request, "user", None)
        data["user_str"] = f"account {user.pk}" if getattr(user, "pk", None) else "anonymous"  # type: ignore[union-attr]
        data["request_GET_items"] = hidden(self.request.GET, frozenset()).items()
        data["request_FILES_items"] = [(field, self.filter.cleansed_substitute) for field in self.request.FILES]
        data["request_insecure_uri"] = mask(data.get("request_insecure_uri", "").split("?", 1)[0])
        if "exception_value" in data:
            data["exception_value"] = mask(data["exception_value"])
        for frame in data.get("frames", []):
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = mask(str(frame["exc_cause"]))
        return data


class DropTemplateLookupFailures(logging.Filter):
    """Drops the template engine's "Exception while resolving variable" records.

    Django logs them at DEBUG with an exception whose message is the whole template context (the
    person's answers, the wizard's draft): at a DEBUG log level that would put personal data in the logs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Exception while resolving variable")
