"""Tests for validators.ogrn (OGRN / OGRNIP) and its Django field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from stdnum.ru import ogrn as stdnum_ogrn

from validators import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ogrn
from validators import django as adapter

VALID = ["1027700132195", "1022200525819", "5077746887312", "304500116000157", "385768585948949"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_agree_with_stdnum(number):
    """Real numbers pass, as python-stdnum says they do."""
    assert stdnum_ogrn.is_valid(number)
    assert ogrn.validate(number) == number
    assert ogrn.is_valid(number)


@pytest.mark.parametrize(
    ("number", "kind", "error", "code"),
    [
        ("10277O0132195", None, InvalidFormat, "ogrn_invalid_characters"),
        ("", None, InvalidFormat, "ogrn_invalid_characters"),
        ("١٠٢٧٧٠٠١٣٢١٩٥", None, InvalidFormat, "ogrn_invalid_characters"),
        ("102770013219", None, InvalidLength, "ogrn_length"),
        ("10277001321950", None, InvalidLength, "ogrn_length"),
        ("304500116000157", "company", InvalidComponent, "ogrn_entrepreneur_for_company"),
        ("1027700132195", "entrepreneur", InvalidComponent, "ogrn_company_for_entrepreneur"),
        ("2027700132195", None, InvalidComponent, "ogrn_record_kind"),
        ("504500116000157", None, InvalidComponent, "ogrn_record_kind"),
        ("1027700132196", "company", InvalidChecksum, "ogrn_checksum"),
        ("304500116000158", "entrepreneur", InvalidChecksum, "ogrn_checksum"),
    ],
)
def test_each_failure_has_its_code(number, kind, error, code):
    """Characters, length, kind, record kind and check digit are refused in that order, each with its code."""
    with pytest.raises(error) as info:
        ogrn.validate(number, kind)
    assert info.value.code == code
    assert not ogrn.is_valid(number, kind)


def test_separators_are_removed_and_format_groups():
    """Spaces, dashes and no-break spaces are accepted; format() groups the digits."""
    assert ogrn.validate("1-02-77-00-13219-5") == "1027700132195"
    assert ogrn.validate("1\u00a0027700132195", kind="company") == "1027700132195"
    assert ogrn.format("304 500 116 000 157") == "3 04 50 01 1600015 7"
    assert ogrn.calc_check_digit("102770013219") == "5"
    assert ogrn.calc_check_digit("30450011600015") == "7"


def test_unknown_kind_is_a_programming_error():
    """A kind other than company/entrepreneur is a TypeError, in the library and the adapter."""
    with pytest.raises(TypeError):
        ogrn.validate("1027700132195", kind="firm")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        adapter.OgrnValidator(kind="firm")


def test_django_field_translates_and_keeps_the_code():
    """The field cleans to digits, and its errors carry the library's code and a Russian message."""
    field = adapter.OgrnField(kind="company")
    assert field.clean("1027700132195") == "1027700132195"
    with translation.override("ru"):
        with pytest.raises(DjangoValidationError) as info:
            field.clean("1027700132196")
        # The message is lazy: read in Russian, whatever language an earlier test left active.
        assert "Проверьте ОГРН" in str(info.value.messages[0])
    assert info.value.error_list[0].code == "ogrn_checksum"
    with translation.override("ru"):
        assert str(adapter.OgrnField(kind="entrepreneur").help_text) == "15 цифр."
        assert str(field.help_text) == "13 цифр."
        assert "15" in str(adapter.OgrnField().help_text)
    path, _args, kwargs = adapter.OgrnValidator(kind="company").deconstruct()
    assert path == "validators.django.OgrnValidator" and kwargs == {"kind": "company"}
