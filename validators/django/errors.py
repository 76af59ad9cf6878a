"""Library errors as Django's: the same code and params, the core's message translated when shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy

from validators import ERROR_CODES, Params, ValidationError
from validators import documents as _documents
from validators import passport as _passport

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

_P = ParamSpec("_P")
_T = TypeVar("_T")

__all__ = ["MESSAGES", "call", "to_django_error", "validate_document", "validate_passport_number"]

#: The translated message for every error code: the core's English (:data:`validators.ERROR_CODES`,
#: where each message is written once), looked up in the catalogue each time it is shown.
MESSAGES: dict[str, _StrPromise] = {code: gettext_lazy(message) for code, message in ERROR_CODES.items()}


def to_django_error(exc: ValidationError) -> DjangoValidationError:
    """Turn a library error into Django's, with the translated message for its code."""
    message: str | _StrPromise | None = MESSAGES.get(exc.code)
    if message is None:
        # A code without a translation: the library's English, already formatted.
        message = str(exc).replace("%", "%%") if exc.params else str(exc)
    return DjangoValidationError(message, code=exc.code, params=Params(exc.params))


def call(function: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """Call a library function; its errors come out as Django's."""
    try:
        return function(*args, **kwargs)
    except ValidationError as exc:
        raise to_django_error(exc) from None


def validate_passport_number(number: str, country: str, country_name: str | None = None) -> str:
    """Check a passport number for ``country`` (for a form's ``clean()``); raise Django's error.

    ``country_name`` names the country in the error, in the reader's language (the code otherwise).
    """
    return call(_passport.validate, number, country, country_name=country_name)


def validate_document(kind: str, series: str, number: str) -> tuple[str, str]:
    """Check a document of stay's series and number (for a form's ``clean()``); raise Django's error."""
    return call(_documents.validate, kind, series, number)
