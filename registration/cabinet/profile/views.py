"""The cabinet's profile pages. Thin: a form in, a function of ``flows`` called, a page or a redirect out."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from registration.accounts.models import Account, Applicant, DocumentRole
from registration.cabinet.profile.forms import (
    CONTACT_FORMS,
    AddressChangeForm,
    ContactCodeForm,
    DocumentChangeForm,
    IdentifiersChangeForm,
    PasswordCheckMixin,
    PersonalChangeForm,
)
from registration.codes import contact as codes
from registration.codes.models import CodePurpose
from registration.core import ratelimit
from registration.core.masking import mask_email, mask_phone
from registration.onboarding.forms import CODE_ERRORS
from registration.profile import flows
from registration.profile.models import ChangeKind
from validators import snils as vsnils

TEMPLATES = "cabinet/profile/"

SEND_ERRORS: dict[str, Any] = {
    codes.RATE_LIMITED: _("Too many codes have been sent. Wait an hour and try again, or contact support."),
    codes.SEND_FAILED: _("We could not send the code. Try again in a minute."),
}
SEND_NOTICES: dict[str, Any] = {
    codes.SENT: _("We have sent a new code."),
    codes.COOLDOWN: _("You can ask for a new code in %(seconds)s seconds."),
    **SEND_ERRORS,
}


def _account(request: HttpRequest) -> Account:
    return request.user  # type: ignore[return-value]


def _account_key(request: HttpRequest) -> str:
    return f"account:{request.user.pk}"


def _purpose(kind: str) -> str:
    purpose = flows.PURPOSES.get(kind)
    if purpose is None:
        raise Http404
    return purpose


def cabinet_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log-in required, never cached, GET and POST only; a blocked account is sent to its status page."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _account(request).is_blocked:
            return redirect("registration:cabinet")
        return view(request, *args, **kwargs)

    return never_cache(login_required(require_http_methods(["GET", "POST"])(wrapped)))


def _add_error(form: forms.Form, field: str | None, error: flows.ProfileError) -> None:
    form.add_error(field, ValidationError(error.message, code=error.code))


# --- the overview --------------------------------------------------------------------------------


@never_cache
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Your details: contacts, personal data, documents, address, identifiers; changes and their state."""
    account = _account(request)
    applicant = Applicant.objects.filter(account=account).prefetch_related("documents").first()
    documents = list(applicant.documents.all()) if applicant else []
    identity = [d for d in documents if d.role == DocumentRole.IDENTITY]
    waiting_contacts = {}
    for kind, purpose in flows.PURPOSES.items():
        row = flows.pending_contact(account, purpose)
        if row is not None and not row.is_confirmed:
            waiting_contacts[kind] = mask_email(row.address) if kind == "email" else mask_phone(row.address)
    changes = flows.changes_of(account)
    context = {
        "account": account,
        "applicant": applicant,
        "identity_document": max(identity, key=lambda d: (d.created_at, d.pk)) if identity else None,
        "stay_documents": [d for d in documents if d.role == DocumentRole.STAY],
        "waiting_contacts": waiting_contacts,
        "changes": changes,
        "snils": vsnils.format(applicant.snils) if applicant and applicant.snils else "",
        "personal_pending": any(c.is_pending and c.kind == ChangeKind.PERSONAL for c in changes),
        "document_pending": any(c.is_pending and c.kind == ChangeKind.DOCUMENT for c in changes),
    }
    return render(request, TEMPLATES + "index.html", context)


# --- contacts ------------------------------------------------------------------------------------


@cabinet_page
@sensitive_post_parameters("password")
@ratelimit.limit("profile_contact", key=_account_key)
def contact(request: HttpRequest, kind: str) -> HttpResponse:
    """A new e-mail address or phone number and the current password; a code is sent to the new one."""
    account = _account(request)
    purpose = _purpose(kind)
    form_class = CONTACT_FORMS[purpose]
    form = form_class(request.POST or None, account=account)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            outcome = flows.start_contact_change(account, purpose, form.cleaned_data["address"], request=request)
        except flows.ProfileError as error:
            _add_error(form, "address", error)
        else:
            if outcome.code in (codes.SENT, codes.COOLDOWN, codes.ALREADY_CONFIRMED):
                return redirect("registration:profile_contact_code", kind=kind)
            form.add_error(None, ValidationError(SEND_ERRORS[outcome.code], code=outcome.code))
            status = 429 if outcome.code == codes.RATE_LIMITED else 200
    return render(request, TEMPLATES + "contact.html", {"form": form, "kind": kind}, status=status)


