"""Tests for passports, documents of stay and the MRZ."""

from __future__ import annotations

import re
from datetime import date

import pytest

from validators import (
    InvalidChecksum,
    InvalidComponent,
    InvalidDate,
    InvalidFormat,
    InvalidLength,
    documents,
    mrz,
    passport,
)

SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
TODAY = date(2025, 6, 1)


def test_passport_table_has_the_facts_countries():
    """At least the 20 countries of FACTS.md, each row with an example that fits it, and a source."""
    countries = {row.country for row in passport.PATTERNS}
    assert {
        "RU",
        "BY",
        "UA",
        "AM",
        "AZ",
        "UZ",
        "VN",
        "CN",
        "IN",
        "TR",
        "DE",
        "US",
        "GB",
        "FR",
        "IT",
    } <= countries
    assert {"KZ", "KG", "TJ", "TM", "MD", "GE"} <= countries
    for row in (*passport.PATTERNS, passport.GENERIC):
        assert row.matches(row.example), row
        assert row.source.startswith("https://")
        assert row.confidence in ("high", "medium", "low")
        re.compile(row.regex)


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [
        ("45 10 123456", "RU", "4510123456"),
        ("75 1234567", "ru", "751234567"),
        ("MP1234567", "BY", "MP1234567"),
        ("fa-123456", "UA", "FA123456"),
        ("C01234567", "AZ", "C01234567"),
        ("EA1234567", "CN", "EA1234567"),
        ("№ 123456789", "US", "123456789"),
        ("N12345678", "KZ", "N12345678"),
        ("L898902C3", "ZZ", "L898902C3"),
        ("1", " xx ", "1"),
    ],
)
def test_passport_valid(number, country, expected):
    """Known patterns and the ICAO rule accept well-formed numbers."""
    assert passport.validate(number, country) == expected
    assert passport.is_valid(number, country)


@pytest.mark.parametrize(
    ("number", "country", "error", "code"),
    [
        ("", "RU", InvalidLength, "passport_empty"),
        ("№ -", "RU", InvalidLength, "passport_empty"),
        ("AB12345*", "UZ", InvalidFormat, "passport_invalid_characters"),
        ("АВ1234567", "UZ", InvalidFormat, "passport_invalid_characters"),
        ("AB123456789", "KZ", InvalidLength, "passport_length"),
        ("451012345", "RU", None, None),
        ("12345678901", "RU", InvalidFormat, "passport_pattern"),
        ("AB1234567", "AZ", InvalidFormat, "passport_pattern"),
        ("EI1234567", "CN", InvalidFormat, "passport_pattern"),
        ("AB1234567", "R1", InvalidComponent, "passport_country"),
        ("AB1234567", "RUS", InvalidComponent, "passport_country"),
    ],
)
def test_passport_invalid(number, country, error, code):
    """Each failure has its class and code; RU accepts both of its passports."""
    if error is None:
        assert passport.validate(number, country)
        return
    with pytest.raises(error) as info:
        passport.validate(number, country)
    assert info.value.code == code


def test_passport_error_names_shape_and_example():
    """A pattern mismatch shows an example; its params also say what the number looks like."""
    with pytest.raises(InvalidFormat) as info:
        passport.validate("123", "RU")
    assert info.value.params["example"] == "4510123456 / 751234567"
    assert "4510123456 / 751234567" in str(info.value)
    assert "10 digits" in info.value.params["shape"] and "9 digits" in info.value.params["shape"]


def test_passport_hints():
    """patterns_for() and hint() feed the wizard's hint."""
    assert [row.kind for row in passport.patterns_for("ru")] == ["internal passport", "foreign passport"]
    assert passport.patterns_for("KZ")[0].confidence == "low"
    assert passport.patterns_for("ZZ") == [passport.GENERIC]
    assert passport.hint("ZZ") == "up to 9 Latin letters and digits, for example L898902C3"
    assert not passport.is_valid("x*", "RU")


@pytest.mark.parametrize(
    ("kind", "series", "number", "expected"),
    [
        ("residence_permit", "82", "№1234567", ("82", "1234567")),
        ("residence_permit", "", "82 № 1234567", ("82", "1234567")),
        ("migration_card", "4617", "123456", ("4617", "123456")),
        ("migration_card", "", "46171234567", ("4617", "1234567")),
        ("work_patent", "77", "2100123456", ("77", "2100123456")),
        ("work_patent", "", "772100123456", ("77", "2100123456")),
        ("temporary_residence", "", " 123/2024 ", ("", "123/2024")),
        ("stay_registration", "", "", ("", "")),
        ("stay_registration", " a ", " b  c ", ("a", "b c")),
    ],
)
def test_documents_valid(kind, series, number, expected):
    """Series and numbers are compacted and split when typed together."""
    assert documents.validate(kind, series, number) == expected
    assert documents.is_valid(kind, series, number)


