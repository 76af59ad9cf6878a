"""The forms of the services' steps, built on ``validators`` and its Django adapters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.core import countries
from registration.core.form_messages import RequiredMessagesMixin
from registration.core.uploads import file_name_length
from registration.onboarding.forms.widgets import citizenship_choices, text
from validators import dates as vdates
from validators import passport as vpassport
from validators.django import (
    CyrillicNameField,
    DateField,
    InnField,
    LatinNameField,
    OgrnField,
    PassportNumberField,
    ScanField,
)

#: The longest stay registered at once (days, the first and the last included).
MAX_STAY_DAYS = 90


class ServiceForm(RequiredMessagesMixin, forms.Form):
    """A step's form: the server explains every error (no browser bubbles), each field with its own message."""

    use_required_attribute = False
    #: (legend, field names) pairs the page shows as fieldsets; empty: every field in order.
    groups: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def grouped(self) -> list[tuple[Any, list[Any]]]:
        """The bound fields by group, for the template."""
        if not self.groups:
            return [("", list(self))]
        return [(legend, [self[name] for name in names]) for legend, names in self.groups]


class ConsentForm(ServiceForm):
    """The check page's agreement, asked before every submission."""

    consent = forms.BooleanField(
        label=_("The data I gave is true, and I agree that it is processed to provide this service.")
    )
    required_messages = {"consent": _("Agree that the data you gave is true and may be processed.")}


# --- stay registration: the host ----------------------------------------------------------------


