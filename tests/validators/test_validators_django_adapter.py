"""Tests for validators.django: validator classes, form fields and translated messages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from validators import ERROR_CODES, InvalidLength, ScanError, dates, mrz
from validators import django as adapter

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def error_code(field: forms.Field, value) -> str:
    """The code of the error that cleaning ``value`` raises."""
    with pytest.raises(DjangoValidationError) as info:
        field.clean(value)
    return info.value.error_list[0].code


def test_every_code_has_a_message():
    """Every library code has a message, and the messages only use params the library gives."""
    assert set(adapter.MESSAGES) == set(ERROR_CODES)
    for code, message in adapter.MESSAGES.items():
        assert set(PLACEHOLDER.findall(str(message))) <= set(PLACEHOLDER.findall(ERROR_CODES[code])), code


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_message_is_translated(language):
    """Both catalogues are complete: Russian messages are in Cyrillic, English ones as written."""
    with translation.override(language):
        for code, message in adapter.MESSAGES.items():
            text = str(message)
            if language == "ru":
                assert re.search("[а-яА-Я]", text), code
                assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(ERROR_CODES[code])), code
            else:
                with translation.override(None):
                    assert text == str(message), code


def test_to_django_error_keeps_code_and_params():
    """A library error becomes Django's with the same code and params, message by code."""
    error = adapter.to_django_error(InvalidLength(code="snils_length", params={"length": 9}))
    assert (error.code, error.params) == ("snils_length", {"length": 9})
    with translation.override("ru"):
        assert error.messages == ["В СНИЛС 11 цифр, а введено 9."]
    unknown = adapter.to_django_error(ScanError("Custom %(x)s.", code="custom"))
    assert unknown.messages == ["Custom …."]
    percent = adapter.to_django_error(ScanError("%(share)s%% done.", code="custom", params={"share": 50}))
    assert percent.messages == ["50% done."]


def test_snils_and_inn_fields():
    """Fields clean to the compact value and raise errors with the library's codes."""
    assert adapter.SnilsField().clean("112-233-445 95") == "11223344595"
    assert error_code(adapter.SnilsField(), "112-233-445 96") == "snils_checksum"
    assert adapter.SnilsField(required=False).clean("") == ""
    person = adapter.InnField(kind="person")
    assert person.clean("500100732259") == "500100732259"
    assert error_code(person, "7707083893") == "inn_company_for_person"
    assert adapter.InnField(kind="company").help_text == "10 цифр." or translation.get_language() != "ru"
    with pytest.raises(TypeError):
        adapter.InnValidator(kind="firm")


def test_passport_field_country_set_later():
    """Without a country only characters are checked; the form can set the country later."""
    field = adapter.PassportNumberField()
    assert field.clean("4510 123456") == "4510123456"
    assert error_code(field, "45*10") == "passport_invalid_characters"
    assert field.validator.get_help_text() == ""
    field.country = "BY"
    assert field.country == "BY"
    assert error_code(field, "4510123456") == "passport_pattern"
    with translation.override("en"):
        assert field.validator.get_help_text() == "For example MP1234567."
    assert adapter.validate_passport_number("mp1234567", "BY") == "MP1234567"
    with pytest.raises(DjangoValidationError) as info:
        adapter.validate_passport_number("123", "BY")
    assert info.value.params["example"] == "MP1234567"


def test_document_helper():
    """validate_document() raises Django's error for a form's clean()."""
    assert adapter.validate_document("residence_permit", "82", "1234567") == ("82", "1234567")
    with pytest.raises(DjangoValidationError) as info:
        adapter.validate_document("residence_permit", "8", "1234567")
    assert info.value.code == "document_series_format"


def test_date_field():
    """Only DD.MM.YYYY; a date object passes through; the widget shows the pattern."""
    field = adapter.DateField()
    assert field.clean("25.03.1990") == date(1990, 3, 25)
    assert field.clean(date(1990, 3, 25)) == date(1990, 3, 25)
    assert error_code(field, "1990-03-25") == "date_format"
    assert error_code(field, "31.02.1990") == "date_not_exist"
    assert adapter.DateField(required=False).clean("") is None
    with translation.override("ru"):
        html = field.widget.render("birth", date(1990, 3, 5))
    assert 'placeholder="ДД.ММ.ГГГГ"' in html and 'value="05.03.1990"' in html
    assert 'value="05.03.1990"' in field.widget.render("birth", "05.03.1990")
    assert adapter.DateInput(attrs={"size": 12}).attrs["size"] == 12


