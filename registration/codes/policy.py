"""How the codes of each purpose are made and checked: the policy as data, the numbers read from settings when used.

A value in a policy is either written here (a post letter's code is 10 characters) or names the setting
that holds it (``Setting("CODE_TTL")``), read from ``app_settings`` each time a code is issued or checked,
so that changing a setting (or ``override_settings`` in a test) takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from registration.core.conf import app_settings

DIGITS = "0123456789"
#: Crockford's base 32: no I, L, O or U, so that a code copied by hand is read back as it was printed.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Setting:
    """A number read from ``app_settings.<name>`` when used; with a ``unit`` it is a duration."""

    name: str
    unit: timedelta | None = None

    def read(self) -> int | timedelta:
        value = getattr(app_settings, self.name)
        return value * self.unit if self.unit is not None else int(value)


def seconds(name: str) -> Setting:
    return Setting(name, timedelta(seconds=1))


def minutes(name: str) -> Setting:
    return Setting(name, timedelta(minutes=1))


def days(name: str) -> Setting:
    return Setting(name, timedelta(days=1))


@dataclass(frozen=True)
class Limits:
    """A policy's numbers as they are now."""

    length: int
    lifetime: timedelta
    max_attempts: int
    cooldown: timedelta


@dataclass(frozen=True)
class Policy:
    """The codes of one purpose: alphabet and length, lifetime, attempts (right or wrong) and resend cooldown.

    ``personal_subject``: the subject is personal data (a passport number), so only a keyed digest of it
    is stored.
    """

    alphabet: str
    length: int | Setting
    lifetime: timedelta | Setting
    max_attempts: int | Setting
    cooldown: timedelta | Setting = timedelta(0)
    personal_subject: bool = False

    def limits(self) -> Limits:
        def read(value):  # type: ignore[no-untyped-def]
            return value.read() if isinstance(value, Setting) else value

        return Limits(read(self.length), read(self.lifetime), read(self.max_attempts), read(self.cooldown))


_CONTACT = Policy(
    DIGITS,
    length=Setting("CODE_LENGTH"),
    lifetime=seconds("CODE_TTL"),
    max_attempts=Setting("CODE_MAX_ATTEMPTS"),
    cooldown=seconds("CODE_RESEND_COOLDOWN"),
)

#: Every purpose's policy (keys are ``CodePurpose`` values).
POLICIES: dict[str, Policy] = {
    "phone": _CONTACT,
    "email": _CONTACT,
    # The log-in code lives as long as the half-finished log-in it completes.
    "login": Policy(
        DIGITS,
        length=Setting("CODE_LENGTH"),
        lifetime=seconds("LOGIN_CODE_MAX_AGE"),
        max_attempts=Setting("CODE_MAX_ATTEMPTS"),
        cooldown=seconds("CODE_RESEND_COOLDOWN"),
    ),
    # Continuing a saved registration in another browser: texted to its confirmed phone.
    "resume": _CONTACT,
    "service_centre": Policy(
        DIGITS, length=8, lifetime=days("SERVICE_CENTRE_CODE_DAYS"), max_attempts=Setting("IDENTITY_CODE_MAX_ATTEMPTS")
    ),
    "post_letter": Policy(
        CROCKFORD, length=10, lifetime=days("POST_CODE_DAYS"), max_attempts=Setting("IDENTITY_CODE_MAX_ATTEMPTS")
    ),
    "consulate": Policy(
        CROCKFORD,
        length=10,
        lifetime=days("CONSULATE_CODE_DAYS"),
        max_attempts=Setting("CONSULATE_CODE_MAX_ATTEMPTS"),
        personal_subject=True,
    ),
    # Sent to the number on the person's migration record (mobile identification).
    "mobile_id": _CONTACT,
    "caller": Policy(
        DIGITS, length=6, lifetime=minutes("CALLER_CODE_MINUTES"), max_attempts=Setting("CALLER_CODE_MAX_ATTEMPTS")
    ),
}
