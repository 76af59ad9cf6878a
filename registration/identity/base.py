"""The small interface every identity-confirmation method implements.

A method is started for an account (``start``) and completed with evidence (``complete``): a code the
person types, a certificate they upload, or a clerk's decision. Both return or raise; failures are
``IdentityError`` with a stable ``code`` that views turn into a form error and tests assert. A method
may also offer the person extra actions in the cabinet (book a slot, ask for another letter), each a
form plus a handler, so that the cabinet's views stay generic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.core.errors import FlowError

if TYPE_CHECKING:
    from registration.accounts.models import Account
    from registration.identity.models import IdentityConfirmation


ERROR_MESSAGES: dict[str, Promise] = {
    "not_pending": _("Your identity is already confirmed, or the account is blocked."),
    "method_unavailable": _("This way of confirming your identity is not available."),
    "no_confirmation": _("Choose a way to confirm your identity first."),
    "wrong_state": _("This step is not possible at the moment. Reload the page and try again."),
    "wrong_method": _("This action does not belong to the chosen way of confirming identity."),
    "wrong_code": _("The code is wrong. Check it and try again."),
    "code_expired": _("The code has expired. Ask for a new one."),
    "no_code": _("There is no valid code for you. Ask for a new one."),
    "too_many_attempts": _("Too many wrong attempts. Wait a while and try again, or ask for a new code."),
    "letter_limit": _("You have asked for the maximum number of letters for now. Try again later."),
    "letter_too_soon": _("A letter was sent less than a day ago. Wait for it, or try again later."),
    "not_a_certificate_file": _("This file is not a .p12 or .pfx certificate file."),
    "file_too_large": _("The file is too large."),
    "wrong_password": _("The password does not open this certificate file. Check it and try again."),
    "no_certificate": _("The file holds no certificate."),
    "not_yet_valid": _("The certificate is not valid yet."),
    "expired": _("The certificate has expired. Use a valid certificate."),
    "not_for_signing": _("This certificate cannot be used for electronic signatures."),
    "untrusted": _("The certificate was not issued by a trusted certification authority."),
    "name_mismatch": _("The certificate is issued to another name than the one in your application."),
    "certificate_in_use": _("This certificate already confirmed another account."),
    "slot_taken": _("This time has just been booked by someone else. Choose another time."),
    "slot_unavailable": _("This time can no longer be booked. Choose another time."),
    "call_not_started": _("The call has not taken place yet."),
    "not_your_call": _("This call belongs to another operator."),
    "no_scans": _("Your application has no document scans to review."),
    "no_open_request": _("There is no open request for documents."),
    "invalid_scan": _("The file is not a readable PDF, JPEG or PNG scan that meets the requirements."),
    "originals_required": _("Record which original documents were checked."),
    "reason_required": _("Give a reason."),
    "passport_required": _("Your application has no passport number to check the code against."),
    "no_number_on_record": _("Your migration record holds no mobile number: choose another way."),
    "code_too_soon": _("A code was sent a moment ago. You can ask for another one in %(seconds)s seconds."),
    "sms_failed": _("We could not send the text message. Try again in a few minutes."),
}


class IdentityError(FlowError):
    """An expected failure of a method, with a stable code (and a translatable message for people)."""

    messages = ERROR_MESSAGES


class RateLimited(IdentityError):
    """Too many attempts within the rate limit's window: views answer HTTP 429."""

    def __init__(self, action: str) -> None:
        super().__init__("too_many_attempts")
        self.action = action


@dataclass(frozen=True)
class CodeEntry:
    """The person types a code they received (by post, at a consulate, at a service centre)."""

    code: str = field(repr=False)


@dataclass(frozen=True)
class CertificateUpload:
    """A PKCS #12 file and its password; neither is ever stored or logged."""

    data: bytes = field(repr=False)
    password: str = field(repr=False)


@dataclass(frozen=True)
class ClerkDecision:
    """A clerk's (or an operator's) confirmation, with what was checked."""

    originals: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    note: str = ""
    # At a service centre: issue a code the person types (True), or confirm at once for someone who cannot
    # use the cabinet (False); None follows REGISTRATION_SERVICE_CENTRE_ISSUES_CODE.
    issue_code: bool | None = None


Evidence = CodeEntry | CertificateUpload | ClerkDecision


@dataclass
class Outcome:
    """What completing (or a step of) a method led to."""

    confirmation: IdentityConfirmation
    activated: bool = False
    # A one-time code issued by this step, to be shown once to whoever hands it over; never stored.
    issued_code: str = field(default="", repr=False)
    message: str | Promise = ""


class Method:
    """A way to confirm identity. Subclasses set the class attributes and implement the hooks."""

    code: ClassVar[str]
    label: ClassVar[Promise]
    description: ClassVar[Promise]
    # The cabinet page of the method: it receives ``method``, ``confirmation``, ``forms`` and the
    # method's own ``cabinet_context``.
    template_name: ClassVar[str]
    # Whether a clerk completes the method (so the admin shows the decision forms for it).
    decided_by_clerk: ClassVar[bool] = False
    # Forms the person fills in the cabinet: "start" starts (or restarts) the method, "complete"
    # completes it, anything else is handled by ``act``.
    person_forms: ClassVar[Mapping[str, type[forms.Form]]] = {}

    def is_available(self, account: Account) -> bool:
        """Whether the person may choose this method (for example: has the documents it needs)."""
        return True

    def is_offered(self) -> bool:
        """Whether the site can offer the method at all (for example: a signature needs a trusted CA)."""
        return True

    def start(self, account: Account, *, request: HttpRequest | None = None, **data: Any) -> IdentityConfirmation:
        raise NotImplementedError

    def complete(
        self,
        confirmation: IdentityConfirmation,
        evidence: Evidence,
        *,
        by: Account | None,
        request: HttpRequest | None = None,
    ) -> Outcome:
        raise NotImplementedError

    def act(
        self,
        action: str,
        confirmation: IdentityConfirmation,
        data: Mapping[str, Any],
        *,
        request: HttpRequest | None = None,
    ) -> Outcome:
        """A further step the person takes in the cabinet (booking, asking for another letter…)."""
        raise IdentityError("wrong_method")

    def cancel(self, confirmation: IdentityConfirmation) -> None:
        """Undo what the method holds when the person switches to another (free a slot, revoke codes)."""

    def form_kwargs(self, action: str, account: Account, confirmation: IdentityConfirmation | None) -> dict:
        """Extra arguments for the cabinet form ``action`` (for example the slots to choose from)."""
        return {}

    def cabinet_context(self, account: Account, confirmation: IdentityConfirmation | None) -> dict:
        """What the method's cabinet page shows besides the forms."""
        return {}

    def evidence_from_form(self, action: str, cleaned_data: Mapping[str, Any]) -> Evidence:
        """Turn the cabinet's "complete" form into evidence (the default: a typed code)."""
        return CodeEntry(code=cleaned_data["code"])

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"
