"""The start page, log-in (with the optional SMS code), password reset and the cabinet.

Thin: the work happens in ``services``, ``login`` and ``contact``; these views parse and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import View

from registration import access
from registration.accounts import audit, second_factor
from registration.accounts.forms import ChosenPasswordForm, LoginForm, PasswordResetRequestForm
from registration.accounts.models import Account
from registration.cabinet import checklist
from registration.cabinet import second_factor as login_flow
from registration.cabinet.forms import LanguageForm, LoginCodeForm, SecondFactorForm
from registration.codes import contact as codes
from registration.core import i18n, ratelimit
from registration.core.help import QUESTIONS
from registration.core.mail import language_of
from registration.core.masking import mask_email, mask_phone
from registration.profile import flows as profile_flows
from registration.registries import flows as registry_checks
from registration.support import flows as support_flows
from registration.support.forms import SupportReplyForm, SupportRequestForm
from registration.support.models import SupportRequest, SupportTopic

CODE_MESSAGES: dict[str, Any] = {
    codes.WRONG: _("The code is wrong. Check the last text message and type it again."),
    codes.EXPIRED: _("The code has expired. Ask for a new one."),
    codes.TOO_MANY_ATTEMPTS: _("Too many wrong codes. Log in again to get a new code."),
    codes.NO_CODE: _("Ask for a new code."),
    codes.RATE_LIMITED: _("Too many attempts. Wait a few minutes and try again."),
}
SEND_MESSAGES: dict[str, Any] = {
    codes.SENT: _("We have sent a code to your phone."),
    codes.COOLDOWN: _("You can ask for a new code in %(seconds)s seconds."),
    codes.RATE_LIMITED: _("Too many codes have been sent. Wait an hour and try again, or contact support."),
    codes.SEND_FAILED: _("We could not send the code. Try again in a minute."),
}


# --- log-in ----------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "cabinet/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    @method_decorator(ratelimit.limit("login_ip"))
    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]  # authentication_form
        account = form.get_user()
        if login_flow.needs_second_factor(account):
            outcome = login_flow.begin_second_factor(
                self.request, account, getattr(account, "backend", ""), self.get_success_url()
            )
            self.request.session["registration_login_send"] = outcome.code
            return redirect("registration:login_code")
        return super().form_valid(form)


@method_decorator([never_cache, sensitive_post_parameters("code")], name="dispatch")
class LoginCodeView(View):
    """The second step of log-in for people who turned on the SMS code."""

    template_name = "cabinet/login_code.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.account, self.state = login_flow.pending_account(request)
        if self.account is None:
            return redirect("registration:login")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sent = request.session.pop("registration_login_send", "")
        return self.page(LoginCodeForm(), send=sent if sent != codes.SENT else "")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.account is not None  # dispatch() redirected otherwise
        outcome: codes.SendOutcome | codes.CheckOutcome  # a resent code's, or a typed code's
        if "resend" in request.POST:
            outcome = login_flow.resend_second_factor(request, self.account)
            status = 429 if outcome.code in (codes.RATE_LIMITED, codes.COOLDOWN) else 200
            return self.page(LoginCodeForm(), send=outcome.code, retry_after=outcome.retry_after, status=status)
        form = LoginCodeForm(request.POST)
        if form.is_valid():
            outcome = login_flow.complete_second_factor(request, self.account, form.cleaned_data["code"], self.state)
            if outcome.ok:
                target = str(self.state.get("next") or "")
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                    target = reverse("registration:cabinet")
                return redirect(target)
            form.add_error("code", CODE_MESSAGES.get(outcome.code, CODE_MESSAGES[codes.WRONG]))
            if outcome.code == codes.RATE_LIMITED:
                return self.page(form, status=429)
        return self.page(form)

    def page(self, form: LoginCodeForm, *, send: str = "", retry_after: int = 0, status: int = 200) -> HttpResponse:
        message = SEND_MESSAGES[send] % {"seconds": retry_after} if send in SEND_MESSAGES else ""
        assert self.account is not None  # dispatch() redirected otherwise
        context = {
            "form": form,
            "send_message": message,
            "send_failed": send not in ("", codes.SENT),
            "masked_phone": mask_phone(self.account.phone) if self.account.phone else mask_email(self.account.email),
        }
        return render(self.request, self.template_name, context, status=status)


class LogoutView(auth_views.LogoutView):
    pass


# --- password reset --------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "cabinet/password_reset_form.html"
    form_class = PasswordResetRequestForm
    email_template_name = "email/password_reset_message.txt"
    html_email_template_name = "email/password_reset_message.html"
    subject_template_name = "email/password_reset_subject.txt"
    success_url = reverse_lazy("registration:password_reset_done")

    @method_decorator(ratelimit.limit("password_reset_ip"))
    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        # Per address as well as per client; past the limit the page looks the same (nothing is revealed).
        if not ratelimit.hit("password_reset_email", form.cleaned_data["email"].lower()):
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "cabinet/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "cabinet/password_reset_confirm.html"
    form_class = ChosenPasswordForm
    success_url = reverse_lazy("registration:password_reset_complete")

    def form_valid(self, form: ChosenPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        audit.record("login.password_reset", account=form.user, actor=form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "cabinet/password_reset_complete.html"


# --- the cabinet -----------------------------------------------------------------------------------


@never_cache
@login_required
def cabinet(request: HttpRequest) -> HttpResponse:
    """The account's status page: pending, active or blocked, and what to do next."""
    account: Account = request.user  # type: ignore[assignment]
    applicant = checklist.applicant_of(account)
    waiting = [change for change in profile_flows.changes_of(account, limit=5) if change.is_pending]
    # An active account whose changed identity data waits for a clerk: no identity method to choose.
    under_review = account.is_pending and any(change.was_active for change in waiting)
    context = {
        "account": account,
        "applicant": applicant,
        "changes_waiting": waiting,
        "under_review": under_review,
        "checklist": checklist.pending_checklist(account, applicant) if account.is_pending and not under_review else [],
        "support_requests": support_flows.support_requests_of(account, limit=5),
        "second_factor": second_factor.has_second_factor(account),
        "registry_checks": registry_checks.shown(applicant) if applicant else [],
        # The receipts of state fees paid for services.
        "has_payments": account.payments.exists(),
    }
    return render(request, "cabinet/status.html", context)


