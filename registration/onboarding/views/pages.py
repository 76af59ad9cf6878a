"""The wizard's side pages: its start, starting again, citizens of Russia, the confirmation, the e-mail link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import storages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from registration.codes import contact as codes
from registration.onboarding import resume
from registration.onboarding import steps as S
from registration.onboarding.storage import WizardStorage
from registration.onboarding.views.draft import WIZARD_PREFIX


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The wizard's entry: what the service is, what to have at hand, and a start button."""
    return render(request, "onboarding/start.html", {"has_draft": has_draft(request)})


@require_GET
def russian_citizens(request: HttpRequest) -> HttpResponse:
    """Explains that citizens of Russia register another way."""
    return render(request, "onboarding/russian_citizens.html")


@never_cache
@login_required
def complete(request: HttpRequest) -> HttpResponse:
    """The confirmation page: the application number and what happens next."""
    applicant = getattr(request.user, "applicant", None)
    if applicant is None:
        return redirect("registration:cabinet")
    return render(request, "onboarding/complete.html", {"applicant": applicant})


@never_cache
def email_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: GET shows a button (mail scanners follow links), POST confirms."""
    outcome = codes.confirm_email_link(token) if request.method == "POST" else codes.read_email_link(token)
    return render(
        request,
        "onboarding/email_link.html",
        {"outcome": outcome.code, "address": outcome.address, "token": token},
        status=200 if outcome.code in ("link_valid", codes.CONFIRMED) else 400,
    )


@require_POST
def restart(request: HttpRequest) -> HttpResponse:
    """Start again: forget the draft, its codes and its uploaded files."""
    storage = WizardStorage(WIZARD_PREFIX, request, storages["wizard"])
    draft = storage.extra_data.get("draft")
    storage.reset()
    for name in storage._tmp_files:
        storages["wizard"].delete(name)
    if draft:
        codes.forget(draft)
        resume.forget(draft)
    response = redirect("registration:wizard_step", step=S.NAMES[0])
    resume.forget_browser(response)
    return response


def has_draft(request: HttpRequest) -> bool:
    data = request.session.get(f"wizard_{WIZARD_PREFIX}") or {}
    return bool(data.get("step_data"))
