"""Steps 5–6: personal data as in the passport, and the name in Russian letters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Sex
from registration.onboarding.forms.base import StepForm
from registration.onboarding.forms.widgets import CountryChoiceField, QuickSelect, citizenship_choices, text
from validators import names as vnames
from validators.django import BirthDateField, CyrillicNameField, LatinNameField

# --- 5. personal data ------------------------------------------------------------------------


class PersonalForm(StepForm):
    surname = LatinNameField(
        label=_("Surname"), help_text=_("In Latin letters, exactly as in your passport."), max_length=100
    )
    given_names = LatinNameField(
        label=_("Given names"), help_text=_("In Latin letters, exactly as in your passport."), max_length=100
    )
    patronymic = LatinNameField(
        label=_("Patronymic (if you have one)"),
        help_text=_("Only if your passport shows one."),
        required=False,
        max_length=100,
    )
    birth_date = BirthDateField(label=_("Date of birth"), help_text=_("For example, 25.03.1990 (DD.MM.YYYY)."))
    birth_place = forms.CharField(
        label=_("Place of birth"),
        help_text=_("As in your passport."),
        max_length=200,
        widget=text(),
        error_messages={"required": _("Enter your place of birth.")},
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your sex as in your passport.")},
    )
    citizenship = CountryChoiceField(
        label=_("Citizenship"),
        choices=citizenship_choices,
        widget=QuickSelect(attrs={"autocomplete": "country"}),
        error_messages={
            "required": _("Choose your citizenship."),
            "invalid_choice": _("Choose a country from the list."),
        },
    )
    required_messages = {
        "surname": _("Enter your surname as it is written in your passport."),
        "given_names": _("Enter your given names as they are written in your passport."),
        "birth_date": _("Enter your date of birth."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["surname"].widget.attrs.update({"autocomplete": "family-name"})
        self.fields["given_names"].widget.attrs.update({"autocomplete": "given-name"})
        self.fields["patronymic"].widget.attrs.update({"autocomplete": "additional-name"})
        self.fields["birth_date"].widget.attrs.update(
            {"autocomplete": "bday", "inputmode": "numeric", "class": "input-short"}
        )

    def clean_citizenship(self) -> str:
        value = self.cleaned_data["citizenship"]
        if value == "RU":
            raise ValidationError(
                _("This service is for foreign citizens. Citizens of Russia register with a Russian passport."),
                code="citizenship_russian",
            )
        return value


# --- 6. name in Cyrillic ---------------------------------------------------------------------

#: Each Latin name field and the Cyrillic field that spells it.
NAME_PAIRS = (
    ("surname", "surname_cyrillic"),
    ("given_names", "given_names_cyrillic"),
    ("patronymic", "patronymic_cyrillic"),
)


def spelling_error(latin: str, cyrillic: str) -> ValidationError | None:
    """The error for a name in Russian letters that does not spell the Latin one (None when it does)."""
    if vnames.matches(latin, cyrillic):
        return None
    return ValidationError(
        _("This does not spell the name in your passport (%(latin)s). Check the letters."),
        code="cyrillic_mismatch",
        params={"latin": latin},
    )


class NamesCyrillicForm(StepForm):
    surname_cyrillic = CyrillicNameField(label=_("Surname in Russian letters"), widget=text())
    given_names_cyrillic = CyrillicNameField(label=_("Given names in Russian letters"), widget=text())
    patronymic_cyrillic = CyrillicNameField(label=_("Patronymic in Russian letters"), required=False, widget=text())

    PAIRS = NAME_PAIRS
    required_messages = {
        "surname_cyrillic": _("Enter your surname in Russian letters."),
        "given_names_cyrillic": _("Enter your given names in Russian letters."),
        "patronymic_cyrillic": _("Enter your patronymic in Russian letters."),
    }

    def __init__(self, *args: Any, latin: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        self.latin = dict(latin or {})
        kwargs.setdefault("initial", {})
        for latin_name, cyrillic_name in self.PAIRS:
            if self.latin.get(latin_name):
                kwargs["initial"].setdefault(cyrillic_name, vnames.to_cyrillic(self.latin[latin_name]))
        super().__init__(*args, **kwargs)
        for latin_name, cyrillic_name in self.PAIRS:
            field: Any = self.fields[cyrillic_name]  # it carries latin_value for the template
            field.latin_value = self.latin.get(latin_name, "")
            field.help_text = _("In your passport: %(name)s") % {"name": field.latin_value} if field.latin_value else ""
        if not self.latin.get("patronymic"):
            del self.fields["patronymic_cyrillic"]
        else:
            self.fields["patronymic_cyrillic"].required = True

    def _clean_pair(self, latin_name: str, cyrillic_name: str) -> str:
        value = self.cleaned_data.get(cyrillic_name, "")
        if not value:
            return value
        error = spelling_error(self.latin.get(latin_name, ""), value)
        if error is not None:
            raise error
        return value

    def clean_surname_cyrillic(self) -> str:
        return self._clean_pair("surname", "surname_cyrillic")

    def clean_given_names_cyrillic(self) -> str:
        return self._clean_pair("given_names", "given_names_cyrillic")

    def clean_patronymic_cyrillic(self) -> str:
        return self._clean_pair("patronymic", "patronymic_cyrillic")
