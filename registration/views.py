"""The start page, log-in and the cabinet's status page. Thin: the work happens in services."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import LoginForm


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The wizard's entry: what the service is, what to have at hand, and a start button."""
    from .wizard.views import has_draft

    return render(request, "registration/wizard/start.html", {"has_draft": has_draft(request)})


class LoginView(auth_views.LoginView):
    template_name = "registration/cabinet/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/cabinet/password_reset_form.html"
    email_template_name = "registration/email/password_reset_message.txt"
    html_email_template_name = "registration/email/password_reset_message.html"
    subject_template_name = "registration/email/password_reset_subject.txt"
    success_url = reverse_lazy("registration:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/cabinet/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/cabinet/password_reset_confirm.html"
    success_url = reverse_lazy("registration:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/cabinet/password_reset_complete.html"


@never_cache
@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    """The account's status page: pending, active or blocked, and what to do next."""
    account = request.user
    applicant = getattr(account, "applicant", None)
    return render(request, "registration/cabinet/status.html", {"account": account, "applicant": applicant})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
