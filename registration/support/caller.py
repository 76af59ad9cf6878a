"""Caller verification on the support line, and what an operator may do for a verified caller.

The operator types what the caller says (name, date of birth, the last characters of the passport
number, SNILS or INN); the desk answers only whether it matches the chosen account, never what is
stored. Values are normalised (names in Latin or Cyrillic letters, any case, any word order) and
compared in constant time on the account's own rows, loaded in Python: nothing personal is looked up
by value. A match opens a verification for that operator and that account for
``REGISTRATION_CALLER_VERIFIED_MINUTES`` (15); optionally (or always, with
``REGISTRATION_CALLER_CODE_REQUIRED``) a one-time code sent to the account's phone is read back.

``REGISTRATION_CALLER_MAX_FAILURES`` (3) failed checks of one account within
``REGISTRATION_CALLER_FAILURE_WINDOW_MINUTES`` (60), by any operators, lock verification for that
account until the oldest of them ages out, close every open verification of it, and raise a
:class:`CallerVerificationAlert` for the support supervisors. Every check and action is audited with
the operator as actor and no personal data in the event's details.
"""

from __future__ import annotations

import hmac
import logging
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit, passwords
from registration.accounts.models import Account, Applicant
from registration.codes import onetime
from registration.codes.sms import SmsSendError, send_sms
from registration.core import ratelimit
from registration.core.conf import app_settings
from registration.core.errors import FlowError
from registration.profile import flows as profile_flows
from registration.support.models import CallerCheck, CallerVerificationAlert, CheckMethod

logger = logging.getLogger(__name__)

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

CODE_PURPOSE = "caller"
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


def code_validity() -> timedelta:
    return timedelta(minutes=int(app_settings.CALLER_CODE_MINUTES))


def code_required() -> bool:
    return bool(app_settings.CALLER_CODE_REQUIRED)


def code_max_attempts() -> int:
    return int(app_settings.CALLER_CODE_MAX_ATTEMPTS)


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


def _lock_account(account: Account) -> None:
    """Serialise the checks of one account (counting failures and adding one must not interleave)."""
    Account.objects.select_for_update().only("pk").get(pk=account.pk)


