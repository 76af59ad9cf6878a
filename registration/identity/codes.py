"""Identity codes on the one code service, and the one way a code-entry method completes.

The post letter, consulate and service-centre methods issue their codes through
``registration.codes.service`` (policies ``post_letter``, ``consulate``, ``service_centre``) and are
completed by the person typing one: :class:`CodeEntryMethod` holds that step once. Each method names
the subjects a typed code may belong to: the account (service centre), each of the account's letters
(post: every letter sent stays valid), the passport number of the person's identity document
(consulate; stored only as a keyed digest).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from django.http import HttpRequest

from registration.accounts.models import Account
from registration.codes import service
from registration.codes.models import OneTimeCode
from registration.identity import flows
from registration.identity.base import CodeEntry, Evidence, IdentityError, Method, Outcome
from registration.identity.models import IdentityConfirmation

_REFUSALS = {
    service.NO_CODE: "no_code",
    service.EXPIRED: "code_expired",
    service.EXHAUSTED: "too_many_attempts",
}


def account_subject(account: Account) -> str:
    return f"account:{account.pk}"


def verify(purpose: str, subjects: str | Iterable[str], code: str) -> OneTimeCode:
    """The live code of one of ``subjects`` that ``code`` matches, now used.

    Raises ``IdentityError`` with code ``no_code``, ``code_expired``, ``too_many_attempts`` or
    ``wrong_code`` (with ``remaining``); a wrong code uses one attempt of each usable code.
    """
    verdict = service.verify(purpose, subjects, code)
    if verdict.row is not None:
        return verdict.row
    if verdict.status == service.WRONG:
        if verdict.attempts_left <= 0:
            raise IdentityError("too_many_attempts")
        raise IdentityError("wrong_code", remaining=verdict.attempts_left)
    raise IdentityError(_REFUSALS[verdict.status])


class CodeEntryMethod(Method):
    """A method the person completes by typing a code: the check, the refusal and the confirmation, once."""

    code_purpose: ClassVar[str]
    rate_action: ClassVar[str]

    def code_subjects(self, confirmation: IdentityConfirmation) -> str | Iterable[str]:
        """The subjects the typed code may belong to (may raise ``IdentityError``)."""
        raise NotImplementedError

    def code_details(self, record: OneTimeCode) -> dict:
        """What the confirmation records about the code that completed it."""
        return {"code": record.pk}

    def complete(
        self,
        confirmation: IdentityConfirmation,
        evidence: Evidence,
        *,
        by: Account | None,
        request: HttpRequest | None = None,
    ) -> Outcome:
        flows.ensure_open(confirmation, self.code)
        if not isinstance(evidence, CodeEntry):
            raise IdentityError("wrong_method")
        return self.complete_with_code(confirmation, evidence, request=request)

    def complete_with_code(
        self, confirmation: IdentityConfirmation, entry: CodeEntry, *, request: HttpRequest | None
    ) -> Outcome:
        account = confirmation.account
        flows.check_rate(self.rate_action, account)
        try:
            record = verify(self.code_purpose, self.code_subjects(confirmation), entry.code)
        except IdentityError as error:
            raise flows.refuse(confirmation, error, request=request, rate_action=self.rate_action) from None
        if record.account_id is None:  # a consulate code learns which account it confirmed
            OneTimeCode.objects.filter(pk=record.pk).update(account=account)
        return self.code_accepted(confirmation, record, request=request)

    def code_accepted(
        self, confirmation: IdentityConfirmation, record: OneTimeCode, *, request: HttpRequest | None
    ) -> Outcome:
        """What a right code does: by default it confirms the identity."""
        return flows.confirm(confirmation, by=confirmation.account, request=request, details=self.code_details(record))
