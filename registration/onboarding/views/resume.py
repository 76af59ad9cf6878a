"""Continuing later: the draft kept on the server, "save and continue later", a lost session, the e-mailed link.

The rules are in :mod:`registration.onboarding.resume`; here are the wizard's part (:class:`SavedDraftMixin`)
and the pages: the draft saved, the session ended, the link, and the code asked for in another browser.
Every POST redirects to a GET.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views import csrf
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from registration.codes import contact as codes
from registration.codes import service
from registration.codes.models import CodePurpose
from registration.core import ratelimit
from registration.core.http import client_ip
from registration.core.masking import mask_email, mask_phone
from registration.onboarding import resume
from registration.onboarding import steps as S
from registration.onboarding.models import SavedDraft
from registration.onboarding.views.draft import WizardView

#: The button of each step (once the e-mail is confirmed) that saves the draft and e-mails a link.
SAVE_LATER = "save_later"
#: The session's note for the pages below (what happened, masked contacts only).
NOTE = "wizard_resume_note"
#: The session's note of a link opened in another browser: which saved draft awaits its code.
PENDING = "wizard_resume_pending"
PENDING_MINUTES = 30

LINK_MESSAGES: dict[str, Any] = {
    resume.SENT: _("We have sent a link to %(address)s."),
    resume.RATE_LIMITED: _("Too many links have been sent. Wait an hour and try again, or contact support."),
    resume.SEND_FAILED: _("We could not send the e-mail. Try again in a minute."),
}
CODE_MESSAGES: dict[str, Any] = {
    resume.SENT: _("We have sent a code to %(address)s."),
    resume.COOLDOWN: _("You can ask for a new code in %(seconds)s seconds."),
    resume.RATE_LIMITED: _("Too many codes have been sent. Wait an hour and try again, or contact support."),
    resume.SEND_FAILED: _("We could not send the code. Try again in a minute."),
}
VERDICT_MESSAGES: dict[str, Any] = {
    service.WRONG: _("The code is wrong. Check the latest message and type the code again."),
    service.EXPIRED: _("This code has expired. Ask for a new one."),
    service.EXHAUSTED: _("This code was typed wrongly too many times. Ask for a new one."),
    service.NO_CODE: _("Ask for a code first."),
}


def masked(address: str) -> str:
    return mask_email(address) if "@" in address else mask_phone(address)


class SavedDraftMixin(WizardView):
    """The wizard's side: the copy on the server, the browser's handle, save-and-later, a lost session."""

    def email_confirmed(self) -> bool:
        """The e-mail step is answered (so the draft can be kept on the server and a link sent)."""
        return S.EMAIL_CODE in self.completed()

    def keep_on_server(self, *, want_row: bool = False) -> SavedDraft | None:
        """Copy the draft to the server once its e-mail is confirmed (every change after that too).

        The e-mail step answered is the sign (its form checks the confirmation; no query here); the link
        is only ever sent to an address confirmed when it is sent.
        """
        if S.EMAIL_CODE not in self.completed():
            return None
        extra = self.storage.extra_data
        if not extra.get("handle"):
            extra["handle"] = resume.new_handle()
            self.storage.extra_data = extra
        return resume.save(
            self.request.session[resume.SESSION_DATA_KEY],
            handle=extra["handle"],
            draft=self.draft_id,
            step=self.storage.current_step or "",
            language=translation.get_language() or "",
            want_row=want_row,
        )

    def with_handle(self, response: HttpResponse) -> HttpResponse:
        """Mark this browser as having a registration in progress, and give it the draft's handle (it
        continues from an e-mailed link without a code)."""
        data = self.request.session.get(resume.SESSION_DATA_KEY) or {}
        extra = data.get("extra_data") or {}
        if extra.get("completed") and not self.request.COOKIES.get(resume.STARTED_COOKIE):
            resume.set_started_cookie(response)
        handle = extra.get("handle")
        if handle and resume.browser_handle(self.request) != handle:
            resume.set_handle_cookie(response, handle)
        return response

    def save_for_later(self, step: str) -> HttpResponse:
        """The "save and continue later" button: keep the input, save the draft, e-mail a link."""
        saved = self.keep_on_server(want_row=True)
        if saved is None:  # the button is shown only after the e-mail's confirmation
            return redirect(self.request.get_full_path())
        outcome = resume.send_link(saved, self.request)
        email, _phone = resume.contacts(saved)
        self.request.session[NOTE] = {"outcome": outcome, "email": mask_email(email), "step": step}
        return redirect("registration:wizard_saved")

    def session_lost(self) -> HttpResponse:
        """A later step asked for without a draft in the session: say so, never start again silently."""
        saved = resume.find_by_handle(resume.browser_handle(self.request))
        note: dict[str, Any] = {"saved": saved is not None, "outcome": "", "email": ""}
        if saved is not None:
            recently = (
                saved.link_hash and saved.link_sent_at and timezone.now() - saved.link_sent_at < timedelta(minutes=10)
            )
            note["outcome"] = "already_sent" if recently else resume.send_link(saved, self.request)
            note["email"] = mask_email(resume.contacts(saved)[0])
        self.request.session[NOTE] = note
        return redirect("registration:wizard_session_ended")


@never_cache
@require_GET
def saved_page(request: HttpRequest) -> HttpResponse:
    """After "save and continue later": where the link went and how long the answers are kept."""
    note = request.session.get(NOTE) or {}
    if not note.get("step"):
        return redirect("registration:wizard")
    outcome = note.get("outcome", "")
    message = LINK_MESSAGES.get(outcome, "") and LINK_MESSAGES[outcome] % {"address": note.get("email", "")}
    return render(
        request,
        "onboarding/saved.html",
        {
            "sent": outcome == resume.SENT,
            "message": message,
            "draft_days": resume.draft_days(),
            "link_days": resume.link_days(),
            "step": note["step"],
        },
    )


@never_cache
@require_GET
def session_ended(request: HttpRequest) -> HttpResponse:
    """The session ended (expired, cookies cleared): what happened to the answers and what to do now."""
    note = request.session.get(NOTE) or {}
    outcome = note.get("outcome", "")
    message = ""
    if outcome in LINK_MESSAGES:
        message = LINK_MESSAGES[outcome] % {"address": note.get("email", "")}
    return render(
        request,
        "onboarding/session_ended.html",
        {
            "saved": bool(note.get("saved")),
            "sent": outcome in (resume.SENT, "already_sent"),
            "already_sent": outcome == "already_sent",
            "email": note.get("email", ""),
            "message": message,
            "link_days": resume.link_days(),
        },
    )


def _link_page(request: HttpRequest, outcome: str, token: str, status: int = 200) -> HttpResponse:
    return render(request, "onboarding/resume_link.html", {"outcome": outcome, "token": token}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def resume_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link. GET shows a button (mail scanners follow links); POST uses the link."""
    if request.method == "GET":
        outcome = resume.read_link(token)
        return _link_page(request, outcome.code, token, status=200 if outcome.code == "valid" else 400)
    if not ratelimit.hit("wizard_resume_ip", client_ip(request) or "unknown"):
        return ratelimit.too_many_requests(request)
    outcome = resume.read_link(token)
    saved = outcome.saved
    if saved is None or not resume.use_link(saved):
        return _link_page(request, outcome.code if saved is None else "invalid", token, status=400)
    if resume.is_this_browser(request, saved):
        return _continue(request, saved, device="same")
    sent = resume.send_code(saved, request)
    request.session[PENDING] = {
        "saved": saved.pk,
        "until": (timezone.now() + timedelta(minutes=PENDING_MINUTES)).timestamp(),
        "outcome": "" if sent == resume.SENT else sent,  # the page says where the code went anyway
    }
    return redirect("registration:wizard_resume_code")


