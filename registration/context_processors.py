"""Values every page needs: support contacts, the service's name."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "SUPPORT_PHONE": getattr(settings, "REGISTRATION_SUPPORT_PHONE", "8 800 100-70-10"),
        "SUPPORT_EMAIL": getattr(settings, "REGISTRATION_SUPPORT_EMAIL", "support@example.org"),
    }
