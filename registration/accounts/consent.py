"""The versions of the terms of use and of the privacy notice, and recording a person's consent to them.

Each published text is a template per version (``privacy/terms/<version>.html``,
``privacy/notice/<version>.html``); the last version in each tuple is the one shown now and the one a
new consent records. A changed text is a new version added here with its template, never an edit of an
old one: what a person agreed to stays readable at ``/terms/<version>/``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from registration.accounts.models import Account, Consent
from registration.core.http import client_ip

#: Every published version of each text, oldest first (ISO dates of publication).
TERMS_VERSIONS: tuple[str, ...] = ("2026-12-01",)
NOTICE_VERSIONS: tuple[str, ...] = ("2026-12-01", "2026-12-03")
CURRENT_TERMS = TERMS_VERSIONS[-1]
CURRENT_NOTICE = NOTICE_VERSIONS[-1]

#: Characters of the browser's User-Agent kept with a consent.
USER_AGENT_LENGTH = 300


def record(account: Account, *, language: str, request: HttpRequest | None = None) -> Consent:
    """Record that ``account`` agreed to the current terms and privacy notice, shown in ``language``."""
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return Consent.objects.create(
        account=account,
        terms_version=CURRENT_TERMS,
        notice_version=CURRENT_NOTICE,
        language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:8],
        ip_address=client_ip(request),
        user_agent=str(agent)[:USER_AGENT_LENGTH],
    )
