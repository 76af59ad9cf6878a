"""What the library's messages may say: no right check digits, no codes glued into sentences, local phones."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from validators import (
    ERROR_CODES,
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    ValidationError,
    inn,
    mrz,
    passport,
    phone,
    snils,
)
from validators import django as adapter

SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def test_snils_checksum_error_keeps_the_right_digits_to_itself():
    """A wrong SNILS check number is called a typing mistake; neither message nor params hold the right one."""
    with pytest.raises(InvalidChecksum) as info:
        snils.validate("112-233-445 96")
    assert info.value.code == "snils_checksum"
    assert info.value.params == {}
    assert "95" not in str(info.value) and "mistyped" in str(info.value)
    django_error = adapter.to_django_error(info.value)
    with translation.override("ru"):
        assert "95" not in django_error.messages[0] and "опечатка" in django_error.messages[0]


def test_inn_checksum_error_keeps_the_right_digits_to_itself():
    """A wrong INN check digit: the message names no digit of the number's right form."""
    with pytest.raises(InvalidChecksum) as info:
        inn.validate("500100732258")
    assert info.value.params == {}
    assert not re.search(r"\d", str(info.value))


def test_mrz_check_digit_errors_name_no_digit():
    """Every check digit of a zone can be wrong; no message or params reveal the right one."""
    lines = SPECIMEN.split("\n")
    for position in (9, 19, 27, 42, 43):
        line = (
            lines[1][:position] + str((int(lines[1][position].replace("<", "0")) + 1) % 10) + lines[1][position + 1 :]
        )
        with pytest.raises(InvalidChecksum) as info:
            mrz.validate(lines[0] + "\n" + line)
        assert info.value.params == {}
        assert not re.search(r"\d", str(info.value)), info.value.code


def test_no_message_says_expected_or_glues_an_article_to_a_placeholder():
    """No checksum message says what was expected, and no "a %(…)s" leaves an article to chance."""
    for code, message in ERROR_CODES.items():
        if "checksum" in code or "check_digit" in code:
            assert "%(" not in message and "expected" not in message, code
        # scan_extension_mismatch's kind is an accepted one (a PDF, a JPEG, a PNG): its article always fits.
        if code != "scan_extension_mismatch":
            assert not re.search(r"\ban? %\(", message), code


def test_passport_pattern_names_the_country_the_caller_gives():
    """The library knows codes; the caller's name for the country goes in the message, the code without one."""
    with pytest.raises(InvalidFormat) as info:
        passport.validate("AB12345", "UZ", country_name="Uzbekistan")
    assert info.value.params["country_name"] == "Uzbekistan" and info.value.params["country"] == "UZ"
    assert "(Uzbekistan: for example FA1234567)" in str(info.value)
    with pytest.raises(InvalidFormat) as plain:
        passport.validate("AB12345", "UZ")
    assert plain.value.params["country_name"] == "UZ"
    with translation.override("ru"):
        with pytest.raises(Exception) as django_info:
            adapter.validate_passport_number("AB12345", "UZ", "Узбекистан")
        # Read inside the override: the message is lazy, rendered in the language active when read.
        assert django_info.value.messages == [  # type: ignore[attr-defined]
            "Номер не похож на номер паспорта выбранной страны (Узбекистан: например, FA1234567). Проверьте номер."
        ]


@pytest.mark.parametrize(
    ("typed", "region", "expected"),
    [
        ("90 123 45 67", "UZ", "+998901234567"),
        ("901234567", "uz", "+998901234567"),
        ("998901234567", "UZ", "+998901234567"),
        ("916 123-45-67", "UZ", "+79161234567"),
        ("8 916 123 45 67", "UZ", "+79161234567"),
        ("9161234567", None, "+79161234567"),
        ("(916) 123-45-67", "XX", "+79161234567"),
        ("8 701 123 4567", "KZ", "+77011234567"),
        ("93 123 4567", "TJ", "+992931234567"),
        ("+998 90 123 45 67", "RU", "+998901234567"),
        ("0151 12345678", "DE", "+4915112345678"),
    ],
)
def test_phone_typed_without_country_code(typed, region, expected):
    """A local number is read as one of the person's country, then as a Russian one."""
    assert phone.validate(typed, region) == expected
    assert phone.is_valid(typed, region)


def test_phone_asks_for_the_country_code_of_the_persons_country():
    """A local number that fits no reading gets the code to add, with the country's name."""
    with pytest.raises(InvalidFormat) as info:
        phone.validate("90 123 45", "UZ", country_name="Uzbekistan")
    assert info.value.code == "phone_needs_country_code"
    assert info.value.params == {"calling_code": 998, "country_name": "Uzbekistan"}
    assert str(info.value) == "Add the country code at the start of the number: +998 (Uzbekistan)."
    with pytest.raises(InvalidFormat) as coded:
        phone.validate("90 123 45", "UZ")
    assert coded.value.params["country_name"] == "UZ"
    with translation.override("ru"):
        message = adapter.to_django_error(info.value).messages[0]
    assert message == "Добавьте в начало номера код страны: +998 (Uzbekistan)."


def test_phone_local_fixed_line_is_not_mobile_and_typed_plus_is_not_second_guessed():
    """A fixed number in local form is refused as not mobile; a number typed with + gets its own error."""
    with pytest.raises(InvalidComponent) as fixed:
        phone.validate("495 123-45-67", "UZ")
    assert fixed.value.code == "phone_not_mobile"
    with pytest.raises(InvalidComponent) as fixed_here:
        phone.validate("71 123 45 67", "UZ")
    assert fixed_here.value.code == "phone_not_mobile"
    with pytest.raises(InvalidFormat) as typed_plus:
        phone.validate("+7 016 123 45 67", "UZ")
    assert typed_plus.value.code == "phone_invalid"
    with pytest.raises(Exception) as no_region:
        phone.validate("90 123 45")
    assert no_region.value.code != "phone_needs_country_code"  # type: ignore[attr-defined]


def test_phone_field_takes_the_region():
    """The Django field reads local numbers of the region it is given."""
    field = adapter.PhoneField(region="UZ", country_name="Uzbekistan")
    assert field.clean("90 123 45 67") == "+998901234567"
    field.set_region("TJ", "Tajikistan")
    assert field.clean("93 123 4567") == "+992931234567"
    with pytest.raises(Exception) as info:
        field.clean("93 123")
    assert info.value.code == "phone_needs_country_code"  # type: ignore[attr-defined]
    assert adapter.PhoneValidator("UZ", "Uzbekistan") == adapter.PhoneValidator("UZ", "Uzbekistan")


def test_phone_one_digit_with_a_region():
    """A single digit is no national number either: the region's code is asked for."""
    with pytest.raises(InvalidFormat) as info:
        phone.validate("1", "UZ")
    assert info.value.code == "phone_needs_country_code"


def test_phone_compact_still_reads_the_russian_trunk_prefix():
    """compact() (log-in look-ups, format()) turns 8 and ten digits into +7, as before."""
    assert phone.compact("8 (916) 123-45-67") == "+79161234567"
    assert phone.format("8 916 123 45 67") == "+7 916 123-45-67"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("916 CALL NOW", "phone_invalid_characters"),
        ("", "phone_too_short"),
        ("1234567890123456789", "phone_too_long"),
        ("0012", "phone_too_short"),
    ],
)
def test_phone_errors_that_no_country_code_would_mend_stay_as_they_are(typed, code):
    """Letters, nothing, too many digits or a 00 prefix: the region's code is not the answer."""
    with pytest.raises(ValidationError) as info:
        phone.validate(typed, "UZ")
    assert info.value.code == code
