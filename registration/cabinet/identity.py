"""The cabinet's identity pages. Thin: forms in, a method's ``start``/``complete``/``act`` called, a page out."""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from registration import access
from registration.accounts.models import Account, Applicant
from registration.core import ratelimit
from registration.core.form_messages import RequiredMessagesMixin
from registration.identity import flows, registry
from registration.identity.base import IdentityError, Method, RateLimited
from registration.identity.conf import max_requested_scans
from registration.identity.models import DocumentRequest, IdentityConfirmation
from validators.django import ScanField
from validators.scans import PhysicalSize


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _add_error(form: forms.Form, error: IdentityError) -> None:
    form.add_error(None, ValidationError(error.message, code=error.code))


@never_cache
@login_required
def methods(request: HttpRequest) -> HttpResponse:
    """The list of methods, with the current choice (the same block the status page includes)."""
    account = _account(request)
    if not account.is_pending:
        return redirect("registration:cabinet")
    return render(request, "cabinet/identity/methods.html", {"account": account})


def _forms_for(
    method: Method, account: Account, confirmation: IdentityConfirmation | None, bound: tuple[str, forms.Form] | None
) -> dict[str, forms.Form]:
    built: dict[str, forms.Form] = {}
    for action, form_class in method.person_forms.items():
        if bound and bound[0] == action:
            built[action] = bound[1]
        else:
            built[action] = form_class(prefix=action, **method.form_kwargs(action, account, confirmation))
    return built


@never_cache
@login_required
@sensitive_post_parameters("complete-password")
@require_http_methods(["GET", "POST"])
def method_page(request: HttpRequest, code: str) -> HttpResponse:
    """One method's page: start it (or switch to it), then complete it or take its further steps."""
    account = _account(request)
    if not account.is_pending:
        return redirect("registration:cabinet")
    try:
        method = registry.get(code, offered_only=True)
    except IdentityError:
        raise Http404 from None
    current = flows.current(account)
    confirmation = current if current is not None and current.method == method.code else None
    bound: tuple[str, forms.Form] | None = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        form_class = method.person_forms.get(action)
        if action == "start" and form_class is None:
            form_class = forms.Form  # a method started with a bare button
        if form_class is None:
            raise Http404
        form = form_class(
            request.POST, request.FILES, prefix=action, **method.form_kwargs(action, account, confirmation)
        )
        if form.is_valid():
            try:
                outcome_message, activated = _run(method, action, account, confirmation, form.cleaned_data, request)
            except RateLimited:
                return ratelimit.too_many_requests(request)
            except IdentityError as error:
                _add_error(form, error)
            else:
                if outcome_message:
                    messages.success(request, outcome_message)
                if activated:
                    return redirect("registration:cabinet")
                return redirect("registration:identity_method", code=method.code)
        bound = (action, form)
        status = 200
        # The person may have been refused after a state change (a method started): read it again.
        current = flows.current(account)
        confirmation = current if current is not None and current.method == method.code else None
    context: dict[str, Any] = {
        "account": account,
        "applicant": Applicant.objects.filter(account=account).first(),
        "method": method,
        "confirmation": confirmation,
        "current": current,
        "current_label": registry.label(current.method) if current else "",
        "available": method.is_available(account),
        "unavailable_reason": method.unavailable_reason(account),
        "forms": _forms_for(method, account, confirmation, bound),
        "needs_start": confirmation is None and "start" in method.person_forms,
        "bare_start": confirmation is None and "start" not in method.person_forms,
        "errors": bound[1] if bound and bound[1].errors else None,
        **method.cabinet_context(account, confirmation),
    }
    return render(request, method.template_name, context, status=status)


def _run(
    method: Method,
    action: str,
    account: Account,
    confirmation: IdentityConfirmation | None,
    data: dict[str, Any],
    request: HttpRequest,
) -> tuple[Any, bool]:
    if action == "start":
        method.start(account, request=request, **data)
        return _("Your choice is saved."), False
    if confirmation is None:
        if "start" in method.person_forms:
            raise IdentityError("no_confirmation")
        # Methods without a start form start with their first step.
        confirmation = method.start(account, request=request)
    if action == "complete":
        outcome = method.complete(confirmation, method.evidence_from_form(action, data), by=account, request=request)
    else:
        outcome = method.act(action, confirmation, data, request=request)
    return outcome.message, outcome.activated


@never_cache
@login_required
def receipt(request: HttpRequest) -> HttpResponse:
    """A printable receipt for the service-centre visit: the application number and a QR code of it."""
    account = _account(request)
    applicant = get_object_or_404(Applicant, account=account)
    lookup = request.build_absolute_uri(
        reverse("admin:identity_pendingapplication_lookup", args=[applicant.application_number])
    )
    qr = segno.make(lookup, error="m")
    current = flows.current(account)
    return render(
        request,
        "cabinet/identity/receipt.html",
        {
            "applicant": applicant,
            "qr_svg": qr.svg_inline(scale=4, title=str(_("QR code of your application number"))),
            "centre": current.centre if current is not None and current.method == "service_centre" else None,
        },
    )


class UploadForm(RequiredMessagesMixin, forms.Form):
    """Up to a few scans answering a clerk's request; the first one is required."""

    required_messages = {
        "scan_1": _("Attach a scan of the document the clerk asked for."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(1, max_requested_scans() + 1):
            # Any document a clerk may ask for: judged against A4, the largest paper document.
            self.fields[f"scan_{index}"] = ScanField(
                label=_("Scan %(number)s") % {"number": index},
                required=index == 1,
                physical_size=PhysicalSize.A4,
            )

    def scans(self) -> list[Any]:
        return [self.cleaned_data[name] for name in self.fields if self.cleaned_data.get(name)]


def _upload_key(request: HttpRequest) -> str:
    return f"account:{request.user.pk}"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("document_upload", key=_upload_key)
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the further documents a clerk asked for."""
    account = _account(request)
    document_request = get_object_or_404(DocumentRequest, pk=pk)
    if not access.is_owner(account, document_request.account_id):
        raise Http404
    if not access.can_upload_requested_scans(account, document_request):
        messages.info(request, _("This request has already been answered."))
        return redirect("registration:cabinet")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            flows.submit_requested_documents(document_request, form.scans(), request=request)
        except IdentityError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Thank you. The clerk will look at your documents."))
            return redirect("registration:cabinet")
    return render(
        request,
        "cabinet/identity/upload.html",
        {"document_request": document_request, "form": form},
    )
