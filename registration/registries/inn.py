"""The INN "Check": ask the tax service now, while the person is on the identifiers step.

Nothing is recorded (there is no application yet; the submitted application is checked again in the
background): the person gets one plain sentence. A registry that is down or slow gives "cannot be asked
right now", never an error, and never keeps the person waiting past ``REGISTRATION_REGISTRY_TIMEOUT``
(one try, no retries). Without an INN, the tax service may give a temporary identification code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.registries import backends
from registration.registries.questions import Outcome

MESSAGES: dict[str, Promise] = {
    Outcome.MATCH: _("The Federal Tax Service confirms that this INN is yours."),
    Outcome.NO_MATCH: _(
        "The Federal Tax Service holds this INN under other personal details. Check the number, or leave the "
        "field empty."
    ),
    Outcome.NOT_FOUND: _(
        "The Federal Tax Service does not know this INN. Check the number, or leave the field empty: the INN is "
        "optional."
    ),
    Outcome.UNAVAILABLE: _(
        "The Federal Tax Service cannot be asked right now. Your INN is checked after you send the application."
    ),
}
#: The notice's look: a confirmation, or something to look at again.
LEVELS: dict[str, str] = {Outcome.MATCH: "success", Outcome.UNAVAILABLE: "info"}


@dataclass(frozen=True)
class InnCheck:
    outcome: str
    message: Promise
    temporary_code: str = field(default="", repr=False)

    @property
    def level(self) -> str:
        return LEVELS.get(self.outcome, "warning")


def check_inn(inn: str, *, surname: str, given_names: str, birth_date: date) -> InnCheck:
    """What the tax service says about ``inn`` for this person (``inn`` empty: a temporary code, if any)."""
    payload = {
        "inn": inn,
        "surname": surname.upper(),
        "given_names": given_names.upper(),
        "birth_date": birth_date.isoformat(),
    }
    answer = backends.ask("inn", payload, retries=0)
    if not inn:
        code = answer.temporary_code if answer.outcome == Outcome.MATCH else ""
        return InnCheck(answer.outcome, MESSAGES[Outcome.UNAVAILABLE], temporary_code=code)
    return InnCheck(answer.outcome, MESSAGES[answer.outcome])


def temporary_code_message(code: str) -> str:
    return str(_("The Federal Tax Service gave you a temporary identification code: %(code)s.") % {"code": code})
