"""Tests for SNILS, INN, postal codes and regions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from stdnum.ru import inn as stdnum_inn

from validators import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    inn,
    postcode,
    regions,
    snils,
)

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.mark.parametrize("number", ["112-233-445 95", "026-002-389 00", "543-546-368 00", "11223344595"])
def test_snils_valid(number):
    """The FACTS.md vectors are valid, including sums of 100 and remainders of 100."""
    assert snils.validate(number) == number.replace("-", "").replace(" ", "")


@pytest.mark.parametrize(
    ("number", "error", "code"),
    [
        ("112-233-445 96", InvalidChecksum, "snils_checksum"),
        ("145-274-508 00", InvalidChecksum, "snils_checksum"),
        ("112-233-445", InvalidLength, "snils_length"),
        ("", InvalidLength, "snils_length"),
        ("112-233-445 9a", InvalidFormat, "snils_invalid_characters"),
        ("١١٢٢٣٣٤٤٥٩٥", InvalidFormat, "snils_invalid_characters"),
    ],
)
def test_snils_invalid(number, error, code):
    """Each kind of failure has its class and code."""
    with pytest.raises(error) as info:
        snils.validate(number)
    assert info.value.code == code


def test_snils_old_numbers_are_not_checked():
    """Numbers up to 001-001-998 carry no check number."""
    assert snils.is_valid("001-001-998 00")
    assert snils.is_valid("000-000-001 77")
    assert not snils.is_valid("001-001-999 00")


def test_snils_format_and_check_digits():
    """format() gives the display form; calc_check_digits() the check number."""
    assert snils.format("11223344595") == "112-233-445 95"
    assert snils.calc_check_digits("112233445") == "95"
    assert snils.calc_check_digits("026002389") == "00"


def test_inn_vectors():
    """The FACTS.md vectors."""
    assert inn.validate("7707083893") == "7707083893"
    assert inn.validate("500100732259", kind="person") == "500100732259"
    assert inn.validate("77-07-083893", kind="company") == "7707083893"
    assert not inn.is_valid("7707083894")
    assert not inn.is_valid("123456789037")


@pytest.mark.parametrize(
    ("number", "kind", "error", "code"),
    [
        ("7707083893", "person", InvalidComponent, "inn_company_for_person"),
        ("500100732259", "company", InvalidComponent, "inn_person_for_company"),
        ("7707083894", None, InvalidChecksum, "inn_checksum"),
        ("500100732250", None, InvalidChecksum, "inn_checksum"),
        ("500100732209", None, InvalidChecksum, "inn_checksum"),
        ("77070838", None, InvalidLength, "inn_length"),
        ("77070838a3", None, InvalidFormat, "inn_invalid_characters"),
    ],
)
def test_inn_invalid(number, kind, error, code):
    """Each kind of failure has its class and code."""
    with pytest.raises(error) as info:
        inn.validate(number, kind)
    assert info.value.code == code


def test_inn_kind_must_be_known():
    """A wrong kind is a programming error, not a validation verdict."""
    with pytest.raises(TypeError):
        inn.validate("7707083893", "firm")  # type: ignore[arg-type]
    assert inn.is_valid("7707083893", "company")


def test_inn_calc_functions_come_from_stdnum():
    """The check-digit functions are python-stdnum's."""
    assert inn.calc_company_check_digit("770708389") == "3"
    assert inn.calc_personal_check_digits("5001007322") == "59"


def _random_inns(count: int, seed: int = 20240601) -> list[str]:
    """Random 10- and 12-digit numbers, half of them with correct check digits."""
    rng = random.Random(seed)
    numbers = []
    for index in range(count):
        length = 10 if index % 2 else 12
        digits = "".join(rng.choice("0123456789") for _ in range(length))
        if index % 4 < 2:
            if length == 10:
                digits = digits[:9] + stdnum_inn.calc_company_check_digit(digits)
            else:
                digits = digits[:10] + stdnum_inn.calc_personal_check_digits(digits)
        numbers.append(digits)
    return numbers


def test_inn_agrees_with_stdnum_on_random_numbers():
    """Verdicts are identical to python-stdnum's on 12 000 random numbers."""
    numbers = _random_inns(12_000)
    ours = [inn.is_valid(number) for number in numbers]
    theirs = [stdnum_inn.is_valid(number) for number in numbers]
    assert ours == theirs
    assert 0.4 < sum(ours) / len(ours) < 0.6


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is missing")
def test_inn_agrees_with_stdnum_on_corpus():
    """The INNs that python-stdnum lists as valid are valid here too."""
    numbers = (CORPUS / "stdnum" / "ru_inn_valid.txt").read_text().split()
    assert numbers
    for number in numbers:
        assert inn.is_valid(number) == stdnum_inn.is_valid(number) is True


def test_postcode():
    """Six digits, spaces removed."""
    assert postcode.validate(" 101 000 ") == "101000"
    for value in ("10100", "1010000", "1O1000", ""):
        with pytest.raises(InvalidFormat) as info:
            postcode.validate(value)
        assert info.value.code == "postcode_format"
    assert postcode.is_valid("190000") and not postcode.is_valid("x")


def test_regions_table():
    """89 subjects with the tax-service codes of FACTS.md; Zabaykalsky is 75, not 80."""
    codes = [region.code for region in regions.REGIONS]
    expected = [f"{n:02d}" for n in (*range(1, 80), 83, 86, 87, 89, *range(90, 96))]
    assert codes == expected and len(codes) == 89
    assert regions.name("75") == "Забайкальский край"
    assert all(region.name_en and region.name_ru for region in regions.REGIONS)


def test_regions_validate():
    """Codes are validated, padded and named."""
    assert regions.validate(" 7 ") == "07"
    assert regions.name("77", "en") == "Moscow"
    with pytest.raises(InvalidComponent) as info:
        regions.validate("80")
    assert info.value.params == {"code": "80"}
    for value in ("", "777", "ab"):
        with pytest.raises(InvalidFormat):
            regions.validate(value)
    assert regions.is_valid("95") and not regions.is_valid("00")


def test_regions_choices():
    """Choices in both languages, in code order."""
    assert regions.choices()[0] == ("01", "01 Республика Адыгея")
    assert regions.choices("en")[76] == ("77", "77 Moscow")


@pytest.mark.parametrize(
    ("language", "moscow"),
    [
        ("uz", "Москва"),
        ("tg", "Москва"),
        ("ky", "Москва"),
        ("kk-KZ", "Москва"),
        ("uz_Latn", "Москва"),
        ("RU", "Москва"),
        ("zh-hans", "Moscow"),
        ("en-gb", "Moscow"),
        ("de", "Moscow"),
    ],
)
def test_regions_are_named_in_russian_for_readers_of_russian_papers(language, moscow):
    """Uzbek, Tajik, Kyrgyz and Kazakh readers get the Russian names of their papers; others English."""
    assert regions.name("77", language) == moscow
    assert regions.choices(language)[76] == ("77", f"77 {moscow}")