@pytest.mark.parametrize(
    ("kind", "series", "number", "code"),
    [
        ("visa", "1", "2", "document_kind"),
        ("residence_permit", "8", "1234567", "document_series_format"),
        ("residence_permit", "82", "123456", "document_number_format"),
        ("residence_permit", "82", "", "document_number_required"),
        ("migration_card", "46", "1234567", "document_series_format"),
        ("work_patent", "00", "2100123456", "patent_series_region"),
        ("work_patent", "77", "21001234AB", "document_number_format"),
        ("temporary_residence", "", "   ", "document_number_required"),
        ("temporary_residence", "", "x" * 51, "document_text_too_long"),
        ("temporary_residence", "", "<script>", "document_text_invalid_characters"),
    ],
)
def test_documents_invalid(kind, series, number, code):
    """Each failure has its code."""
    with pytest.raises(documents.ValidationError) as info:
        documents.validate(kind, series, number)
    assert info.value.code == code
    assert not documents.is_valid(kind, series, number)


def test_patent_length_is_a_soft_check():
    """An unusual patent number length is accepted and reported as a warning."""
    assert documents.validate("work_patent", "50", "123") == ("50", "123")
    [warning] = documents.warnings("work_patent", "50", "123")
    assert (warning.code, warning.params) == ("patent_number_length", {"expected": 10, "length": 3})
    assert documents.warnings("work_patent", "50", "1234567890") == []
    assert documents.warnings("residence_permit", "82", "1234567") == []


def test_stay_dates():
    """A stay has started and ends after it starts."""
    assert documents.validate_stay_dates("01.05.2025", date(2025, 8, 1), today=TODAY) == (
        date(2025, 5, 1),
        date(2025, 8, 1),
    )
    with pytest.raises(InvalidDate, match="future"):
        documents.validate_stay_dates("02.06.2025", "01.08.2025", today=TODAY)
    with pytest.raises(InvalidDate) as info:
        documents.validate_stay_dates(date(2025, 5, 1), "01.05.2025", today=TODAY)
    assert info.value.code == "stay_dates_order"
    assert documents.validate_stay_dates("01.01.2020", "02.01.2020")


def test_mrz_specimen():
    """ICAO's specimen passes, with every field read."""
    zone = mrz.validate(SPECIMEN, today=TODAY)
    assert zone == mrz.MRZ(
        document_type="P",
        issuing_state="UTO",
        document_number="L898902C3",
        nationality="UTO",
        birth_date=date(1974, 8, 12),
        sex="F",
        expiry_date=date(2012, 4, 15),
        surname="ERIKSSON",
        given_names="ANNA MARIA",
        optional_data="ZE184226B",
        format="TD3",
    )
    assert mrz.is_valid(SPECIMEN)


def test_mrz_forgiving_input():
    """Lower case, CRLF, spaces and a zone pasted as one line are all read."""
    messy = "  " + SPECIMEN.lower().replace("\n", " \r\n\r\n  ") + "  \n"
    assert mrz.validate(messy, today=TODAY).surname == "ERIKSSON"
    assert mrz.validate(SPECIMEN.replace("\n", ""), today=TODAY).document_number == "L898902C3"
    assert mrz.validate(TD1.replace("\n", ""), today=TODAY).format == "TD1"


def _td3(line2: str, line1: str = SPECIMEN.split()[0]) -> str:
    return line1 + "\n" + line2


def _with_check_digits(line2: str) -> str:
    """Recompute every check digit of a TD3 line 2."""
    c = mrz.calc_check_digit
    line2 = line2[:9] + c(line2[:9]) + line2[10:19] + c(line2[13:19]) + line2[20:27] + c(line2[21:27]) + line2[28:]
    optional = line2[28:42]
    line2 = line2[:42] + c(optional) + line2[43]
    return line2[:43] + c(line2[0:10] + line2[13:20] + line2[21:43])


LINE2 = SPECIMEN.split()[1]


@pytest.mark.parametrize(
    ("position", "code"),
    [
        (9, "mrz_check_digit_number"),
        (19, "mrz_check_digit_birth_date"),
        (27, "mrz_check_digit_expiry_date"),
        (42, "mrz_check_digit_optional"),
        (43, "mrz_check_digit_composite"),
    ],
)
def test_mrz_each_check_digit(position, code):
    """Each check digit failure has its own code."""
    digit = str((int(LINE2[position]) + 1) % 10)
    with pytest.raises(InvalidChecksum) as info:
        mrz.validate(_td3(LINE2[:position] + digit + LINE2[position + 1 :]), today=TODAY)
    assert info.value.code == code


def test_mrz_empty_optional_data():
    """Without optional data the check digit may be < or 0."""
    line2 = _with_check_digits(LINE2[:28] + "<" * 14 + "00")
    assert mrz.validate(_td3(line2), today=TODAY).optional_data == ""
    line2 = line2[:42] + "<" + line2[43]
    line2 = line2[:43] + mrz.calc_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    assert mrz.validate(_td3(line2), today=TODAY).optional_data == ""