def test_birth_date_field():
    """Age limits use Django's local date."""
    today = timezone.localdate()
    field = adapter.BirthDateField()
    assert field.clean(today.replace(year=today.year - 30)) == today.replace(year=today.year - 30)
    assert error_code(field, dates.format(today - timedelta(days=1))) == "age_too_young"
    assert error_code(adapter.BirthDateField(min_age=0), dates.format(today + timedelta(days=1))) == "birth_date_future"
    assert error_code(field, "01.01.1800") == "age_too_old"


def test_valid_until_field():
    """An expiry date at least six months ahead."""
    today = timezone.localdate()
    field = adapter.ValidUntilField()
    assert field.clean(today + timedelta(days=400))
    assert error_code(field, today + timedelta(days=30)) == "document_expires_soon"
    assert error_code(adapter.ValidUntilField(months=1), today - timedelta(days=1)) == "document_expired"
    with translation.override("en"):
        assert field.validator.get_help_text() == "The document must be valid for at least 6 more months."


def test_phone_name_postcode_region_fields():
    """The other text fields clean to the library's values."""
    phone = adapter.PhoneField()
    assert phone.clean("+7 916 123-45-67") == "+79161234567"
    assert error_code(phone, "+7 495 123-45-67") == "phone_not_mobile"
    assert 'type="tel"' in phone.widget.render("phone", "") and 'autocomplete="tel"' in phone.widget.render("p", "")
    assert adapter.LatinNameField().clean(" Anna  Maria ") == "Anna Maria"
    assert error_code(adapter.LatinNameField(), "Анна") == "name_invalid_characters"
    assert adapter.CyrillicNameField().clean("Анна") == "Анна"
    assert adapter.PostcodeField().clean("101 000") == "101000"
    assert 'autocomplete="off"' in adapter.PostcodeField().widget.render("p", "")
    region = adapter.RegionField()
    assert region.clean("77") == "77"
    assert error_code(region, "80") == "region_unknown"
    assert adapter.RegionField(required=False).clean("") == ""
    with translation.override("en"):
        assert ("77", "77 Moscow") in list(region.choices)
    with translation.override("ru"):
        assert next(iter(region.choices)) == ("", "Выберите регион")
        assert ("77", "77 Москва") in list(region.choices)


def test_region_validator_on_its_own():
    """RegionValidator refuses codes outside the list with the library's code."""
    with pytest.raises(DjangoValidationError) as info:
        adapter.RegionValidator()("80")
    assert info.value.code == "region_unknown"


def test_mrz_field():
    """The zone cleans to an MRZ object; the widget is a textarea."""
    field = adapter.MRZField()
    zone = field.clean(SPECIMEN)
    assert isinstance(zone, mrz.MRZ) and zone.document_number == "L898902C3"
    assert error_code(field, SPECIMEN[:-1] + "9") == "mrz_check_digit_composite"
    assert "<textarea" in field.widget.render("mrz", "")


def test_scan_field(good_png):
    """The upload is checked and its ScanInfo kept on the file."""
    field = adapter.ScanField()
    upload = field.clean(SimpleUploadedFile("scan.png", good_png, content_type="image/png"))
    assert upload.scan_info.kind == "png" and upload.tell() == 0
    assert error_code(field, SimpleUploadedFile("scan.jpg", good_png)) == "scan_extension_mismatch"
    assert error_code(field, SimpleUploadedFile("scan.png", b"")) == "scan_empty"
    assert adapter.ScanField(required=False).clean(None) is None
    assert error_code(adapter.ScanField(max_bytes=1000), SimpleUploadedFile("scan.png", good_png)) == "scan_too_large"
    with translation.override("en"):
        assert field.help_text == "PDF, JPEG or PNG, at most 5 MB, scanned at 300 dpi or more."
    assert 'accept=".pdf' in field.widget.render("scan", None)


