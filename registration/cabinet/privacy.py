"""The person's data: the consents given, downloading what the service holds, closing the account."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from registration.accounts import audit
from registration.accounts.models import Account
from registration.accounts.signed_in import signed_in
from registration.cabinet.forms import CloseAccountForm, DataDownloadForm
from registration.core import ratelimit
from registration.core.conf import app_settings
from registration.privacy import closing, export


def _account_key(request: HttpRequest) -> str:
    return f"account:{request.user.pk}"


def _person(request: HttpRequest) -> Account:
    """The signed-in person; the clerks' accounts are managed in the workspace, not closed from here."""
    account = signed_in(request)
    if account.is_staff:
        raise PermissionDenied
    return account


@never_cache
@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The consents the person gave (with the texts' versions), and the ways to download or close."""
    account = _person(request)
    return render(
        request,
        "cabinet/privacy/overview.html",
        {"consents": account.consents.all(), "hold_days": app_settings.CLOSED_ACCOUNT_HOLD_DAYS},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@ratelimit.limit("privacy_export", key=_account_key)
def download(request: HttpRequest) -> HttpResponseBase:
    """After the password: a ZIP archive of everything held about the person, their scans included."""
    account = _person(request)
    form = DataDownloadForm(request.POST if request.method == "POST" else None, account=account)
    if request.method == "POST" and form.is_valid():
        archive, counts = export.build_archive(account)
        audit.record("privacy.exported", account=account, actor=account, request=request, data=counts)
        name = f"personal-data-{timezone.localdate():%Y-%m-%d}.zip"
        response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return render(request, "cabinet/privacy/download.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@ratelimit.limit("account_close", key=_account_key)
def close(request: HttpRequest) -> HttpResponse:
    """After the password and a confirmation: the account is closed at once and the person logged out."""
    account = _person(request)
    form = CloseAccountForm(request.POST if request.method == "POST" else None, account=account)
    if request.method == "POST" and form.is_valid():
        closing.close_account(account, request=request)
        logout(request)
        return redirect(reverse("registration:account_closed"))
    return render(
        request, "cabinet/privacy/close.html", {"form": form, "hold_days": app_settings.CLOSED_ACCOUNT_HOLD_DAYS}
    )


@never_cache
@require_GET
def closed(request: HttpRequest) -> HttpResponse:
    """Said once, after closing: the account is closed and when its data goes."""
    return render(request, "cabinet/privacy/closed.html", {"hold_days": app_settings.CLOSED_ACCOUNT_HOLD_DAYS})
