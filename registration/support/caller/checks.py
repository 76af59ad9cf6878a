"""Checking a caller's data against an account: the comparison, the lock after failures, the verification.

See the package's docstring for the rules; the phone code is in ``phone_code``, the actions in ``actions``.
"""

from __future__ import annotations

import hmac
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account, Applicant
from registration.core import ratelimit
from registration.core.conf import app_settings
from registration.core.errors import FlowError
from registration.profile import flows as profile_flows
from registration.support.models import CallerCheck, CallerVerificationAlert, CheckMethod

audit.register_actions(
    {
        "caller.checked": _("Caller checked against the account"),
        "caller.code_sent": _("Code sent to the account's phone for a caller"),
        "caller.code_checked": _("Caller read back the phone code"),
        "caller.locked": _("Caller verification locked after failed checks"),
        "caller.lockout_lifted": _("Log-in lockout lifted for a verified caller"),
        "caller.contact_code_resent": _("Contact code sent again for a verified caller"),
        "caller.password_reset_sent": _("Password reset link sent for a verified caller"),
        "caller.alert_acknowledged": _("Caller verification alert dealt with"),
    }
)

IDENTIFIERS = ("passport", "snils", "inn")
MESSAGES: dict[str, Any] = {
    "not_verifiable": _("This account cannot be verified by phone."),
    "locked": _("Verification is locked for this account after failed checks. A supervisor has been alerted."),
    "rate_limited": _("Too many checks. Wait a while and try again."),
    "not_verified": _("Verify the caller first."),
    "no_phone": _("The account has no phone number to send a code to."),
    "send_failed": _("The code could not be sent. Try again in a minute."),
    "no_code": _("No code is waiting: send one first."),
    "code_expired": _("The code has expired. Send a new one."),
    "too_many_attempts": _("Too many wrong codes. Send a new one."),
    "nothing_to_resend": _("No contact change is waiting for a code."),
    "cannot_reset": _("This account cannot reset its password."),
    "wrong_request": _("Choose one of this account's requests."),
}


class CallerError(FlowError):
    """The desk refuses: ``code`` is stable (tests assert it), ``message`` is what the operator reads."""

    messages = MESSAGES


# --- settings, read when used ------------------------------------------------------------------------


def verified_for() -> timedelta:
    return timedelta(minutes=int(app_settings.CALLER_VERIFIED_MINUTES))


def max_failures() -> int:
    return int(app_settings.CALLER_MAX_FAILURES)


def failure_window() -> timedelta:
    return timedelta(minutes=int(app_settings.CALLER_FAILURE_WINDOW_MINUTES))


def code_required() -> bool:
    return bool(app_settings.CALLER_CODE_REQUIRED)


# --- comparing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallerFacts:
    """What the caller said, as the operator typed it."""

    name: str
    birth_date: date | None
    identifier_kind: str
    identifier: str


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def normalise_name(text: str) -> str:
    """Words of a name, case and order ignored: ``"Eriksson  anna-maria"`` → ``"anna eriksson maria"``."""
    text = unicodedata.normalize("NFKC", text or "").casefold().replace("ё", "е")
    for separator in "-‐‑–—":
        text = text.replace(separator, " ")
    text = "".join(ch for ch in text if ch.isalpha() or ch.isspace())
    return " ".join(sorted(text.split()))


def _name_forms(applicant: Applicant) -> list[str]:
    """The stored name in Latin and in Cyrillic letters, each with and without the patronymic."""
    forms = []
    for parts in (
        (applicant.surname, applicant.given_names, applicant.patronymic),
        (applicant.surname_cyrillic, applicant.given_names_cyrillic, applicant.patronymic_cyrillic),
    ):
        forms.append(normalise_name(" ".join(parts)))
        forms.append(normalise_name(" ".join(parts[:2])))
    return forms


def _characters(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isalnum()).upper()


def _stored_identifier(applicant: Applicant, kind: str) -> str:
    if kind == "passport":
        document = profile_flows.identity_document(applicant)
        return _characters(document.number if document else "")
    return _characters(applicant.snils if kind == "snils" else applicant.inn)


def _identifier_matches(stored: str, typed: str) -> bool:
    """The whole number, or its last characters (at least 4), compared in constant time."""
    typed = _characters(typed)
    if len(typed) < 4 or not stored or len(typed) > len(stored):
        _same(typed, typed)  # the same work whatever the outcome
        return False
    return _same(stored[-len(typed) :], typed)


