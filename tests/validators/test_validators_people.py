"""Tests for dates, phones and names."""

from __future__ import annotations

from datetime import date

import pytest

from validators import InvalidComponent, InvalidDate, InvalidFormat, InvalidLength, dates, names, phone

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize("text", ["25.03.1990", " 25.03.1990\n", "29.02.2024", "01.01.0001"])
def test_dates_parse(text):
    """Existing DD.MM.YYYY dates parse, surrounding whitespace aside."""
    assert dates.format(dates.parse(text)) == text.strip()
    assert dates.is_valid(text) and dates.validate(text) == dates.parse(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("25.3.1990", "date_format"),
        ("1990-03-25", "date_format"),
        ("25/03/1990", "date_format"),
        ("25.03.90", "date_format"),
        ("２５.03.1990", "date_format"),
        ("", "date_format"),
        ("31.02.2001", "date_not_exist"),
        ("29.02.2023", "date_not_exist"),
        ("00.01.2000", "date_not_exist"),
        ("01.13.2000", "date_not_exist"),
        ("01.01.0000", "date_not_exist"),
    ],
)
def test_dates_refused(text, code):
    """Other formats and dates that do not exist are refused."""
    with pytest.raises(InvalidDate) as info:
        dates.parse(text)
    assert info.value.code == code
    assert not dates.is_valid(text)


def test_birth_date_range():
    """A birth date lies in the past and gives an age from 14 to 120."""
    assert dates.validate_birth_date("15.06.2011", today=TODAY) == date(2011, 6, 15)
    assert dates.validate_birth_date(date(1905, 6, 15), today=TODAY)
    for value, code in [
        ("16.06.2025", "birth_date_future"),
        ("16.06.2011", "age_too_young"),
        ("15.06.2025", "age_too_young"),
        ("14.06.1904", "age_too_old"),
    ]:
        with pytest.raises(InvalidDate) as info:
            dates.validate_birth_date(value, today=TODAY)
        assert info.value.code == code
    assert dates.validate_birth_date("01.01.1990")


def test_age_on_leap_days():
    """Someone born on 29 February ages on 1 March in other years."""
    assert dates.age(date(2000, 2, 29), date(2018, 2, 28)) == 17
    assert dates.age(date(2000, 2, 29), date(2018, 3, 1)) == 18
    assert dates.age(date(1990, 1, 1)) >= 35


def test_add_months():
    """Months are added on the calendar, ends of months kept in range."""
    assert dates.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert dates.add_months(date(2023, 12, 15), 2) == date(2024, 2, 15)
    assert dates.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_valid_until():
    """A document must stay valid 6 months after today."""
    assert dates.validate_valid_until("15.12.2025", today=TODAY) == date(2025, 12, 15)
    with pytest.raises(InvalidDate) as info:
        dates.validate_valid_until("14.12.2025", today=TODAY)
    assert info.value.code == "document_expires_soon"
    assert info.value.params == {"months": 6, "min_date": "15.12.2025", "expiry": "14.12.2025"}
    with pytest.raises(InvalidDate) as info:
        dates.validate_valid_until(date(2025, 6, 14), today=TODAY)
    assert info.value.code == "document_expired"
    assert dates.validate_valid_until("15.07.2025", today=TODAY, months=1)
    assert dates.validate_valid_until("01.01.2999")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+7 (916) 123-45-67", "+79161234567"),
        ("8 916 123 45 67", "+79161234567"),
        ("79161234567", "+79161234567"),
        ("00998 90 123 45 67", "+998901234567"),
        ("+998901234567", "+998901234567"),
        ("+1 (202) 555-0123", "+12025550123"),
        ("+49 151 12345678", "+4915112345678"),
        ("+992 93 123 4567", "+992931234567"),
    ],
)
def test_phone_valid(text, expected):
    """Mobile numbers in the usual notations become E.164."""
    assert phone.validate(text) == expected
    assert phone.is_valid(text)


@pytest.mark.parametrize(
    ("text", "error", "code"),
    [
        ("", InvalidLength, "phone_too_short"),
        ("+", InvalidLength, "phone_too_short"),
        ("+7916", InvalidLength, "phone_too_short"),
        ("+79", InvalidLength, "phone_too_short"),
        ("+7 916 123", InvalidLength, "phone_too_short"),
        ("+7 916 123 45 67 89 01 23 45", InvalidLength, "phone_too_long"),
        ("+998 90 123 45 67 890", InvalidLength, "phone_too_long"),
        ("+99 912 345 678", InvalidComponent, "phone_unknown_country"),
        ("+0 916 123 45 67", InvalidComponent, "phone_unknown_country"),
        ("+7 495 123-45-67", InvalidComponent, "phone_not_mobile"),
        ("+7 800 555-35-35", InvalidComponent, "phone_not_mobile"),
        ("+7 916 123 45 67 8", InvalidFormat, "phone_invalid"),
        ("+7 016 123 45 67", InvalidFormat, "phone_invalid"),
        ("+7 916 CALL-NOW", InvalidFormat, "phone_invalid_characters"),
        ("++79161234567", InvalidFormat, "phone_invalid_characters"),
    ],
)
def test_phone_invalid(text, error, code):
    """The error says why: too short, too long, unknown country code, not mobile."""
    with pytest.raises(error) as info:
        phone.validate(text)
    assert info.value.code == code
    assert not phone.is_valid(text)