def _after_failure(account: Account, operator: Account, request: HttpRequest | None) -> bool:
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
        _lock_account(account)
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
        locked = False if matched else _after_failure(account, operator, request)
    return CheckResult(matched=matched, verified=verified, locked=locked)


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
    code = onetime.generate_digits(6)
    minutes = max(1, int(code_validity().total_seconds()) // 60)
    with translation.override(account.preferred_language or settings.LANGUAGE_CODE):
        text = " ".join(render_to_string("sms/caller_code.txt", {"code": code, "minutes": minutes}).split())
    try:
        send_sms(account.phone, text)
    except (SmsSendError, ImproperlyConfigured):
        logger.warning("A caller code could not be sent for account %s.", account.pk)
        raise CallerError("send_failed") from None
    now = timezone.now()
    check.code_hash = onetime.hash_code(code, purpose=CODE_PURPOSE, subject=str(check.pk))
    check.code_sent_at = now
    check.code_expires_at = now + code_validity()
    check.code_attempts = 0
    check.code_matched_at = None
    check.save(update_fields=["code_hash", "code_sent_at", "code_expires_at", "code_attempts", "code_matched_at"])
    audit.record("caller.code_sent", account=account, actor=operator, request=request, data={"check": check.pk})
    return check


def check_code(account: Account, typed: str, *, operator: Account, request: HttpRequest | None = None) -> CheckResult:
    """The caller reads the code back: a match (re)opens the verification; a wrong code is a failed check."""
    with transaction.atomic():
        _lock_account(account)
        if locked_until(account) is not None:
            raise CallerError("locked")
        check = data_match(account, operator)
        if check is None or not check.code_hash:
            raise CallerError("no_code")
        now = timezone.now()
        if check.code_expires_at is None or check.code_expires_at <= now:
            raise CallerError("code_expired")
        if check.code_attempts >= code_max_attempts():
            raise CallerError("too_many_attempts")
        matched = onetime.matches(typed, check.code_hash, purpose=CODE_PURPOSE, subject=str(check.pk))
        CallerCheck.objects.create(
            account=account, operator=operator, method=CheckMethod.CODE, facts=["phone_code"], matched=matched
        )
        if matched:
            check.code_hash = ""
            check.code_matched_at = now
            check.verified_until = now + verified_for()
        else:
            check.code_attempts += 1
        check.save(update_fields=["code_hash", "code_matched_at", "verified_until", "code_attempts"])
        audit.record(
            "caller.code_checked",
            account=account,
            actor=operator,
            request=request,
            data={"check": check.pk, "result": "match" if matched else "mismatch"},
        )
        locked = False if matched else _after_failure(account, operator, request)
    return CheckResult(matched=matched, verified=matched, locked=locked)


# --- what a verified caller may ask for ---------------------------------------------------------------


def lockout_usernames(account: Account) -> list[str]:
    """Every key django-axes may count this account's failed log-ins under (see ``login.lockout_username``)."""
    return [name for name in (account.email, account.phone) if name]


def login_locked(account: Account) -> bool:
    from axes.models import AccessAttempt

    limit = int(getattr(settings, "AXES_FAILURE_LIMIT", 5))
    return AccessAttempt.objects.filter(
        username__in=lockout_usernames(account), failures_since_start__gte=limit
    ).exists()


def lift_lockout(account: Account, *, operator: Account, request: HttpRequest | None = None) -> int:
    """Forget the account's failed log-ins (by e-mail or phone); returns how many records were removed."""
    from axes.utils import reset

    require_verified(account, operator)
    removed = sum(reset(username=name) for name in lockout_usernames(account))
    audit.record("caller.lockout_lifted", account=account, actor=operator, request=request, data={"records": removed})
    return removed


def resend_contact_code(
    account: Account, purpose: str, *, operator: Account, request: HttpRequest | None = None
) -> str:
    """Send again the code of a contact change the person started in the cabinet; returns the outcome code."""
    require_verified(account, operator)
    try:
        outcome = profile_flows.resend_contact_code(account, purpose, request=request)
    except profile_flows.ProfileError:
        raise CallerError("nothing_to_resend") from None
    audit.record(
        "caller.contact_code_resent",
        account=account,
        actor=operator,
        request=request,
        data={"contact": str(purpose), "outcome": outcome.code},
    )
    return outcome.code


def send_password_reset(account: Account, *, operator: Account, request: HttpRequest) -> None:
    """Start the ordinary password reset: the link goes to the account's own e-mail, never to the operator."""
    require_verified(account, operator)
    if not (account.is_active and account.has_usable_password()):
        raise CallerError("cannot_reset")
    if not ratelimit.hit("password_reset_email", account.email):
        raise CallerError("rate_limited")
    try:
        passwords.send_reset_link(account, request)
    except ValueError:  # pragma: no cover - the stored address is valid
        raise CallerError("cannot_reset") from None
    audit.record("caller.password_reset_sent", account=account, actor=operator, request=request)


def add_note(
    account: Account, support_request: Any, body: str, *, operator: Account, request: HttpRequest | None = None
) -> Any:
    """An internal note on one of the account's support requests, written during a verified call."""
    from registration.support import desk as support_desk

    require_verified(account, operator)
    if support_request.account_id != account.pk:
        raise CallerError("wrong_request")
    return support_desk.add_note(support_request, by=operator, body=body, request=request)


def acknowledge(alert: CallerVerificationAlert, *, by: Account, request: HttpRequest | None = None) -> bool:
    """A supervisor marks an alert as dealt with (the lock itself ages out on its own)."""
    updated = CallerVerificationAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=by
    )
    if updated:
        audit.record(
            "caller.alert_acknowledged", account=alert.account, actor=by, request=request, data={"alert": alert.pk}
        )
    return bool(updated)
