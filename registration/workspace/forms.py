"""Forms of the clerks' actions. Each is posted to its own URL, checked for permission, then a flow runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Account
from registration.core.form_messages import RequiredMessagesMixin
from registration.identity.scan_review import CHECKS
from registration.identity.service_centre import ORIGINALS
from registration.support.forms import screenshot_field
from registration.support.models import SupportRequest, SupportStatus, SupportTopic
from validators.django import DateField

TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 60})


class ConfirmInPersonForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "originals": _("Tick the originals you checked: the identity document at least."),
    }

    originals = forms.MultipleChoiceField(
        label=_("Originals checked"),
        choices=list(ORIGINALS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The identity document is required."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=TEXTAREA)


class ConfirmScansForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "checks": _("Tick what you compared with the scans."),
    }

    checks = forms.MultipleChoiceField(
        label=_("Compared"),
        choices=list(CHECKS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=TEXTAREA)


class ChangesRequestForm(RequiredMessagesMixin, forms.Form):
    """What a person must correct in an application for a service (the migration officers' desk)."""

    required_messages = {"message": _("Say what the person must correct.")}

    message = forms.CharField(
        label=_("What the person must correct"),
        max_length=1000,
        widget=TEXTAREA,
        help_text=_("The person reads it in the e-mail and in the account: be clear and polite."),
    )


class ReasonForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "reason": _("Give the reason: the person reads it."),
    }

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=TEXTAREA,
        help_text=_("The person reads it in the e-mail and in the account: be clear and polite."),
    )


class AcceptChangeForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "compared": _("Confirm that you compared the proposed data with the new scan."),
    }

    compared = forms.BooleanField(label=_("I compared the proposed data with the new scan, and they agree"))


class RequestDocumentsForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "message": _("Say which documents are needed, and why: the person reads it."),
    }

    message = forms.CharField(
        label=_("Which documents are needed, and why"),
        max_length=2000,
        widget=TEXTAREA,
    )


class IssueConsulateCodeForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "passport_number": _("Enter the passport number as printed in the passport."),
        "passport_checked": _(
            "Confirm that you have seen the passport and that it belongs to the person in front of you."
        ),
    }

    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=20,
        help_text=_("As printed in the passport; spaces and dashes are ignored."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    passport_checked = forms.BooleanField(
        label=_("I have seen the passport and checked that it belongs to the person in front of me"),
    )


class PublishSlotsForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "day": _("Enter the day of the calls."),
        "first": _("Enter the time the first call starts."),
        "last": _("Enter the time the last call ends."),
        "length": _("Enter the length of a call in minutes."),
    }

    day = forms.DateField(label=_("Day"), input_formats=["%d.%m.%Y", "%Y-%m-%d"], help_text=_("DD.MM.YYYY"))
    first = forms.TimeField(label=_("From"), input_formats=["%H:%M"], help_text=_("HH:MM"))
    last = forms.TimeField(label=_("Until"), input_formats=["%H:%M"], help_text=_("HH:MM"))
    length = forms.IntegerField(label=_("Length of a call, minutes"), min_value=10, max_value=60, initial=20)
    meeting_link = forms.URLField(label=_("Link to the call"), required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("first") and data.get("last") and data["first"] >= data["last"]:
            raise forms.ValidationError(_("The end must come after the start."), code="time_order")
        return data


class VideoDecisionForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "decision": _("Choose whether the identity is confirmed."),
    }

    CONFIRM, REJECT = "confirm", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(CONFIRM, _("Identity confirmed")), (REJECT, _("Not confirmed"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=1000,
        widget=TEXTAREA,
        help_text=_("Required when the identity is not confirmed."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("decision") == self.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", forms.ValidationError(_("Give the reason."), code="reason_required"))
        return data


class SupportAnswerForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "body": _("Write the answer: the person reads it."),
        "status": _("Choose the status after the answer."),
    }

    body = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6, "cols": 60}))
    status = forms.ChoiceField(
        label=_("Status after the answer"),
        choices=[
            (SupportStatus.WAITING, SupportStatus.WAITING.label),
            (SupportStatus.IN_PROGRESS, SupportStatus.IN_PROGRESS.label),
            (SupportStatus.RESOLVED, SupportStatus.RESOLVED.label),
        ],
        initial=SupportStatus.WAITING,
    )


class SupportStatusForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "status": _("Choose the new status."),
    }

    status = forms.ChoiceField(label=_("Status"), choices=SupportStatus.choices)


# --- the support line: requests typed in for a caller, caller checks, notes ---------------------------


class OperatorRequestForm(RequiredMessagesMixin, forms.Form):
    """A support request typed in by an operator for a caller (the account found by what the caller tells)."""

    required_messages = {
        "account": _("Enter the caller's application number, e-mail address or phone number."),
        "topic": _("Choose what the request is about."),
        "body": _("Describe what the caller reports."),
    }
    account = forms.CharField(
        label=_("The caller's account"),
        max_length=254,
        help_text=_("Application number, e-mail address or phone number (+7…), exactly."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=SupportTopic.choices)
    body = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_("What the caller reports. The person reads it in their account: no passwords or codes."),
    )
    screenshot = screenshot_field()

    def __init__(self, *args: Any, account: Account | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_found = account
        if account is not None:
            del self.fields["account"]

    def clean_account(self) -> str:
        from registration.support.desk import find_account

        term = self.cleaned_data["account"]
        self.account_found = find_account(term)
        if self.account_found is None:
            raise forms.ValidationError(_("No person's account has exactly this number or address."), code="not_found")
        return term


class CallerSearchForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "term": _("Enter the caller's application number, e-mail address or phone number."),
    }

    term = forms.CharField(
        label=_("The caller's account"),
        max_length=254,
        help_text=_("Application number, e-mail address or phone number (+7…), exactly."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autofocus": True}),
    )


IDENTIFIER_CHOICES = [
    ("passport", _("Passport number")),
    ("snils", _("SNILS")),
    ("inn", _("INN")),
]


class CallerCheckForm(RequiredMessagesMixin, forms.Form):
    """What the caller says; the desk answers only whether it matches."""

    required_messages = {
        "name": _("Enter the full name as the caller says it."),
        "birth_date": _("Enter the date of birth the caller gives."),
        "identifier_kind": _("Choose which number the caller gives."),
        "identifier": _("Enter the characters of the number the caller says."),
    }
    name = forms.CharField(
        label=_("Full name, as the caller says it"),
        max_length=300,
        help_text=_("Surname and given names (and patronymic, if any), in Latin or Russian letters, in any order."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date = DateField(label=_("Date of birth"), help_text=_("DD.MM.YYYY"))
    identifier_kind = forms.ChoiceField(
        label=_("Which number the caller gives"), choices=IDENTIFIER_CHOICES, widget=forms.RadioSelect
    )
    identifier = forms.CharField(
        label=_("The characters the caller says"),
        max_length=40,
        help_text=_("The last 4 or more characters of that number, or the whole number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_identifier(self) -> str:
        value = "".join(ch for ch in self.cleaned_data["identifier"] if ch.isalnum())
        if len(value) < 4:
            raise forms.ValidationError(_("Type at least the last 4 characters."), code="identifier_too_short")
        return value


class CallerCodeForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "code": _("Enter the code the caller reads out."),
    }

    code = forms.CharField(
        label=_("Code the caller reads out"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and code.isascii() and len(code) == 6):
            raise forms.ValidationError(_("The code has 6 digits."), code="code_format")
        return code


class SupportNoteForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "support_request": _("Choose the request the note is about."),
        "body": _("Write the note."),
    }

    support_request = forms.ModelChoiceField(label=_("Request"), queryset=SupportRequest.objects.none())
    body = forms.CharField(
        label=_("Internal note"),
        max_length=5000,
        widget=TEXTAREA,
        help_text=_("Seen by support only; the person never sees it."),
    )

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert isinstance(self.fields["support_request"], forms.ModelChoiceField)
        self.fields["support_request"].queryset = SupportRequest.objects.filter(account=account).order_by(
            "-created_at", "-pk"
        )
