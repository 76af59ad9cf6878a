"""Forms of the clerks' actions. Each is posted to its own URL, checked for permission, then a flow runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registration.identity.scan_review import CHECKS
from registration.identity.service_centre import ORIGINALS
from registration.models import SupportStatus

TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 60})


class ConfirmInPersonForm(forms.Form):
    originals = forms.MultipleChoiceField(
        label=_("Originals checked"),
        choices=list(ORIGINALS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The identity document is required."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=TEXTAREA)


class ConfirmScansForm(forms.Form):
    checks = forms.MultipleChoiceField(
        label=_("Compared"),
        choices=list(CHECKS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=TEXTAREA)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=TEXTAREA,
        help_text=_("The person reads it in the e-mail and in the account: be clear and polite."),
    )


class RequestDocumentsForm(forms.Form):
    message = forms.CharField(
        label=_("Which documents are needed, and why"),
        max_length=2000,
        widget=TEXTAREA,
    )


class IssueConsulateCodeForm(forms.Form):
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=20,
        help_text=_("As printed in the passport; spaces and dashes are ignored."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    passport_checked = forms.BooleanField(
        label=_("I have seen the passport and checked that it belongs to the person in front of me"),
    )


class PublishSlotsForm(forms.Form):
    day = forms.DateField(label=_("Day"), input_formats=["%d.%m.%Y", "%Y-%m-%d"], help_text=_("DD.MM.YYYY"))
    first = forms.TimeField(label=_("From"), input_formats=["%H:%M"], help_text=_("HH:MM"))
    last = forms.TimeField(label=_("Until"), input_formats=["%H:%M"], help_text=_("HH:MM"))
    length = forms.IntegerField(label=_("Length of a call, minutes"), min_value=10, max_value=60, initial=20)
    meeting_link = forms.URLField(label=_("Link to the call"), required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("first") and data.get("last") and data["first"] >= data["last"]:
            raise forms.ValidationError(_("The end must come after the start."), code="time_order")
        return data


class VideoDecisionForm(forms.Form):
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
        if data.get("decision") == self.REJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", forms.ValidationError(_("Give the reason."), code="reason_required"))
        return data


class SupportAnswerForm(forms.Form):
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


class SupportStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=SupportStatus.choices)
