"""The identity-confirmation methods, by code. A new method is one module plus one line in ``MODULES``."""

from __future__ import annotations

from importlib import import_module

from django.utils.functional import Promise

from registration.identity.base import IdentityError, Method
from registration.identity.conf import enabled_methods

# The order is the order in which the cabinet offers the methods.
MODULES: tuple[str, ...] = (
    "registration.identity.service_centre",
    "registration.identity.post_letter",
    "registration.identity.signature",
    "registration.identity.video_call",
    "registration.identity.consulate",
    "registration.identity.scan_review",
    "registration.identity.mobile_id",
)

_methods: dict[str, Method] | None = None


def _load() -> dict[str, Method]:
    global _methods
    if _methods is None:
        loaded: dict[str, Method] = {}
        for path in MODULES:
            method = import_module(path).METHOD
            if method.code in loaded:
                raise RuntimeError(f"Two identity methods share the code {method.code!r}.")
            loaded[method.code] = method
        _methods = loaded
    return _methods


def all_methods() -> list[Method]:
    """Every registered method, whether offered to people or not (the admin knows them all)."""
    return list(_load().values())


def offered_methods() -> list[Method]:
    """The methods people may choose, in the configured order."""
    methods = _load()
    codes = enabled_methods()
    chosen = list(methods.values()) if codes is None else [methods[code] for code in codes if code in methods]
    return [method for method in chosen if method.is_offered()]


def get(code: str, *, offered_only: bool = False) -> Method:
    """The method with this code; ``IdentityError("method_unavailable")`` when there is none."""
    pool = {m.code: m for m in offered_methods()} if offered_only else _load()
    try:
        return pool[code]
    except KeyError:
        raise IdentityError("method_unavailable") from None


def label(code: str) -> str:
    """The readable name of a method code (the code itself for a method no longer registered)."""
    method = _load().get(code)
    return str(method.label) if method else code


def lazy_label(code: str) -> str | Promise:
    """:func:`label`, read only where it is shown: a message rendered in the person's language names the
    method in that language, not in the language of the clerk whose action sent it."""
    method = _load().get(code)
    return method.label if method else code


def choices() -> list[tuple[str, str]]:
    return [(m.code, str(m.label)) for m in all_methods()]
