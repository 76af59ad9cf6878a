"""The caller desk on the support line: find the caller's account, check the caller, act for a verified one.

Mixed into the support requests' admin. Every view is staff-only (``admin_view``), checks its own
permission, and every action is a CSRF-protected POST; the work is done by ``registration.support.caller``.
Nothing on these pages shows the account's stored personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from registration import access
from registration.accounts.models import Account, Applicant
from registration.codes import contact as codes
from registration.core.masking import mask, mask_email
from registration.profile import flows as profile_flows
from registration.support import caller
from registration.support.models import SupportRequest
from registration.workspace.forms import CallerCheckForm, CallerCodeForm, CallerSearchForm, SupportNoteForm

RESEND_OUTCOMES: dict[str, Any] = {
    codes.SENT: _("The code was sent again to the new contact the person gave."),
    codes.COOLDOWN: _("A code was sent less than a minute ago: ask the caller to wait for it."),
    codes.RATE_LIMITED: _("Too many codes were sent to that contact: try again in an hour."),
    codes.SEND_FAILED: _("The code could not be sent. Try again in a minute."),
    codes.ALREADY_CONFIRMED: _("That contact is already confirmed."),
}


class CallerDeskMixin:
    """URLs, pages and actions of the caller desk (see the module's docstring)."""

    admin_site: admin.AdminSite
    opts: Any

    def caller_urls(self) -> list:
        def page(view: Callable[..., HttpResponse]) -> Any:
            return self.admin_site.admin_view(view)

        def action(view: Callable[..., HttpResponse]) -> Any:
            return self.admin_site.admin_view(require_POST(view))

        return [
            path("caller/", page(self.caller_search_view), name="registration_caller_search"),
            path("caller/<int:account_id>/", page(self.caller_view), name="registration_caller"),
            path("caller/<int:account_id>/check/", action(self.caller_check_view), name="registration_caller_check"),
            path(
                "caller/<int:account_id>/send-code/",
                action(self.caller_send_code_view),
                name="registration_caller_send_code",
            ),
            path("caller/<int:account_id>/code/", action(self.caller_code_view), name="registration_caller_code"),
            path(
                "caller/<int:account_id>/lift-lockout/",
                action(self.caller_lift_lockout_view),
                name="registration_caller_lift_lockout",
            ),
            path(
                "caller/<int:account_id>/resend/<slug:kind>/",
                action(self.caller_resend_view),
                name="registration_caller_resend",
            ),
            path(
                "caller/<int:account_id>/password-reset/",
                action(self.caller_password_reset_view),
                name="registration_caller_password_reset",
            ),
            path("caller/<int:account_id>/note/", action(self.caller_note_view), name="registration_caller_note"),
        ]

    # --- helpers -------------------------------------------------------------------------------

    def _allow(self, request: HttpRequest, action: str) -> None:
        if not access.may(request.user, action):
            raise PermissionDenied

    def _caller_account(self, request: HttpRequest, account_id: int, action: str) -> Account:
        self._allow(request, action)
        account = get_object_or_404(Account, pk=account_id)
        if not caller.verifiable(account):
            raise Http404
        return account

    def _caller_url(self, account: Account) -> str:
        return reverse("admin:registration_caller", args=[account.pk])

    def _refused(self, request: HttpRequest, account: Account, error: caller.CallerError) -> HttpResponse:
        messages.error(request, error.message)
        return redirect(self._caller_url(account))

    # --- pages ---------------------------------------------------------------------------------

    def caller_search_view(self, request: HttpRequest) -> HttpResponse:
        """Find the caller's account by what they can tell: application number, e-mail or phone."""
        from registration.support.desk import find_account

        self._allow(request, "verify_caller")
        # Posted, so that the e-mail or phone searched for never appears in a URL (or an access log).
        form = CallerSearchForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            account = find_account(form.cleaned_data["term"])
            if account is not None and caller.verifiable(account):
                return redirect(self._caller_url(account))
            form.add_error(
                "term",
                forms.ValidationError(_("No person's account has exactly this number or address."), code="not_found"),
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Verify a caller"),
            "form": form,
        }
        response = TemplateResponse(request, "admin/support/supportrequest/caller_search.html", context)
        add_never_cache_headers(response)
        return response

    def caller_view(
        self, request: HttpRequest, account_id: int, *, bound: dict[str, forms.Form] | None = None
    ) -> HttpResponse:
        """The account (masked), the state of this operator's verification, and what may be done."""
        account = self._caller_account(request, account_id, "verify_caller")
        bound = bound or {}
        operator: Account = request.user  # type: ignore[assignment]
        applicant = Applicant.objects.get(account=account)
        user = request.user
        verification = caller.verification(account, operator)
        match = caller.data_match(account, operator)
        now = timezone.now()
        waiting_code = caller.code_waiting(match)
        pending_contacts = [
            kind
            for kind, purpose in profile_flows.PURPOSES.items()
            if (row := profile_flows.pending_contact(account, purpose)) is not None and not row.is_confirmed
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Verify a caller"),
            "account": account,
            "masked_email": mask_email(account.email),
            "masked_phone": mask(account.phone or ""),
            "application_number": mask(applicant.application_number),
            "on_file": {
                "passport": profile_flows.identity_document(applicant) is not None,
                "snils": bool(applicant.snils),
                "inn": bool(applicant.inn),
            },
            "locked_until": caller.locked_until(account, now),
            "verification": verification,
            "match": match,
            "waiting_code": waiting_code,
            "code_required": caller.code_required(),
            "login_locked": caller.login_locked(account),
            "pending_contacts": pending_contacts,
            "support_requests": list(SupportRequest.objects.filter(account=account).order_by("-created_at")[:10]),
            "check_form": bound.get("check") or CallerCheckForm(),
            "code_form": bound.get("code") or CallerCodeForm(),
            "note_form": bound.get("note") or SupportNoteForm(account=account),
            "can": {
                name: access.may(user, name)
                for name in (
                    "verify_caller",
                    "lift_login_lockout",
                    "resend_contact_code",
                    "send_password_reset",
                    "add_support_note",
                    "open_support_request",
                )
            },
        }
        response = TemplateResponse(
            request, "admin/support/supportrequest/caller.html", context, status=400 if bound else 200
        )
        add_never_cache_headers(response)
        return response

    # --- checking the caller --------------------------------------------------------------------

    @method_decorator(sensitive_post_parameters("name", "birth_date", "identifier"))
    def caller_check_view(self, request: HttpRequest, account_id: int) -> HttpResponse:
        account = self._caller_account(request, account_id, "verify_caller")
        form = CallerCheckForm(request.POST)
        if not form.is_valid():
            return self.caller_view(request, account_id, bound={"check": form})
        facts = caller.CallerFacts(
            name=form.cleaned_data["name"],
            birth_date=form.cleaned_data["birth_date"],
            identifier_kind=form.cleaned_data["identifier_kind"],
            identifier=form.cleaned_data["identifier"],
        )
        try:
            result = caller.check_data(account, facts, operator=request.user, request=request)  # type: ignore[arg-type]
        except caller.CallerError as error:
            return self._refused(request, account, error)
        if result.matched:
            messages.success(
                request,
                _("Matches.")
                if result.verified
                else _("Matches. Now send a code to the phone and ask the caller to read it."),
            )
        else:
            messages.error(request, _("Does not match."))
            if result.locked:
                messages.error(request, caller.CallerError("locked").message)
        return redirect(self._caller_url(account))

    def caller_send_code_view(self, request: HttpRequest, account_id: int) -> HttpResponse:
        account = self._caller_account(request, account_id, "verify_caller")
        try:
            caller.send_code(account, operator=request.user, request=request)  # type: ignore[arg-type]
        except caller.CallerError as error:
            return self._refused(request, account, error)
        messages.success(request, _("A code was sent to the account's phone. Ask the caller to read it out."))
        return redirect(self._caller_url(account))

    @method_decorator(sensitive_post_parameters("code"))
    def caller_code_view(self, request: HttpRequest, account_id: int) -> HttpResponse:
        account = self._caller_account(request, account_id, "verify_caller")
        form = CallerCodeForm(request.POST)
        if not form.is_valid():
            return self.caller_view(request, account_id, bound={"code": form})
        try:
            result = caller.check_code(account, form.cleaned_data["code"], operator=request.user, request=request)  # type: ignore[arg-type]
        except caller.CallerError as error:
            return self._refused(request, account, error)
        if result.matched:
            messages.success(request, _("The code matches."))
        else:
            messages.error(request, _("The code does not match."))
            if result.locked:
                messages.error(request, caller.CallerError("locked").message)
        return redirect(self._caller_url(account))

    # --- actions for a verified caller ------------------------------------------------------------

    def caller_lift_lockout_view(self, request: HttpRequest, account_id: int) -> HttpResponse:
        account = self._caller_account(request, account_id, "lift_login_lockout")
        try:
            caller.lift_lockout(account, operator=request.user, request=request)  # type: ignore[arg-type]
        except caller.CallerError as error:
            return self._refused(request, account, error)
        messages.success(request, _("Failed log-ins are forgotten: the person can log in again."))
        return redirect(self._caller_url(account))

    def caller_resend_view(self, request: HttpRequest, account_id: int, kind: str) -> HttpResponse:
        account = self._caller_account(request, account_id, "resend_contact_code")
        purpose = profile_flows.PURPOSES.get(kind)
        if purpose is None:
            raise Http404
        try:
            outcome = caller.resend_contact_code(account, purpose, operator=request.user, request=request)  # type: ignore[arg-type]
        except caller.CallerError as error:
            return self._refused(request, account, error)
        level = messages.SUCCESS if outcome == codes.SENT else messages.WARNING
        messages.add_message(request, level, RESEND_OUTCOMES.get(outcome, outcome))
        return redirect(self._caller_url(account))

    def caller_password_reset_view(self, request: HttpRequest, account_id: int) -> HttpResponse:
        account = self._caller_account(request, account_id, "send_password_reset")
        try:
            caller.send_password_reset(account, operator=request.user, request=request)  # type: ignore[arg-type]
        except caller.CallerError as error:
            return self._refused(request, account, error)
        messages.success(request, _("A password reset link was sent to the account's own e-mail address."))
        return redirect(self._caller_url(account))

    def caller_note_view(self, request: HttpRequest, account_id: int) -> HttpResponse:
        account = self._caller_account(request, account_id, "add_support_note")
        form = SupportNoteForm(request.POST, account=account)
        if not form.is_valid():
            return self.caller_view(request, account_id, bound={"note": form})
        try:
            caller.add_note(
                account,
                form.cleaned_data["support_request"],
                form.cleaned_data["body"],
                operator=request.user,  # type: ignore[arg-type]
                request=request,
            )
        except caller.CallerError as error:
            return self._refused(request, account, error)
        messages.success(request, _("Note added to the request."))
        return redirect(self._caller_url(account))