def matches(applicant: Applicant, facts: CallerFacts) -> bool:
    """Whether every fact agrees with the stored data; each part is compared whatever the others gave."""
    typed_name = normalise_name(facts.name)
    name_ok = any([_same(form, typed_name) for form in _name_forms(applicant)]) and bool(typed_name)  # noqa: C419
    typed_birth = facts.birth_date.isoformat() if facts.birth_date else "-"
    birth_ok = _same(applicant.birth_date.isoformat(), typed_birth)
    identifier_ok = facts.identifier_kind in IDENTIFIERS and _identifier_matches(
        _stored_identifier(applicant, facts.identifier_kind), facts.identifier
    )
    return name_ok & birth_ok & identifier_ok


# --- state -------------------------------------------------------------------------------------------


def verifiable(account: Account) -> bool:
    """People only: support never verifies (and so never resets) a clerk's or an administrator's account."""
    return not (account.is_staff or account.is_superuser) and Applicant.objects.filter(account=account).exists()


def recent_failures(account: Account, now: datetime | None = None) -> list[CallerCheck]:
    now = now or timezone.now()
    return list(
        CallerCheck.objects.filter(account=account, matched=False, created_at__gt=now - failure_window()).order_by(
            "-created_at", "-pk"
        )
    )


def locked_until(account: Account, now: datetime | None = None) -> datetime | None:
    """Until when verification is locked for ``account`` (None when it is not)."""
    now = now or timezone.now()
    failures = recent_failures(account, now)
    if len(failures) < max_failures():
        return None
    return failures[max_failures() - 1].created_at + failure_window()


def verification(account: Account, operator: Account) -> CallerCheck | None:
    """The operator's open verification of this caller (a matched data check not yet expired)."""
    return (
        CallerCheck.objects.filter(
            account=account,
            operator=operator,
            method=CheckMethod.DATA,
            matched=True,
            verified_until__gt=timezone.now(),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def data_match(account: Account, operator: Account) -> CallerCheck | None:
    """The operator's latest matched data check still recent enough to send or read back a code."""
    return (
        CallerCheck.objects.filter(
            account=account,
            operator=operator,
            method=CheckMethod.DATA,
            matched=True,
            created_at__gt=timezone.now() - verified_for(),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def require_verified(account: Account, operator: Account) -> CallerCheck:
    if locked_until(account) is not None:
        raise CallerError("locked")
    current = verification(account, operator)
    if current is None:
        raise CallerError("not_verified")
    return current


@dataclass(frozen=True)
class CheckResult:
    matched: bool
    verified: bool
    locked: bool


def lock_account(account: Account) -> None:
    """Serialise the checks of one account (counting failures and adding one must not interleave)."""
    Account.objects.select_for_update().only("pk").get(pk=account.pk)


def after_failure(account: Account, operator: Account, request: HttpRequest | None) -> bool:
    """Lock verification and alert the supervisors when this failure reaches the limit."""
    now = timezone.now()
    until = locked_until(account, now)
    if until is None:
        return False
    CallerCheck.objects.filter(account=account, verified_until__gt=now).update(verified_until=now)
    if not CallerVerificationAlert.objects.filter(account=account, locked_until__gt=now).exists():
        CallerVerificationAlert.objects.create(
            account=account, operator=operator, failures=len(recent_failures(account, now)), locked_until=until
        )
    audit.record("caller.locked", account=account, actor=operator, request=request, data={"until": until.isoformat()})
    return True


def check_data(
    account: Account, facts: CallerFacts, *, operator: Account, request: HttpRequest | None = None
) -> CheckResult:
    """Compare what the caller said with the account's data; the answer is only "matches" or not."""
    if not verifiable(account):
        raise CallerError("not_verifiable")
    if not ratelimit.hit("caller_check_operator", f"operator:{operator.pk}"):
        raise CallerError("rate_limited")
    kinds = ["name", "birth_date", facts.identifier_kind if facts.identifier_kind in IDENTIFIERS else "identifier"]
    with transaction.atomic():
        lock_account(account)
        if locked_until(account) is not None:
            raise CallerError("locked")
        applicant = Applicant.objects.get(account=account)
        matched = matches(applicant, facts)
        now = timezone.now()
        verified = matched and not code_required()
        check = CallerCheck.objects.create(
            account=account,
            operator=operator,
            method=CheckMethod.DATA,
            facts=kinds,
            matched=matched,
            created_at=now,
            verified_until=now + verified_for() if verified else None,
        )
        audit.record(
            "caller.checked",
            account=account,
            actor=operator,
            request=request,
            data={"check": check.pk, "facts": kinds, "result": "match" if matched else "mismatch"},
        )
        locked = False if matched else after_failure(account, operator, request)
    return CheckResult(matched=matched, verified=verified, locked=locked)