@cabinet_page
@sensitive_post_parameters("code")
def contact_code(request: HttpRequest, kind: str) -> HttpResponse:
    """The code sent to the new contact: typed here, it makes the new contact replace the old one."""
    account = _account(request)
    purpose = _purpose(kind)
    row = flows.pending_contact(account, purpose)
    if row is None:
        return redirect("registration:profile_contact", kind=kind)
    form = ContactCodeForm()
    notice, status = "", 200
    if request.method == "POST":
        if "cancel" in request.POST:
            flows.cancel_contact_change(account, purpose, request=request)
            messages.info(request, _("The change was cancelled. Your contact details stay as they were."))
            return redirect("registration:profile")
        outcome: codes.SendOutcome | codes.CheckOutcome  # a resent code's, or a typed code's
        if "resend" in request.POST:
            outcome = flows.resend_contact_code(account, purpose, request=request)
            notice = str(SEND_NOTICES[outcome.code] % {"seconds": outcome.retry_after})
            status = 429 if outcome.code in (codes.RATE_LIMITED, codes.COOLDOWN) else 200
        else:
            form = ContactCodeForm(request.POST)
            if form.is_valid():
                try:
                    outcome = flows.confirm_contact_change(account, purpose, form.cleaned_data["code"], request=request)
                except flows.ProfileError as error:
                    messages.error(request, error.message)
                    return redirect("registration:profile")
                if outcome.ok:
                    done = (
                        _("Your e-mail address is changed.") if kind == "email" else _("Your phone number is changed.")
                    )
                    messages.success(request, done)
                    return redirect("registration:profile")
                message = CODE_ERRORS.get(outcome.code, CODE_ERRORS[codes.WRONG])
                form.add_error(
                    "code", ValidationError(message, code=outcome.code, params={"left": outcome.attempts_left})
                )
                if outcome.code == codes.RATE_LIMITED:
                    status = 429
    state = codes.state(purpose, flows.contact_owner(account), row.address, row)
    context = {
        "form": form,
        "kind": kind,
        "address": mask_email(row.address) if purpose == CodePurpose.EMAIL else mask_phone(row.address),
        "state": state,
        "notice": notice,
        "minutes": max(1, codes.code_ttl() // 60),
    }
    return render(request, TEMPLATES + "contact_code.html", context, status=status)


# --- identity data: held for review --------------------------------------------------------------


def _identity_change(
    request: HttpRequest,
    kind: str,
    build: Callable[..., forms.Form],
    values: Callable[[forms.Form], dict[str, Any]],
    template: str,
) -> HttpResponse:
    account = _account(request)
    applicant = Applicant.objects.filter(account=account).first()
    if applicant is None:
        raise Http404
    if kind in flows.pending_kinds(account):
        messages.info(request, flows.ProfileError("already_pending").message)
        return redirect("registration:profile")
    if request.method == "POST":
        form = build(applicant, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                flows.submit_identity_change(account, kind, values(form), form.cleaned_data["scan"], request=request)
            except flows.ProfileError as error:
                _add_error(form, None, error)
            else:
                messages.success(request, _("Your change is sent. A clerk checks it, usually within a working day."))
                return redirect("registration:profile")
    else:
        form = build(applicant)
    context = {"form": form, "account": account, "applicant": applicant}
    return render(request, TEMPLATES + template, context)


def _personal_form(applicant: Applicant, **kwargs: Any) -> PersonalChangeForm:
    initial = {name: getattr(applicant, name) for name in flows.PERSONAL_FIELDS}
    initial["citizenship"] = str(applicant.citizenship)
    return PersonalChangeForm(initial=initial, **kwargs)


def _document_form(applicant: Applicant, **kwargs: Any) -> DocumentChangeForm:
    document = flows.identity_document(applicant)
    initial = {name: getattr(document, name) for name in flows.DOCUMENT_FIELDS} if document else {}
    personal = {"birth_date": applicant.birth_date, "surname": applicant.surname, "citizenship": applicant.citizenship}
    return DocumentChangeForm(initial=initial, personal=personal, **kwargs)


@cabinet_page
@ratelimit.limit("profile_identity", key=_account_key)
def personal(request: HttpRequest) -> HttpResponse:
    """Names, date and place of birth, sex and citizenship, with a scan that shows them: held for review."""
    return _identity_change(
        request,
        ChangeKind.PERSONAL,
        _personal_form,
        lambda form: {name: form.cleaned_data.get(name, "") for name in flows.PERSONAL_FIELDS},
        "personal.html",
    )


@cabinet_page
@ratelimit.limit("profile_identity", key=_account_key)
def document(request: HttpRequest) -> HttpResponse:
    """A new or corrected identity document with its scan: held for review."""
    return _identity_change(request, ChangeKind.DOCUMENT, _document_form, lambda form: form.values(), "document.html")  # type: ignore[attr-defined]  # a DocumentChangeForm


# --- address and identifiers: changed at once ----------------------------------------------------


def _direct_change(
    request: HttpRequest,
    form_class: type[forms.Form],
    names: tuple[str, ...],
    change: Callable[..., list[str]],
    template: str,
    done: Any,
) -> HttpResponse:
    account = _account(request)
    applicant = Applicant.objects.filter(account=account).first()
    if applicant is None:
        raise Http404
    initial = {name: getattr(applicant, name) for name in names}
    # Forms that ask for the password again check it against this account.
    extra: dict[str, Any] = {"account": account} if issubclass(form_class, PasswordCheckMixin) else {}
    form = form_class(request.POST or None, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        changed = change(account, form.cleaned_data, request=request)
        messages.success(request, done if changed else _("Nothing has changed."))
        return redirect("registration:profile")
    return render(request, TEMPLATES + template, {"form": form})


@cabinet_page
@ratelimit.limit("profile_details", key=_account_key)
def address(request: HttpRequest) -> HttpResponse:
    """The address in Russia: changed at once."""
    return _direct_change(
        request, AddressChangeForm, flows.ADDRESS_FIELDS, flows.change_address, "address.html", _("Address saved.")
    )


@cabinet_page
@sensitive_post_parameters("password")
@ratelimit.limit("profile_details", key=_account_key)
def identifiers(request: HttpRequest) -> HttpResponse:
    """SNILS and INN: changed at once."""
    return _direct_change(
        request,
        IdentifiersChangeForm,
        flows.IDENTIFIER_FIELDS,
        flows.change_identifiers,
        "identifiers.html",
        _("SNILS and INN saved."),
    )