def _support_key(request: HttpRequest) -> str:
    return f"account:{request.user.pk}"


@never_cache
@login_required
def support_list(request: HttpRequest) -> HttpResponse:
    """The person's support requests, newest first, with their status."""
    return render(
        request,
        "cabinet/support_list.html",
        {"support_requests": support_flows.support_requests_of(request.user)},  # type: ignore[arg-type]
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("support_request", key=_support_key)
def support_new(request: HttpRequest) -> HttpResponse:
    """Contact support: a description and an optional screenshot; the request gets a number."""
    account: Account = request.user  # type: ignore[assignment]
    default_topic = SupportTopic.BLOCKED if account.is_blocked else SupportTopic.ACCESS
    if request.method == "POST":
        form = SupportRequestForm(request.POST, request.FILES)
        if form.is_valid():
            screenshot = form.cleaned_data.get("screenshot")
            support = support_flows.create_support_request(
                account,
                subject=form.subject,
                body=form.cleaned_data["body"],
                topic=form.cleaned_data["topic"],
                attachment=screenshot,
                attachment_name=getattr(screenshot, "name", "") or "",
                request=request,
            )
            return redirect("registration:support_detail", number=support.number)
    else:
        form = SupportRequestForm(initial={"topic": default_topic})
    return render(request, "cabinet/support_new.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def support_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One request: its status, the messages both ways, and a box to write again."""
    support = SupportRequest.objects.filter(number=number[:16]).first()
    if support is None or not access.can_write_as_person(request.user, support):
        raise Http404
    form = SupportReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not ratelimit.hit("support_request", _support_key(request)):
            return ratelimit.too_many_requests(request)
        if form.is_valid():
            screenshot = form.cleaned_data.get("screenshot")
            support_flows.add_support_message(
                support,
                author=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                attachment=screenshot,
                attachment_name=getattr(screenshot, "name", "") or "",
                request=request,
            )
            return redirect("registration:support_detail", number=support.number)
    # Support's internal notes are never shown to the person.
    messages = support.messages.filter(internal=False).select_related("author").order_by("created_at", "pk")
    return render(request, "cabinet/support_detail.html", {"support": support, "messages": messages, "form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@ratelimit.limit("profile_details", key=lambda request: f"account:{request.user.pk}")
def security(request: HttpRequest) -> HttpResponse:
    """Log-in settings: turn the SMS code after the password on or off (the password is asked again)."""
    account: Account = request.user  # type: ignore[assignment]
    enabled = second_factor.has_second_factor(account)
    form = SecondFactorForm(request.POST or None, initial={"enabled": "on" if enabled else "off"}, account=account)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["enabled"] and not account.phone:
            form.add_error("enabled", _("Your account has no phone number to send codes to."))
        else:
            second_factor.set_second_factor(account, form.cleaned_data["enabled"], request=request)
            return redirect(f"{reverse('registration:security')}?saved=1")
    return render(
        request,
        "cabinet/security.html",
        {"form": form, "enabled": enabled, "saved": request.GET.get("saved") == "1"},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def language(request: HttpRequest) -> HttpResponse:
    """The language of the site and of every message to the person (e-mails, SMS, letters by post)."""
    account: Account = request.user  # type: ignore[assignment]
    form = LanguageForm(request.POST if request.method == "POST" else None, initial={"language": language_of(account)})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        i18n.remember(account, chosen)
        translation.activate(chosen)
        response = redirect(f"{reverse('registration:language')}?saved=1")
        i18n.set_language_cookie(response, chosen)
        return response
    return render(request, "cabinet/language.html", {"form": form, "saved": request.GET.get("saved") == "1"})


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    """Frequent questions with short answers linked to the right step, and the support channels."""
    return render(request, "cabinet/help/index.html", {"questions": QUESTIONS})
