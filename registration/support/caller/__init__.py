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

The package: ``checks`` (comparing and the lock), ``phone_code`` (the code read back), ``actions``
(what a verified caller may ask for). Its public names are all importable from here.
"""

from registration.support.caller.actions import (
    acknowledge,
    add_note,
    lift_lockout,
    lockout_usernames,
    login_locked,
    resend_contact_code,
    send_password_reset,
)
from registration.support.caller.checks import (
    IDENTIFIERS,
    MESSAGES,
    CallerError,
    CallerFacts,
    CheckResult,
    check_data,
    code_required,
    data_match,
    failure_window,
    locked_until,
    matches,
    max_failures,
    normalise_name,
    recent_failures,
    require_verified,
    verifiable,
    verification,
    verified_for,
)
from registration.support.caller.phone_code import check_code, code_waiting, send_code

__all__ = [
    "IDENTIFIERS",
    "MESSAGES",
    "CallerError",
    "CallerFacts",
    "CheckResult",
    "acknowledge",
    "add_note",
    "check_code",
    "check_data",
    "code_required",
    "code_waiting",
    "data_match",
    "failure_window",
    "lift_lockout",
    "locked_until",
    "lockout_usernames",
    "login_locked",
    "matches",
    "max_failures",
    "normalise_name",
    "recent_failures",
    "require_verified",
    "resend_contact_code",
    "send_code",
    "send_password_reset",
    "verifiable",
    "verification",
    "verified_for",
]
