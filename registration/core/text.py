"""Text the site refuses: invisible characters in form fields, NUL and broken UTF-8 in URLs.

Two places, one rule each: :class:`PlainTextFieldsMixin` puts the library's free-text rule
(:mod:`validators.text`) on every text field of a form, so the error appears beside that field;
:class:`InvalidTextMiddleware` answers 400 to a path or query string holding a NUL byte or bytes that
are not UTF-8, before any view or admin filter hands them to the database (PostgreSQL refuses NUL in
text, which would otherwise be a 500).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from django import forms
from django.http import HttpRequest, HttpResponse

from registration.core.error_pages import render_error
from registration.core.uploads import file_name_length
from validators.django import PlainTextValidator

_plain_text = PlainTextValidator()


def plain_text(value: Any) -> None:
    """Field validator: free text without invisible or control characters (non-text values pass)."""
    if isinstance(value, str):
        _plain_text(value)


class PlainTextFieldsMixin(forms.BaseForm):
    """Every text field of the form (passwords and ``plain_text_exempt`` aside) refuses invisible characters;
    every file field refuses a file name over 255 bytes (:mod:`registration.core.uploads`)."""

    #: Names of text fields the rule does not apply to.
    plain_text_exempt: tuple[str, ...] = ()

    def full_clean(self) -> None:
        for name, field in self.fields.items():
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.PasswordInput)
                and name not in self.plain_text_exempt
                and plain_text not in field.validators
            ):
                # Each form holds deep copies of its fields: this changes no other form.
                field.validators.append(plain_text)
            if isinstance(field, forms.FileField) and file_name_length not in field.validators:
                field.validators.append(file_name_length)
        super().full_clean()


def _readable(raw: bytes) -> bool:
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _as_bytes(value: str) -> bytes:
    # WSGI passes the path and query string as bytes decoded as ISO-8859-1; ASGI as decoded text.
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def readable_url(request: HttpRequest) -> bool:
    """Whether the request's path and query string are UTF-8 without NUL (percent-escapes decoded)."""
    path = _as_bytes(request.META.get("PATH_INFO", request.path_info))
    query = _as_bytes(request.META.get("QUERY_STRING", ""))
    return _readable(unquote_to_bytes(path)) and _readable(unquote_to_bytes(query.replace(b"+", b" ")))


class InvalidTextMiddleware:
    """Answer the site's 400 page to a URL holding NUL or bytes that are not UTF-8."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not readable_url(request):
            return render_error(request, "400.html", 400)
        return self.get_response(request)
