"""Visit to a service centre: a clerk checks the original documents and confirms.

The person may pick a centre and print a receipt with the application number and a QR code. The
clerk's check either issues a one-time code that the person types in the cabinet, or, for someone in
front of the clerk who cannot use the cabinet, activates the account at once; the clerk chooses on
the application's page, ``REGISTRATION_SERVICE_CENTRE_ISSUES_CODE`` says which is the main button.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account
from registration.codes import service
from registration.codes.models import CodePurpose, OneTimeCode
from registration.core.collation import collate
from registration.core.form_messages import RequiredMessagesMixin
from registration.identity import conf, flows
from registration.identity.base import ClerkDecision, Evidence, IdentityError, Outcome
from registration.identity.codes import CodeEntryMethod, account_subject
from registration.identity.models import IdentityConfirmation, ServiceCentre

RATE_ACTION = "service_centre_code"

# What a clerk may record as checked; the identity document is the one that must be among them.
ORIGINALS: dict[str, Any] = {
    "identity_document": _("Identity document (passport)"),
    "stay_document": _("Document of stay in Russia"),
    "snils": _("SNILS certificate"),
    "receipt": _("Application receipt or QR code"),
}
REQUIRED_ORIGINAL = "identity_document"


class CentreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceCentre) -> str:
        return obj.label()  # in the page's language, Russian where the centre is not translated


def open_centres() -> QuerySet[ServiceCentre]:
    """The centres people may visit, with their translations (one query more, not one per centre)."""
    return ServiceCentre.objects.filter(is_active=True).prefetch_related("translations")


class CentreForm(forms.Form):
    centre = CentreChoiceField(
        label=_("Service centre you plan to visit"),
        queryset=ServiceCentre.objects.none(),
        required=False,
        empty_label=_("I have not decided yet"),
        help_text=_("Optional: any service centre can confirm your identity."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centre"]
        assert isinstance(field, CentreChoiceField)
        field.queryset = centres = open_centres()
        # By city, then name, in the page's language and its alphabet (the database's order is by code point).
        language = translation.get_language() or settings.LANGUAGE_CODE
        texts = {centre.pk: centre.text(language) for centre in centres}
        ordered = collate(centres, language, key=lambda centre: f"{texts[centre.pk].city}\t{texts[centre.pk].name}")
        field.choices = [
            ("", field.empty_label),
            *((centre.pk, field.label_from_instance(centre)) for centre in ordered),
        ]


class CodeForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "code": _("Enter the code the clerk gave you."),
    }

    code = forms.CharField(
        label=_("Code from the service centre"),
        max_length=16,
        help_text=_("The clerk gives you the code after checking your documents."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "input-code"}),
    )


class ServiceCentreMethod(CodeEntryMethod):
    code = "service_centre"
    code_purpose = CodePurpose.SERVICE_CENTRE
    rate_action = RATE_ACTION
    label = _("Visit a service centre")
    description = _(
        "Bring your passport and your document of stay to a service centre. A clerk checks the originals "
        "and confirms your identity."
    )
    template_name = "cabinet/identity/service_centre.html"
    decided_by_clerk = True
    person_forms: ClassVar[Mapping[str, type[forms.Form]]] = {"start": CentreForm, "complete": CodeForm}

    def start(
        self,
        account: Account,
        *,
        request: HttpRequest | None = None,
        centre: ServiceCentre | None = None,
        **data: Any,
    ) -> IdentityConfirmation:
        return flows.open_confirmation(account, self.code, request=request, centre=centre)

    def complete(
        self,
        confirmation: IdentityConfirmation,
        evidence: Evidence,
        *,
        by: Account | None,
        request: HttpRequest | None = None,
    ) -> Outcome:
        if isinstance(evidence, ClerkDecision):
            flows.ensure_open(confirmation, self.code)
            return self._clerk_checked(confirmation, evidence, by=by, request=request)
        return super().complete(confirmation, evidence, by=by, request=request)

    def code_subjects(self, confirmation: IdentityConfirmation) -> str:
        return account_subject(confirmation.account)

    def code_details(self, record: OneTimeCode) -> dict:
        return {"code_typed": True}

    def _clerk_checked(
        self,
        confirmation: IdentityConfirmation,
        decision: ClerkDecision,
        *,
        by: Account | None,
        request: HttpRequest | None,
    ) -> Outcome:
        originals = sorted(set(decision.originals) & set(ORIGINALS))
        if REQUIRED_ORIGINAL not in originals:
            raise IdentityError("originals_required")
        details = {"originals": originals}
        issue = conf.service_centre_issues_code() if decision.issue_code is None else decision.issue_code
        if not issue:
            return flows.confirm(confirmation, by=by, request=request, details=details, reason=decision.note)
        confirmation.details = {**confirmation.details, **details}
        confirmation.decided_by = by
        confirmation.save(update_fields=["details", "decided_by", "updated_at"])
        audit.record(
            "identity.originals_checked",
            account=confirmation.account,
            actor=by,
            request=request,
            reason=decision.note,
            data={"method": self.code, "confirmation": confirmation.pk, **details},
        )
        return self.issue_code(confirmation, by=by, request=request)

    def issue_code(
        self, confirmation: IdentityConfirmation, *, by: Account | None, request: HttpRequest | None = None
    ) -> Outcome:
        """Issue (or issue again, revoking the earlier one) the code the clerk hands to the person."""
        flows.ensure_open(confirmation, self.code)
        if not confirmation.details.get("originals"):
            raise IdentityError("originals_required")
        record, code = service.issue(
            CodePurpose.SERVICE_CENTRE,
            account_subject(confirmation.account),
            account=confirmation.account,
            issued_by=by,
        )
        audit.record(
            "identity.code_issued",
            account=confirmation.account,
            actor=by,
            request=request,
            data={"method": self.code, "confirmation": confirmation.pk, "code": record.pk},
        )
        flows.notify(confirmation.account, "code_issued", {"valid_until": record.expires_at})
        return Outcome(confirmation, issued_code=code, message=_("Give the person this code to type in their account."))

    def cancel(self, confirmation: IdentityConfirmation) -> None:
        service.revoke(CodePurpose.SERVICE_CENTRE, account_subject(confirmation.account))

    def cabinet_context(self, account: Account, confirmation: IdentityConfirmation | None) -> dict:
        return {
            "centres": open_centres(),
            "issues_code": conf.service_centre_issues_code(),
            "originals_checked": bool(confirmation and confirmation.details.get("originals")),
        }


METHOD = ServiceCentreMethod()


def confirm_in_person(
    account: Account, decision: ClerkDecision, *, by: Account, request: HttpRequest | None = None
) -> Outcome:
    """A clerk confirms a person who came to a centre, whatever method they had chosen online."""
    if REQUIRED_ORIGINAL not in decision.originals:
        raise IdentityError("originals_required")
    confirmation = flows.current(account)
    if confirmation is None or confirmation.method != METHOD.code:
        confirmation = flows.open_confirmation(account, METHOD.code, request=request)
    return METHOD.complete(confirmation, decision, by=by, request=request)
