"""The one-time code texted to the account's phone for a caller to read back (after a data match).

The code comes from the one code service (``caller`` policy: 6 digits, valid
``REGISTRATION_CALLER_CODE_MINUTES``, ``REGISTRATION_CALLER_CODE_MAX_ATTEMPTS`` read-backs); its
subject is the operator's matched data check, so that it verifies only that operator's call.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from registration.accounts import audit
from registration.accounts.models import Account
from registration.codes import service, sms
from registration.codes.models import CodePurpose
from registration.codes.sms import SmsSendError, send_sms
from registration.core import mail, ratelimit
from registration.support.caller.checks import (
    CallerError,
    CheckResult,
    after_failure,
    data_match,
    lock_account,
    locked_until,
    verified_for,
)
from registration.support.models import CallerCheck, CheckMethod

logger = logging.getLogger(__name__)

_REFUSALS = {service.NO_CODE: "no_code", service.EXPIRED: "code_expired", service.EXHAUSTED: "too_many_attempts"}


def code_subject(check: CallerCheck) -> str:
    return f"caller-check:{check.pk}"


def code_waiting(check: CallerCheck | None) -> bool:
    """Whether a code sent for this data check may still be read back."""
    if check is None:
        return False
    return service.live(CodePurpose.CALLER, code_subject(check)).filter(expires_at__gt=timezone.now()).exists()


def send_code(account: Account, *, operator: Account, request: HttpRequest | None = None) -> CallerCheck:
    """Text a one-time code to the account's phone for the caller to read back (after a data match)."""
    if locked_until(account) is not None:
        raise CallerError("locked")
    check = data_match(account, operator)
    if check is None:
        raise CallerError("not_verified")
    if not account.phone:
        raise CallerError("no_phone")
    if not ratelimit.hit("caller_code_account", f"account:{account.pk}"):
        raise CallerError("rate_limited")
    minutes = max(1, int(service.policy(CodePurpose.CALLER).limits().lifetime.total_seconds()) // 60)

    def text_it(code: str, code_hash: str) -> None:
        text = sms.render("sms/caller_code.txt", {"code": code, "minutes": minutes}, language=mail.language_of(account))
        send_sms(account.phone, text)  # type: ignore[arg-type]  # checked above (no_phone)

    try:
        service.issue(CodePurpose.CALLER, code_subject(check), account=account, issued_by=operator, send=text_it)
    except (SmsSendError, ImproperlyConfigured):
        logger.warning("A caller code could not be sent for account %s.", account.pk)
        raise CallerError("send_failed") from None
    audit.record("caller.code_sent", account=account, actor=operator, request=request, data={"check": check.pk})
    return check


def check_code(account: Account, typed: str, *, operator: Account, request: HttpRequest | None = None) -> CheckResult:
    """The caller reads the code back: a match (re)opens the verification; a wrong code is a failed check."""
    with transaction.atomic():
        lock_account(account)
        if locked_until(account) is not None:
            raise CallerError("locked")
        check = data_match(account, operator)
        if check is None:
            raise CallerError("no_code")
        verdict = service.verify(CodePurpose.CALLER, code_subject(check), typed)
        if verdict.status in _REFUSALS:
            raise CallerError(_REFUSALS[verdict.status])
        matched = verdict.ok
        CallerCheck.objects.create(
            account=account, operator=operator, method=CheckMethod.CODE, facts=["phone_code"], matched=matched
        )
        if matched:
            now = timezone.now()
            check.code_matched_at = now
            check.verified_until = now + verified_for()
            check.save(update_fields=["code_matched_at", "verified_until"])
        audit.record(
            "caller.code_checked",
            account=account,
            actor=operator,
            request=request,
            data={"check": check.pk, "result": "match" if matched else "mismatch"},
        )
        locked = False if matched else after_failure(account, operator, request)
    return CheckResult(matched=matched, verified=matched, locked=locked)
