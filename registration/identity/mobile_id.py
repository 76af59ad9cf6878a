"""Mobile identification: a one-time code to the mobile number on the person's migration record.

Offered only when the Ministry of Internal Affairs' registry gave a number for the person (the
``migration_phone`` question of ``registration.registries``). The code comes from the one code service
(policy ``mobile_id``: as a phone code, with its lifetime, attempts and resend cooldown) and goes by SMS
to that number, not to the one the person typed. Typing it proves the person holds the number on record;
the identity is then confirmed without a clerk if a rule of ``automatic.py`` holds (the MVD confirms the
identity document), else a clerk decides with the proof on the application's page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account, Applicant
from registration.codes import service
from registration.codes.models import CodePurpose, OneTimeCode
from registration.codes.sms import SmsSendError, render, send_sms
from registration.core.form_messages import RequiredMessagesMixin
from registration.core.masking import mask_phone
from registration.identity import automatic, flows
from registration.identity.base import IdentityError, Outcome
from registration.identity.codes import CodeEntryMethod, account_subject
from registration.identity.models import IdentityConfirmation
from registration.registries import flows as registry_checks

RATE_ACTION = "mobile_id_code"

audit.register_actions(
    {
        "identity.mobile_code_sent": _("Mobile identification code sent"),
        "identity.mobile_proven": _("Mobile number on the migration record proven"),
    }
)


class MobileCodeForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "code": _("Enter the code from the text message."),
    }

    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input-code"}),
    )


def number_on_record(account: Account) -> str:
    applicant = Applicant.objects.filter(account=account).first()
    return registry_checks.phone_on_record(applicant) if applicant is not None else ""


class MobileIdMethod(CodeEntryMethod):
    code = "mobile_id"
    code_purpose = CodePurpose.MOBILE_ID
    rate_action = RATE_ACTION
    label = _("Mobile identification")
    description = _(
        "We send a code by text message to the mobile number on your migration record, as the Ministry of "
        "Internal Affairs holds it. Type the code here."
    )
    template_name = "cabinet/identity/mobile_id.html"
    decided_by_clerk = True
    person_forms: ClassVar[Mapping[str, type[forms.Form]]] = {
        "start": forms.Form,
        "complete": MobileCodeForm,
        "resend": forms.Form,
    }

    def is_available(self, account: Account) -> bool:
        return bool(number_on_record(account))

    def start(self, account: Account, *, request: HttpRequest | None = None, **data: Any) -> IdentityConfirmation:
        if not number_on_record(account):
            raise IdentityError("no_number_on_record")
        confirmation = flows.open_confirmation(account, self.code, request=request)
        self.send_code(confirmation, request=request)
        return confirmation

    def send_code(self, confirmation: IdentityConfirmation, *, request: HttpRequest | None = None) -> OneTimeCode:
        """Text a new code to the number on record (revoking the last one), after the resend cooldown."""
        account = confirmation.account
        number = number_on_record(account)
        if not number:
            raise IdentityError("no_number_on_record")
        subject = account_subject(account)
        last = service.live(self.code_purpose, subject).order_by("-created_at").first()
        if last is not None and service.cooldown_left(last):
            raise IdentityError("code_too_soon", seconds=service.cooldown_left(last))

        def deliver(code: str, code_hash: str) -> None:
            try:
                send_sms(number, render("sms/mobile_id_code.txt", {"code": code}, language=account.language))
            except SmsSendError:
                raise IdentityError("sms_failed") from None

        record, _code = service.issue(
            self.code_purpose, subject, address=number, account=account, hint=mask_phone(number), send=deliver
        )
        audit.record(
            "identity.mobile_code_sent",
            account=account,
            request=request,
            data={"confirmation": confirmation.pk, "code": record.pk, "to": mask_phone(number)},
        )
        return record

    def act(
        self,
        action: str,
        confirmation: IdentityConfirmation,
        data: Mapping[str, Any],
        *,
        request: HttpRequest | None = None,
    ) -> Outcome:
        if action != "resend":
            raise IdentityError("wrong_method")
        flows.ensure_open(confirmation, self.code)
        self.send_code(confirmation, request=request)
        return Outcome(confirmation, message=_("A new code is on its way."))

    def code_subjects(self, confirmation: IdentityConfirmation) -> str:
        return account_subject(confirmation.account)

    def code_accepted(
        self, confirmation: IdentityConfirmation, record: OneTimeCode, *, request: HttpRequest | None
    ) -> Outcome:
        """The number on record is proven: recorded and audited; confirmed now if a rule holds."""
        confirmation.details = {**confirmation.details, "mobile_proven": True, "code": record.pk}
        confirmation.save(update_fields=["details", "updated_at"])
        audit.record(
            "identity.mobile_proven",
            account=confirmation.account,
            request=request,
            data={"confirmation": confirmation.pk, "code": record.pk},
        )
        outcome = automatic.try_confirm(confirmation, request=request)
        if outcome is not None:
            return outcome
        return Outcome(
            confirmation,
            message=_("Your mobile number is confirmed. A clerk now checks your application; you will get an e-mail."),
        )

    def cancel(self, confirmation: IdentityConfirmation) -> None:
        service.revoke(self.code_purpose, account_subject(confirmation.account))

    def cabinet_context(self, account: Account, confirmation: IdentityConfirmation | None) -> dict:
        number = number_on_record(account)
        return {
            "number_on_record": mask_phone(number) if number else "",
            "proven": bool(confirmation and confirmation.details.get("mobile_proven")),
        }


METHOD = MobileIdMethod()