def test_validators_are_deconstructible_and_comparable():
    """Validator classes deconstruct for migrations and compare by options."""
    path, _args, kwargs = adapter.InnValidator(kind="person").deconstruct()
    assert path == "validators.django.InnValidator" and kwargs == {"kind": "person"}
    assert adapter.InnValidator("person") == adapter.InnValidator("person")
    assert adapter.InnValidator("person") != adapter.InnValidator("company")
    assert adapter.InnValidator() != adapter.SnilsValidator()
    assert hash(adapter.ScanValidator()) == hash(adapter.ScanValidator())
    assert len({adapter.SnilsValidator(), adapter.SnilsValidator()}) == 1


@pytest.mark.parametrize(
    ("validator", "value"),
    [
        (adapter.SnilsValidator(), "11223344595"),
        (adapter.InnValidator(), "7707083893"),
        (adapter.DateValidator(), "01.01.2000"),
        (adapter.PhoneValidator(), "+79161234567"),
        (adapter.LatinNameValidator(), "Anna"),
        (adapter.CyrillicNameValidator(), "Анна"),
        (adapter.MRZValidator(), SPECIMEN),
        (adapter.RegionValidator(), "77"),
        (adapter.PostcodeValidator(), "101000"),
    ],
)
def test_validators_have_codes_and_help(validator, value):
    """Each validator has a registered code and a help text, and accepts a good value."""
    assert validator.code in ERROR_CODES
    assert isinstance(validator.get_help_text(), str)
    assert validator(value) is not None


def test_scan_validator_help_follows_options():
    """The scan help text states the configured limits."""
    with translation.override("en"):
        assert "at most 2 MB" in adapter.ScanValidator(max_bytes=2 * 1024 * 1024).get_help_text()
    with translation.override("ru"):
        assert "не больше 5 МБ" in adapter.ScanValidator().get_help_text()


def test_library_errors_show_in_a_form():
    """In a form, the error sits on its field with the library's code."""

    class Form(forms.Form):
        snils = adapter.SnilsField()
        passport = adapter.PassportNumberField()
        country = forms.CharField()

        def clean(self):
            data = super().clean()
            if "passport" in data:
                try:
                    adapter.validate_passport_number(data["passport"], data["country"])
                except DjangoValidationError as exc:
                    self.add_error("passport", exc)
            return data

    form = Form({"snils": "112-233-445 96", "passport": "123", "country": "BY"})
    assert not form.is_valid()
    assert form.has_error("snils", "snils_checksum") and form.has_error("passport", "passport_pattern")


@pytest.mark.parametrize(
    "field",
    [
        adapter.SnilsField(),
        adapter.InnField(),
        adapter.PassportNumberField(),
        adapter.DateField(),
        adapter.BirthDateField(),
        adapter.ValidUntilField(),
        adapter.PhoneField(),
        adapter.LatinNameField(),
        adapter.CyrillicNameField(),
        adapter.MRZField(),
        adapter.PostcodeField(),
        adapter.RegionField(),
        adapter.ScanField(),
    ],
    ids=lambda field: type(field).__name__,
)
def test_empty_required_field_says_what_to_enter(field):
    """Each field left empty has its own message, not Django's generic "This field is required."."""
    with translation.override("en"):
        with pytest.raises(DjangoValidationError) as info:
            field.clean(None if isinstance(field, adapter.ScanField) else "")
        generic = str(forms.Field.default_error_messages["required"])
        assert info.value.error_list[0].code == "required"
        assert info.value.messages == [str(field.error_messages["required"])]
        assert info.value.messages[0] != generic


def test_form_may_still_choose_its_own_required_message():
    """``error_messages={"required": ...}`` given to a library field wins over the field's default."""
    field = adapter.PhoneField(error_messages={"required": "Enter your phone."})
    assert error_code(field, "") == "required"
    with pytest.raises(DjangoValidationError) as info:
        field.clean("")
    assert info.value.messages == ["Enter your phone."]