def test_phone_parse_failures(monkeypatch):
    """phonenumbers' own parse errors map to our codes."""
    from phonenumbers import NumberParseException

    for error_type, code in [
        (NumberParseException.INVALID_COUNTRY_CODE, "phone_unknown_country"),
        (NumberParseException.TOO_LONG, "phone_too_long"),
        (NumberParseException.TOO_SHORT_NSN, "phone_too_short"),
    ]:

        def fail(number, region, error_type=error_type):
            raise NumberParseException(error_type, "test")

        monkeypatch.setattr(phone.phonenumbers, "parse", fail)
        with pytest.raises(phone.ValidationError) as info:
            phone.validate("+79161234567")
        assert info.value.code == code


def test_phone_format():
    """format() gives the international display form."""
    assert phone.format("+79161234567") == "+7 916 123-45-67"


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Shchukin", "Щукин"),
        ("TSVETKOVA", "ЦВЕТКОВА"),
        ("Zhukov", "Жуков"),
        ("KHABIBULLIN", "ХАБИБУЛЛИН"),
        ("Chekhov", "Чехов"),
        ("Iuliia", "Юлия"),
        ("Nikolai", "Николай"),
        ("Dmitrii", "Дмитрий"),
        ("Dmitry", "Дмитрий"),
        ("Aybek", "Айбек"),
        ("Yelena", "Елена"),
        ("Jamshid", "Джамшид"),
        ("JAMSHID", "ДЖАМШИД"),
        ("Şahin", "Шахин"),
        ("Nguyễn", "Нгуен"),
        ("Maxim", "Максим"),
        ("Anna-Maria O'Neil", "Анна-Маря О'Неил"),
        ("Y", "Ы"),
        ("Kim 2", "Ким 2"),
    ],
)
def test_to_cyrillic(latin, cyrillic):
    """Longest match with case kept, ICAO digraphs first, and the documented context rules."""
    assert names.to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Подъячев", "Podieiachev"),
        ("ЩУКИН", "SHCHUKIN"),
        ("Щукин", "Shchukin"),
        ("Шёлк-Юрьев", "Shelk-Iurev"),
        ("Ш", "SH"),
        ("Ш Ю", "SH IU"),
        ("Єва Ґонта", "Ieva Gonta"),
        ("Smith", "Smith"),
    ],
)
def test_to_latin(cyrillic, latin):
    """ICAO 9303 transliteration, case kept sensibly for digraphs."""
    assert names.to_latin(cyrillic) == latin


def test_validate_latin():
    """Passport letters, spaces, hyphens and apostrophes; whitespace and apostrophes unified."""
    assert names.validate_latin("  Jean–Luc ") == "Jean-Luc"
    assert names.validate_latin("O’Neil  Anna-Maria") == "O'Neil Anna-Maria"
    assert names.validate_latin("Müller Ñúñez") == "Müller Ñúñez"
    assert names.is_valid("Anna") and not names.is_valid("Анна")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "name_empty"),
        ("   ", "name_empty"),
        ("A" * 101, "name_too_long"),
        ("Anna1", "name_invalid_characters"),
        ("Анна", "name_invalid_characters"),
        ("Anna_Maria", "name_invalid_characters"),
        ("-Anna", "name_format"),
        ("Anna-", "name_format"),
        ("Anna--Maria", "name_format"),
        ("Anna -Maria", "name_format"),
        ("'Anna", "name_format"),
    ],
)
def test_validate_latin_refused(name, code):
    """Each failure has its code; the bad characters are named."""
    with pytest.raises(names.ValidationError) as info:
        names.validate_latin(name)
    assert info.value.code == code


def test_validate_cyrillic():
    """The correction is checked in Cyrillic letters."""
    assert names.validate_cyrillic(" Анна-Мария ") == "Анна-Мария"
    with pytest.raises(InvalidFormat) as info:
        names.validate_cyrillic("Anna")
    assert info.value.code == "name_cyrillic_invalid_characters"
    assert info.value.params == {"characters": "A, n, a"}


@pytest.mark.parametrize(
    ("latin", "cyrillic", "strict", "expected"),
    [
        ("PODIEIACHEV", "Подъячев", True, True),
        ("Sergei", "Сергей", True, True),
        ("Sergey", "Сергей", True, False),
        ("Sergey", "Сергей", False, True),
        ("Jamshid", "Джамшид", False, True),
        ("Xenia", "Ксения", False, True),
        ("Maria", "Мария", False, True),
        ("Anna-Maria", "Анна Мария", False, False),
        ("Anna Maria", "Анна", False, False),
        ("O'Neil", "О'Нейл", False, True),
        ("Jamshid", "Джамшит", False, False),
        ("Smith", "Smith", False, True),
    ],
)
def test_matches(latin, cyrillic, strict, expected):
    """A correction matches when it spells the Latin name, separators in the same places."""
    assert names.matches(latin, cyrillic, strict=strict) is expected