def _continue(request: HttpRequest, saved: SavedDraft, *, device: str) -> HttpResponse:
    from registration.accounts import audit

    resume.restore(request, saved)
    request.session.pop(PENDING, None)
    audit.record("wizard.resumed", request=request, data={"draft": saved.pk, "browser": device})
    response = redirect("registration:wizard")
    handle = (resume.load(saved).get("extra_data") or {}).get("handle")
    if handle:
        resume.set_handle_cookie(response, handle)
    return response


class ResumeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Enter the code from the message.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _pending(request: HttpRequest) -> SavedDraft | None:
    pending = request.session.get(PENDING) or {}
    if not pending or pending.get("until", 0) < timezone.now().timestamp():
        return None
    return resume.live().filter(pk=pending.get("saved")).first()


@never_cache
@require_http_methods(["GET", "POST"])
def resume_code(request: HttpRequest) -> HttpResponse:
    """Another browser: the code texted to the confirmed phone lets it continue the saved draft."""
    saved = _pending(request)
    if saved is None:
        request.session.pop(PENDING, None)
        return render(request, "onboarding/resume_link.html", {"outcome": "expired", "token": ""}, status=400)
    pending = request.session[PENDING]
    if request.method == "POST":
        if "resend" in request.POST:
            pending["outcome"] = resume.send_code(saved, request)
            pending.pop("error", None)
            request.session[PENDING] = pending
            return redirect("registration:wizard_resume_code")
        if not ratelimit.hit("wizard_resume_ip", client_ip(request) or "unknown") or not ratelimit.hit(
            "verify_code_ip", client_ip(request) or "unknown"
        ):
            return ratelimit.too_many_requests(request)
        form = ResumeCodeForm(request.POST)
        if form.is_valid():
            verdict = resume.check_code(saved, form.cleaned_data["code"], request)
            if verdict.ok:
                return _continue(request, saved, device="other")
            message = VERDICT_MESSAGES[verdict.status]
            if verdict.status == service.WRONG and verdict.attempts_left == 0:
                message = VERDICT_MESSAGES[service.EXHAUSTED]
            pending["error"] = str(message)
        else:
            pending["error"] = str(form.errors["code"][0])
        pending.pop("outcome", None)
        request.session[PENDING] = pending
        return redirect("registration:wizard_resume_code")

    address = resume.code_address(saved)
    outcome = pending.pop("outcome", "")
    error = pending.pop("error", "")
    request.session[PENDING] = pending
    form = ResumeCodeForm()
    if error:  # shown once, after the POST that was refused
        form = ResumeCodeForm(data={"code": ""})
        form.errors["code"] = form.error_class([error])
    message = ""
    if outcome in CODE_MESSAGES:
        message = CODE_MESSAGES[outcome] % {"address": masked(address), "seconds": resume.resend_in(saved)}
    return render(
        request,
        "onboarding/resume_code.html",
        {
            "form": form,
            "address": masked(address),
            "by_sms": "@" not in address,
            "message": message,
            "send_failed": outcome not in ("", resume.SENT),
            "code_sent": resume.resend_in(saved) > 0 or outcome not in (resume.RATE_LIMITED, resume.SEND_FAILED),
            "resend_in": resume.resend_in(saved),
            "minutes": max(1, codes.code_ttl(CodePurpose.RESUME) // 60),
        },
        status=429 if outcome in (resume.RATE_LIMITED, resume.COOLDOWN) else 200,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a wizard step posted without its cookies means the session ended; say so.

    The POST is refused (403, nothing read from it) with the session-ended page; elsewhere Django's own
    page (``403_csrf.html``).
    """
    match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
    if match is not None and match.view_name == "registration:wizard_step":
        context = {"saved": False, "sent": False, "link_days": resume.link_days()}
        return render(request, "onboarding/session_ended.html", context, status=403)
    return csrf.csrf_failure(request, reason=reason)


def _resolve(path: str) -> Any:
    try:
        return resolve(path)
    except Resolver404:
        return None
