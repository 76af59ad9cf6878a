"""The terms of use and the privacy notice, each a page per published version."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from registration.accounts import consent
from registration.core.conf import app_settings

DOCUMENTS = {
    "terms": (consent.TERMS_VERSIONS, _("Terms of use and consent to the processing of personal data")),
    "notice": (consent.NOTICE_VERSIONS, _("Privacy notice")),
}
URL_NAMES = {
    "terms": ("registration:terms", "registration:terms_version"),
    "notice": ("registration:privacy", "registration:privacy_version"),
}


@require_GET
def document(request: HttpRequest, kind: str, version: str | None = None) -> HttpResponse:
    """The current version of a text, or an earlier one (what a person agreed to stays readable)."""
    versions, title = DOCUMENTS[kind]
    current = versions[-1]
    version = version or current
    if version not in versions:
        raise Http404
    current_name, version_name = URL_NAMES[kind]
    context = {
        "title": title,
        "version": version,
        "version_date": date.fromisoformat(version),
        "is_current": version == current,
        "current_url": reverse(current_name),
        "versions": [
            {"version": item, "date": date.fromisoformat(item), "url": reverse(version_name, args=[item])}
            for item in reversed(versions)
        ],
        "retention": {
            "drafts": app_settings.WIZARD_DRAFT_DAYS,
            "unconfirmed": app_settings.RETENTION_UNCONFIRMED_DAYS,
            "support": app_settings.RETENTION_SUPPORT_THREAD_DAYS,
            "closed": app_settings.CLOSED_ACCOUNT_HOLD_DAYS,
            "service_drafts": app_settings.SERVICE_DRAFT_DAYS,
            "rejected_services": app_settings.RETENTION_REJECTED_SERVICE_DAYS,
        },
    }
    return render(request, f"privacy/{kind}/{version}.html", context)
