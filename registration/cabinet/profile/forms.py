"""The cabinet's profile forms. The identity and address forms are the wizard's own, with a new scan added."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registration.accounts.forms import email_field
from registration.accounts.identifiers import check_registration_email
from registration.accounts.models import Account
from registration.codes import contact as codes
from registration.codes.models import CodePurpose
from registration.core.countries import phone_region
from registration.onboarding.forms import (
    CODE_ERRORS,
    NAME_PAIRS,
    AddressForm,
    IdentifiersForm,
    IdentityDocumentForm,
    PersonalForm,
    spelling_error,
    text,
)
from registration.profile.flows import PERSONAL_FIELDS
from validators import mrz as vmrz
from validators.django import CyrillicNameField, PhoneField, ScanField
from validators.scans import PhysicalSize

SCAN_HINT = _("PDF, JPEG or PNG, up to 5 MB, at least 300 dpi, sharp and not cropped.")


def new_scan_field(label: Any, physical_size: PhysicalSize = PhysicalSize.ID3) -> ScanField:
    """A scan of a passport page (or of ``physical_size``): the evidence of a change."""
    return ScanField(
        label=label,
        help_text=SCAN_HINT,
        physical_size=physical_size,
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )


class PasswordCheckMixin(forms.Form):
    """The account's current password: a stolen open session alone cannot change where codes go."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password.")},
    )

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        self.account = account
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.account.check_password(password):
            raise ValidationError(_("The password is wrong."), code="password_wrong")
        return password


class EmailChangeForm(PasswordCheckMixin):
    use_required_attribute = False
    address = email_field(
        _("New e-mail address"),
        _("We send a code to it. You will log in with it once it is confirmed."),
        _("Enter the new e-mail address."),
    )
    field_order = ("address", "password")

    def clean_address(self) -> str:
        address = check_registration_email(self.cleaned_data["address"])
        if address == self.account.email:
            raise ValidationError(_("This is already your e-mail address. Enter a new one."), code="same_address")
        if Account.objects.filter(email=address).exclude(pk=self.account.pk).exists():
            raise ValidationError(_("An account with this e-mail address already exists."), code="email_taken")
        return address


class PhoneChangeForm(PasswordCheckMixin):
    use_required_attribute = False
    address = PhoneField(
        label=_("New mobile phone number"),
        help_text=_("In international format with the country code, for example +998 90 123 45 67."),
        error_messages={"required": _("Enter the new mobile phone number.")},
    )
    field_order = ("address", "password")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["address"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        # A number typed without its country code is read as one of the person's country.
        applicant = getattr(self.account, "applicant", None)
        citizenship = str(applicant.citizenship) if applicant is not None and applicant.citizenship else ""
        address: Any = self.fields["address"]
        address.set_region(*phone_region(citizenship))

    def clean_address(self) -> str:
        address = self.cleaned_data["address"]
        if address == self.account.phone:
            raise ValidationError(_("This is already your phone number. Enter a new one."), code="same_address")
        if Account.objects.filter(phone=address).exclude(pk=self.account.pk).exists():
            raise ValidationError(_("An account with this phone number already exists."), code="phone_taken")
        return address


CONTACT_FORMS: dict[str, type[PasswordCheckMixin]] = {
    CodePurpose.EMAIL: EmailChangeForm,
    CodePurpose.PHONE: PhoneChangeForm,
}


class ContactCodeForm(forms.Form):
    use_required_attribute = False
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "input-code",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": CODE_ERRORS["code_required"]},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and code.isascii() and len(code) == codes.code_length()):
            raise ValidationError(CODE_ERRORS["code_format"], code="code_format")
        return code


class PersonalChangeForm(PersonalForm):
    """The wizard's personal data, the names in Cyrillic, and a scan of the document that shows the change."""

    surname_cyrillic = CyrillicNameField(label=_("Surname in Russian letters"), widget=text())
    given_names_cyrillic = CyrillicNameField(label=_("Given names in Russian letters"), widget=text())
    patronymic_cyrillic = CyrillicNameField(
        label=_("Patronymic in Russian letters (if you have one)"), required=False, widget=text()
    )
    scan = new_scan_field(_("Scan or photo of the passport page that shows the new data"))
    required_messages = {
        "surname_cyrillic": _("Enter your surname in Russian letters."),
        "given_names_cyrillic": _("Enter your given names in Russian letters."),
        "scan": _("Attach a scan or photo of the passport page that shows the new data."),
    }

    field_order = (*PERSONAL_FIELDS, "scan")  # the order of the change held for review
    PAIRS = NAME_PAIRS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if cleaned.get("patronymic") and not cleaned.get("patronymic_cyrillic") and "patronymic_cyrillic" in cleaned:
            self.add_error(
                "patronymic_cyrillic",
                ValidationError(_("Enter the patronymic in Russian letters."), code="required"),
            )
        if not cleaned.get("patronymic") and cleaned.get("patronymic_cyrillic"):
            self.add_error(
                "patronymic_cyrillic",
                ValidationError(_("Leave this empty: you gave no patronymic."), code="no_patronymic"),
            )
        for latin_name, cyrillic_name in self.PAIRS:
            latin, cyrillic = cleaned.get(latin_name), cleaned.get(cyrillic_name)
            if latin and cyrillic and (error := spelling_error(latin, cyrillic)) is not None:
                self.add_error(cyrillic_name, error)
        return cleaned


class DocumentChangeForm(IdentityDocumentForm):
    """The wizard's identity document form; its scan is required, as for a new application."""

    scan = new_scan_field(_("Scan or photo of the page with your photo"))  # type: ignore[assignment]  # no draft here
    required_messages = {"scan": _("Attach a scan or photo of the page with your photo.")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        raw = self.data.get(self.add_prefix("mrz"), "") if cleaned.get("mrz") else ""
        cleaned["mrz_text"] = vmrz.compact(raw) if raw else ""
        return cleaned

    def values(self) -> dict[str, Any]:
        """The document's fields as the change flow takes them (the zone as text)."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "number": data["number"],
            "issue_date": data["issue_date"],
            "expiry_date": data["expiry_date"],
            "issuing_authority": data["issuing_authority"].strip(),
            "mrz": data.get("mrz_text", ""),
        }


class AddressChangeForm(AddressForm):
    pass


class IdentifiersChangeForm(PasswordCheckMixin, IdentifiersForm):
    """SNILS and INN change at once, without review: the current password is asked again."""

    use_required_attribute = False