class HostForm(ServiceForm):
    """Who gives the place to live: a person (a Russian citizen, with their passport) or an organisation."""

    PERSON, ORGANISATION = "person", "organisation"
    kind = forms.ChoiceField(
        label=_("Who is the host?"),
        choices=[(PERSON, _("A person")), (ORGANISATION, _("An organisation or an entrepreneur"))],
        widget=forms.RadioSelect,
    )
    surname = CyrillicNameField(label=_("Host's surname"), required=False)
    given_names = CyrillicNameField(label=_("Host's first name and patronymic"), required=False)
    passport = PassportNumberField(
        country="RU",
        label=_("Host's Russian passport: series and number"),
        help_text=_("10 digits, for example 4510 123456."),
        required=False,
    )
    organisation = forms.CharField(label=_("Name of the organisation"), max_length=300, required=False)
    inn = InnField(
        label=_("INN of the organisation"),
        help_text=_("10 digits for an organisation, 12 for an entrepreneur."),
        required=False,
    )
    ogrn = OgrnField(label=_("OGRN or OGRNIP"), required=False)
    required_messages = {"kind": _("Choose who the host is.")}

    PERSON_FIELDS = ("surname", "given_names", "passport")
    ORGANISATION_FIELDS = ("organisation", "inn", "ogrn")
    #: The page shows the fields in these groups (each a fieldset with its legend).
    groups = (
        ("", ("kind",)),
        (_("If the host is a person"), PERSON_FIELDS),
        (_("If the host is an organisation or an entrepreneur"), ORGANISATION_FIELDS),
    )
    MISSING = {
        "surname": _("Enter the host's surname."),
        "given_names": _("Enter the host's first name."),
        "passport": _("Enter the series and number of the host's passport."),
        "organisation": _("Enter the name of the organisation."),
        "inn": _("Enter the INN of the organisation."),
        "ogrn": _("Enter the OGRN (OGRNIP for an entrepreneur)."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("passport", "inn", "ogrn"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        own = self.PERSON_FIELDS if kind == self.PERSON else self.ORGANISATION_FIELDS if kind else ()
        for name in own:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, forms.ValidationError(self.MISSING[name], code="required"))
        for name in set(self.PERSON_FIELDS + self.ORGANISATION_FIELDS) - set(own):
            cleaned[name] = ""  # what belongs to the other kind of host is not kept
        passport = cleaned.get("passport")
        if kind == self.PERSON and passport and len(vpassport.compact(passport)) != 10:
            self.add_error(
                "passport",
                forms.ValidationError(
                    _("A Russian passport has a series of 4 digits and a number of 6: for example 4510 123456."),
                    code="host_passport_internal",
                ),
            )
        inn, ogrn = cleaned.get("inn"), cleaned.get("ogrn")
        if kind == self.ORGANISATION and inn and ogrn and "ogrn" not in self.errors:
            if len(inn) == 10 and len(ogrn) != 13:
                self.add_error(
                    "ogrn",
                    forms.ValidationError(
                        _("An organisation (a 10-digit INN) has a 13-digit OGRN."), code="ogrn_kind_mismatch"
                    ),
                )
            elif len(inn) == 12 and len(ogrn) != 15:
                self.add_error(
                    "ogrn",
                    forms.ValidationError(
                        _("An entrepreneur (a 12-digit INN) has a 15-digit OGRNIP."), code="ogrn_kind_mismatch"
                    ),
                )
        return cleaned


# --- stay registration: the period ----------------------------------------------------------------


class PeriodForm(ServiceForm):
    """The period of the stay: from today (or yesterday), at most 90 days, within the document of stay."""

    start = DateField(label=_("First day of the stay"))
    end = DateField(label=_("Last day of the stay"))
    required_messages = {
        "start": _("Enter the first day of the stay."),
        "end": _("Enter the last day of the stay."),
    }

    def __init__(
        self,
        *args: Any,
        stay_until: datetime.date | None = None,
        today: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stay_until = stay_until
        # The day the rules count from: today while the person fills it in, the day it was sent once it is
        # with the desk (an application approved a week later was not wrong when it was sent).
        self.today = today
        if stay_until is not None:
            self.fields["end"].help_text = _(
                "DD.MM.YYYY. At most 90 days, and not after %(date)s, when your document of stay ends."
            ) % {"date": vdates.format(stay_until)}
        else:
            self.fields["end"].help_text = _("DD.MM.YYYY. At most 90 days.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        today = self.today or timezone.localdate()
        if start is not None and start < today - datetime.timedelta(days=1):
            self.add_error(
                "start",
                forms.ValidationError(
                    _("The stay cannot start earlier than yesterday (%(date)s)."),
                    code="stay_start_past",
                    params={"date": vdates.format(today - datetime.timedelta(days=1))},
                ),
            )
        if start is None or end is None:
            return cleaned
        if end < start:
            self.add_error(
                "end", forms.ValidationError(_("The last day must not come before the first."), code="stay_end_before")
            )
        elif (end - start).days + 1 > MAX_STAY_DAYS:
            self.add_error(
                "end",
                forms.ValidationError(
                    _("A stay is registered for at most %(days)s days: the last day can be %(date)s at the latest."),
                    code="stay_too_long",
                    params={"days": MAX_STAY_DAYS, "date": vdates.format(start + datetime.timedelta(days=89))},
                ),
            )
        if self.stay_until is not None and end > self.stay_until:
            self.add_error(
                "end",
                forms.ValidationError(
                    _("Your document of stay ends on %(date)s: the stay cannot be registered beyond it."),
                    code="stay_beyond_document",
                    params={"date": vdates.format(self.stay_until)},
                ),
            )
        return cleaned


# --- scans ------------------------------------------------------------------------------------------


class ScansForm(ServiceForm):
    """One scan field per document the service requires; a document already attached need not be sent again."""

    def __init__(self, *args: Any, scans: tuple = (), kept: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept = kept or {}
        for spec in scans:
            field = ScanField(
                label=spec.label,
                physical_size=spec.size,
                required=spec.code not in self.kept,
                validators=[file_name_length],
                widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
            )
            if spec.hint:
                field.help_text = f"{spec.hint} {field.help_text}"
            self.fields[spec.code] = field


# --- residence permit ---------------------------------------------------------------------------------


class WorkForm(ServiceForm):
    WORKING, NOT_WORKING = "working", "not_working"
    occupation = forms.ChoiceField(
        label=_("Do you work?"),
        choices=[(WORKING, _("Yes, I work")), (NOT_WORKING, _("No, I do not work at the moment"))],
        widget=forms.RadioSelect,
    )
    employer = forms.CharField(label=_("Employer"), max_length=300, required=False, widget=text("organization"))
    position = forms.CharField(label=_("Position"), max_length=200, required=False, widget=text("organization-title"))
    since = DateField(label=_("Working there since"), required=False)
    required_messages = {"occupation": _("Say whether you work.")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("occupation") == self.WORKING:
            missing = {
                "employer": _("Enter the employer."),
                "position": _("Enter your position."),
                "since": _("Enter the date you started."),
            }
            for name, message in missing.items():
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, forms.ValidationError(message, code="required"))
        since = cleaned.get("since")
        if since and since > timezone.localdate():
            self.add_error("since", forms.ValidationError(_("This date is in the future."), code="date_future"))
        return cleaned


class EducationForm(ServiceForm):
    level = forms.ChoiceField(
        label=_("Your education"),
        choices=[
            ("", _("Choose")),
            ("general", _("General (school)")),
            ("vocational", _("Vocational")),
            ("higher", _("Higher (university)")),
            ("postgraduate", _("Postgraduate")),
            ("none", _("No formal education")),
        ],
    )
    institution = forms.CharField(label=_("Institution"), max_length=300, required=False)
    year = forms.IntegerField(label=_("Year of graduation"), required=False, min_value=1900)
    required_messages = {"level": _("Choose your education.")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        level = cleaned.get("level")
        if level and level != "none":
            if not cleaned.get("institution") and "institution" not in self.errors:
                self.add_error("institution", forms.ValidationError(_("Enter the institution."), code="required"))
            if not cleaned.get("year") and "year" not in self.errors:
                self.add_error("year", forms.ValidationError(_("Enter the year of graduation."), code="required"))
        year = cleaned.get("year")
        if year and year > timezone.localdate().year:
            self.add_error("year", forms.ValidationError(_("This year is in the future."), code="year_future"))
        return cleaned


RELATIONS = [
    ("", _("Choose")),
    ("spouse", _("Spouse")),
    ("child", _("Child")),
    ("parent", _("Parent")),
    ("sibling", _("Brother or sister")),
]


class FamilyMemberForm(ServiceForm):
    relation = forms.ChoiceField(label=_("Relation"), choices=RELATIONS)
    surname = LatinNameField(label=_("Surname (Latin)"))
    given_names = LatinNameField(label=_("Given names (Latin)"))
    birth_date = DateField(label=_("Date of birth"))
    citizenship = forms.ChoiceField(label=_("Citizenship"), choices=citizenship_choices)
    required_messages = {
        "relation": _("Choose the relation."),
        "surname": _("Enter the surname."),
        "given_names": _("Enter the given names."),
        "birth_date": _("Enter the date of birth."),
        "citizenship": _("Choose the citizenship."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citizenship"].display = countries.name  # type: ignore[attr-defined]

    def clean_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."), code="birth_date_future")
        return value


FamilyFormSet = forms.formset_factory(FamilyMemberForm, extra=0, can_delete=True, max_num=15, absolute_max=15)


class FamilyForm(ServiceForm):
    """Family members: a form per person (none is an answer). Changing the number shows that many forms;
    forms just added are not judged until they were on the page once (``family-shown``)."""

    members = forms.IntegerField(
        label=_("How many family members do you list?"),
        min_value=0,
        max_value=15,
        help_text=_("0 if you list none. Change the number and press Continue to get more or fewer forms."),
    )
    required_messages = {"members": _("Enter the number of family members (0 if none).")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data if self.is_bound else None
        self.wanted = _count((data or {}).get("members"))
        self.shown = _count((data or {}).get("family-shown"))
        if data is not None:
            merged = data.copy()  # type: ignore[attr-defined]  # a QueryDict (or a dict)
            # Forms that were on the page are judged (empty ones too); those just added are offered empty.
            management = {
                "family-TOTAL_FORMS": str(self.wanted),
                "family-INITIAL_FORMS": str(min(self.shown, self.wanted)),
            }
            for key, value in management.items():
                merged[key] = value
            self.formset = FamilyFormSet(merged, prefix="family")
        else:
            self.formset = FamilyFormSet(prefix="family")

    def is_valid(self) -> bool:
        own = super().is_valid()
        members = self.formset.is_valid()
        # A number changed on this visit shows the new forms first: not done yet, and nothing wrong.
        return own and members and self.shown >= self.wanted

    @property
    def member_count(self) -> int:
        return int(self.formset.total_form_count())


def _count(value: Any) -> int:
    try:
        return max(0, min(int(value or 0), 15))
    except (TypeError, ValueError):
        return 0
