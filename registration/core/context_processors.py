"""Values every page needs: the support contact channels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from registration.core.help import contacts


def site(request: HttpRequest) -> dict[str, Any]:
    support = contacts()
    phones = support.get("phones") or []
    return {
        "SUPPORT": support,
        "SUPPORT_PHONE": phones[0]["number"] if phones else "",
        "SUPPORT_PHONE_INTERNATIONAL": phones[1]["number"] if len(phones) > 1 else "",
        "SUPPORT_EMAIL": support.get("email", ""),
    }