@pytest.mark.parametrize(
    ("text", "error", "code"),
    [
        ("", InvalidFormat, "mrz_empty"),
        (" \n ", InvalidFormat, "mrz_empty"),
        (SPECIMEN.replace("ANNA", "ANNÄ"), InvalidFormat, "mrz_invalid_characters"),
        (SPECIMEN[:-1], InvalidFormat, "mrz_format"),
        ("X" + SPECIMEN[1:], InvalidFormat, "mrz_document_type"),
        (SPECIMEN.replace("2F", "2Q"), InvalidFormat, "mrz_sex"),
        (SPECIMEN.replace("ERIKSSON<<", "<<<<<<<<<<"), InvalidFormat, "mrz_name"),
        (SPECIMEN.replace("740812", "741312"), InvalidDate, "mrz_birth_date"),
        (SPECIMEN.replace("740812", "7408<<"), InvalidDate, "mrz_birth_date"),
        (SPECIMEN.replace("120415", "121315"), InvalidDate, "mrz_expiry_date"),
        (SPECIMEN.replace("120415", "12AB15"), InvalidDate, "mrz_expiry_date"),
        ("X" + TD1[1:], InvalidFormat, "mrz_document_type"),
    ],
)
def test_mrz_invalid(text, error, code):
    """Structure errors have their own codes."""
    with pytest.raises(error) as info:
        mrz.validate(text, today=TODAY)
    assert info.value.code == code
    assert not mrz.is_valid(text)


def test_mrz_dates_pivot():
    """Birth dates are never in the future; expiry dates at most 50 years ahead."""
    line2 = _with_check_digits(LINE2[:13] + "250601" + LINE2[19:21] + "750101" + LINE2[27:])
    zone = mrz.validate(_td3(line2), today=TODAY)
    assert (zone.birth_date, zone.expiry_date) == (date(2025, 6, 1), date(2075, 1, 1))
    line2 = _with_check_digits(LINE2[:13] + "250602" + LINE2[19:21] + "760101" + LINE2[27:])
    zone = mrz.validate(_td3(line2), today=TODAY)
    assert (zone.birth_date, zone.expiry_date) == (date(1925, 6, 2), date(1976, 1, 1))


def test_mrz_sex_filler_and_leap_day():
    """A filler sex reads as X; 29 February of a year that only 19xx has is read in the 1900s."""
    line2 = _with_check_digits(LINE2[:13] + "000229" + LINE2[19] + "<" + LINE2[21:])
    assert mrz.validate(_td3(line2), today=TODAY).sex == "X"
    line2 = _with_check_digits(LINE2[:13] + "960229" + LINE2[19:])
    assert mrz.validate(_td3(line2), today=TODAY).birth_date == date(1996, 2, 29)
    line2 = _with_check_digits(LINE2[:13] + "970229" + LINE2[19:])
    with pytest.raises(InvalidDate):
        mrz.validate(_td3(line2), today=TODAY)


def test_mrz_td1_specimen():
    """ICAO's TD1 specimen passes."""
    card = mrz.validate(TD1, today=TODAY)
    assert (card.document_type, card.document_number, card.nationality) == ("I", "D23145890", "UTO")
    assert (card.surname, card.given_names, card.format) == ("ERIKSSON", "ANNA MARIA", "TD1")
    assert (card.optional_data, card.optional_data_2) == ("", "")


def _td1(line1: str, line2: str, line3: str = TD1.split()[2]) -> str:
    c = mrz.calc_check_digit
    line2 = line2[:29] + c(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    return "\n".join((line1, line2, line3))


def test_mrz_td1_long_document_number():
    """A document number over 9 characters continues in the optional data."""
    c = mrz.calc_check_digit
    number = "D23145890123"
    line1 = "I<UTO" + number[:9] + "<" + number[9:] + c(number) + "<" * 11
    zone = mrz.validate(_td1(line1, TD1.split()[1]), today=TODAY)
    assert zone.document_number == number
    bad = line1[:18] + str((int(line1[18]) + 1) % 10) + line1[19:]
    with pytest.raises(InvalidChecksum) as info:
        mrz.validate(_td1(bad, TD1.split()[1]), today=TODAY)
    assert info.value.code == "mrz_check_digit_number"


@pytest.mark.parametrize(
    ("position", "code"),
    [
        (6, "mrz_check_digit_birth_date"),
        (14, "mrz_check_digit_expiry_date"),
        (29, "mrz_check_digit_composite"),
    ],
)
def test_mrz_td1_check_digits(position, code):
    """TD1 check digits have the same codes."""
    line1, line2, line3 = TD1.split()
    line2 = line2[:position] + str((int(line2[position]) + 1) % 10) + line2[position + 1 :]
    with pytest.raises(InvalidChecksum) as info:
        mrz.validate("\n".join((line1, line2, line3)), today=TODAY)
    assert info.value.code == code
