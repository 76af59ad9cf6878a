"""Consulate: an officer issues a code for a passport number; the person types it in the cabinet.

The code (the one code service's ``consulate`` policy) is bound to the passport number: its hash
includes the number's keyed digest, the only form in which the number is stored. It is valid
``REGISTRATION_CONSULATE_CODE_DAYS`` (30) and survives ``REGISTRATION_CONSULATE_CODE_MAX_ATTEMPTS``
entries. The person's own identity document supplies the number, so a code issued for another
passport cannot confirm this account.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account, Document, DocumentRole
from registration.codes import service
from registration.codes.models import CodePurpose, OneTimeCode
from registration.core.form_messages import RequiredMessagesMixin
from registration.core.masking import mask
from registration.identity import flows
from registration.identity.base import IdentityError
from registration.identity.codes import CodeEntryMethod
from registration.identity.models import IdentityConfirmation
from validators import passport

RATE_ACTION = "consulate_code"
_PASSPORT = re.compile(r"[A-Z0-9]{5,12}")

audit.register_actions({"consulate.code_issued": _("Consulate code issued")})


class ConsulateCodeForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "code": _("Enter the code from the consulate."),
    }

    code = forms.CharField(
        label=_("The code the consular officer gave you"),
        max_length=20,
        help_text=_("10 characters: letters and digits, as on the paper from the consulate."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def passport_subject(number: str) -> str:
    """The passport number as a code's subject: upper case, without spaces, № and dashes."""
    return passport.compact(number or "")


def identity_document(account: Account) -> Document | None:
    return (
        Document.objects.filter(applicant__account=account, role=DocumentRole.IDENTITY)
        .exclude(number="")
        .order_by("-created_at")
        .first()
    )


def issue_code(passport_number: str, *, by: Account, request: HttpRequest | None = None) -> tuple[OneTimeCode, str]:
    """Issue a code for ``passport_number`` (revoking earlier ones); returns the record and the code, once."""
    number = passport_subject(passport_number)
    if not _PASSPORT.fullmatch(number):
        raise IdentityError("passport_invalid", _("Enter the passport number: 5 to 12 Latin letters and digits."))
    record, code = service.issue(CodePurpose.CONSULATE, number, issued_by=by, hint=mask(number))
    audit.record(
        "consulate.code_issued",
        actor=by,
        request=request,
        data={"code": record.pk, "passport_last_digits": number[-4:]},
    )
    return record, code


class ConsulateMethod(CodeEntryMethod):
    code = "consulate"
    code_purpose = CodePurpose.CONSULATE
    rate_action = RATE_ACTION
    label = _("Code from a consulate")
    description = _(
        "At a Russian embassy or consulate an officer checks your passport and gives you a code. Type it "
        "here within 30 days."
    )
    template_name = "cabinet/identity/consulate.html"
    person_forms: ClassVar[Mapping[str, type[forms.Form]]] = {"complete": ConsulateCodeForm}

    def is_available(self, account: Account) -> bool:
        return identity_document(account) is not None

    def unavailable_reason(self, account: Account) -> str | Promise:
        if self.is_available(account):
            return ""
        return _("The consulate checks your passport, and your application has no passport number. Choose another way.")

    def start(self, account: Account, *, request: HttpRequest | None = None, **data: Any) -> IdentityConfirmation:
        if identity_document(account) is None:
            raise IdentityError("passport_required")
        return flows.open_confirmation(account, self.code, request=request)

    def code_subjects(self, confirmation: IdentityConfirmation) -> str:
        document = identity_document(confirmation.account)
        if document is None:
            raise IdentityError("passport_required")
        return passport_subject(f"{document.series}{document.number}")


METHOD = ConsulateMethod()
