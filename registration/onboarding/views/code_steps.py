"""The two code steps: codes are sent and checked here, in the view, never in a form's ``clean()``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from registration.codes import contact as codes
from registration.codes.models import CodePurpose
from registration.onboarding import steps as S
from registration.onboarding.views.draft import WizardView

SEND_MESSAGES: dict[str, Any] = {
    codes.SENT: _("We have sent a new code."),
    codes.ALREADY_CONFIRMED: _("This contact is already confirmed."),
    codes.COOLDOWN: _("You can ask for a new code in %(seconds)s seconds."),
    codes.RATE_LIMITED: _("Too many codes have been sent. Wait an hour and try again, or contact support."),
    codes.SEND_FAILED: _("We could not send the code. Try again in a minute."),
}


class CodeStepsMixin(WizardView):
    """Sending, checking and explaining the phone and e-mail codes of the wizard's draft."""

    def confirmed_contacts(self) -> set[tuple[str, str]]:
        """The draft's confirmed ``(purpose, address)`` pairs: one query per request for both code steps."""
        if "_confirmed_contacts" not in self.__dict__:
            self._confirmed_contacts = codes.confirmed_addresses(self.draft_id)
        return self._confirmed_contacts

    def check_typed_code(self, step: str) -> str:
        """Check a well-formed typed code (this uses one of the code's attempts); the form shows the outcome."""
        typed = "".join(str(self.request.POST.get(f"{step}-code", ""))[:20].split())
        if not (typed.isdigit() and typed.isascii() and len(typed) == codes.code_length()):
            return ""  # the form explains what is wrong with it
        purpose = CodePurpose.PHONE if step == S.PHONE_CODE else CodePurpose.EMAIL
        address = self.get_form_kwargs(step)["address"]
        outcome = codes.check_code(purpose, self.draft_id, address, typed, request=self.request)
        self.__dict__.pop("_confirmed_contacts", None)
        self._code_outcome = {step: (outcome.code, outcome.attempts_left)}
        return outcome.code

    def send_code(self, step: str, *, force: bool) -> codes.SendOutcome:
        address = self.get_form_kwargs(step)["address"]
        purpose = CodePurpose.PHONE if step == S.PHONE_CODE else CodePurpose.EMAIL
        return codes.send_code(purpose, self.draft_id, address, request=self.request, force=force)

    def code_context(self, step: str, form: Any) -> dict[str, Any]:
        purpose = CodePurpose.PHONE if step == S.PHONE_CODE else CodePurpose.EMAIL
        address = getattr(form, "address", "")
        state = codes.state(purpose, self.draft_id, address)
        outcome = getattr(self, "_send_outcome", None)
        message = ""
        if outcome is not None and outcome.code in SEND_MESSAGES:
            message = SEND_MESSAGES[outcome.code] % {"seconds": outcome.retry_after}
        return {
            "address": address,
            "code_state": state,
            "send_message": message,
            "send_failed": outcome is not None and outcome.code not in (codes.SENT, codes.ALREADY_CONFIRMED),
            "minutes": max(1, codes.code_ttl() // 60),
        }
