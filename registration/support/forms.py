"""The person's support forms, and the screenshot field the clerks' forms share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registration.core.text import PlainTextFieldsMixin
from registration.support.models import SupportTopic
from validators.django import ScanField


def screenshot_field() -> ScanField:
    """A screenshot: JPEG or PNG up to 5 MB; no resolution or sharpness rule (a screen is not a scan)."""
    return ScanField(
        label=_("Screenshot (optional)"),
        help_text=_("A JPEG or PNG picture of the problem, up to 5 MB."),
        required=False,
        allowed=("jpeg", "png"),
        min_dpi=0,
        min_sharpness=0,
        widget=forms.FileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )


class SupportRequestForm(PlainTextFieldsMixin, forms.Form):
    topic = forms.ChoiceField(
        label=_("What is it about?"),
        choices=SupportTopic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what your question is about.")},
    )
    body = forms.CharField(
        label=_("Describe the problem"),
        help_text=_("What happened, and what you need. Do not write your password or codes."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
        error_messages={
            "required": _("Describe the problem."),
            "max_length": _("Write at most %(limit_value)d characters."),
        },
    )
    screenshot = screenshot_field()

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Describe the problem."), code="required")
        return body

    @property
    def subject(self) -> str:
        first_line = self.cleaned_data["body"].splitlines()[0]
        return (first_line[:117] + "…") if len(first_line) > 120 else first_line


class SupportReplyForm(PlainTextFieldsMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _("Write at most %(limit_value)d characters."),
        },
    )
    screenshot = screenshot_field()

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write your message."), code="required")
        return body
