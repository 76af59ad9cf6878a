"""Property tests: any input gives a result or a ValidationError, and format() round-trips."""

from __future__ import annotations

import logging
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.ru import inn as stdnum_inn

from validators import (
    ValidationError,
    dates,
    documents,
    inn,
    mrz,
    names,
    passport,
    phone,
    postcode,
    regions,
    scans,
    snils,
)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DIGITS = st.text("0123456789", min_size=0, max_size=14)
NOISY = st.text(st.sampled_from("0123456789 -+.()№<ABCXYZabcxyzАБВЖЩЬЪёé'\n\t"), max_size=40)
ANY_TEXT = st.one_of(st.text(max_size=60), NOISY, DIGITS)


def verdict(function, *args, **kwargs):
    """The function's result, or its ValidationError's code; anything else fails the test."""
    try:
        return function(*args, **kwargs)
    except ValidationError as exc:
        assert exc.code and str(exc)
        return exc.code


@PROPERTY
@given(ANY_TEXT)
def test_snils_any_text(text):
    """SNILS: any text gives 11 digits or an error; format() round-trips."""
    result = verdict(snils.validate, text)
    if snils.is_valid(text):
        assert snils.validate(snils.format(result)) == result


@PROPERTY
@given(st.text("0123456789", min_size=9, max_size=9))
def test_snils_completed_numbers_are_valid(digits):
    """Nine digits plus their check digits always make a valid SNILS."""
    assert snils.is_valid(digits + snils.calc_check_digits(digits))


@PROPERTY
@given(st.one_of(ANY_TEXT, st.text("0123456789 ", max_size=14)))
def test_inn_any_text_agrees_with_stdnum(text):
    """INN: any text gives a result or an error; without dashes the verdict is stdnum's."""
    verdict(inn.validate, text)
    if "-" not in text and "\u00a0" not in text:
        assert inn.is_valid(text) == stdnum_inn.is_valid(text)


@PROPERTY
@given(ANY_TEXT, st.sampled_from(["RU", "UZ", "CN", "DE", "KZ", "ZZ", "", "1"]))
def test_passport_any_text(text, country):
    """Passport: a compact number or an error, for any country code."""
    result = verdict(passport.validate, text, country)
    if passport.is_valid(text, country):
        assert passport.validate(result, country) == result


@PROPERTY
@given(st.sampled_from([*documents.KINDS, "visa"]), ANY_TEXT, ANY_TEXT)
def test_documents_any_text(kind, series, number):
    """Documents: a pair or an error."""
    verdict(documents.validate, kind, series, number)


@PROPERTY
@given(ANY_TEXT)
def test_dates_any_text(text):
    """Dates: a date or an error, for parsing and for the birth and expiry rules."""
    verdict(dates.parse, text)
    verdict(dates.validate_birth_date, text, date(2025, 1, 1))
    verdict(dates.validate_valid_until, text, date(2025, 1, 1))


@PROPERTY
@given(st.dates(min_value=date(1, 1, 1)))
def test_dates_round_trip(value):
    """parse(format(d)) == d."""
    assert dates.parse(dates.format(value)) == value


@PROPERTY
@given(st.one_of(ANY_TEXT, st.from_regex(r"\+?[0-9 ()\-]{0,20}", fullmatch=True)))
def test_phone_any_text(text):
    """Phone: E.164 or an error; the result validates to itself."""
    result = verdict(phone.validate, text)
    if phone.is_valid(text):
        assert phone.validate(result) == result
        assert phone.validate(phone.format(result)) == result


@PROPERTY
@given(ANY_TEXT)
def test_names_any_text(text):
    """Names: validation gives a name or an error; transliteration never fails."""
    verdict(names.validate_latin, text)
    verdict(names.validate_cyrillic, text)
    assert isinstance(names.to_cyrillic(text), str)
    assert isinstance(names.to_latin(text), str)
    assert isinstance(names.matches(text, text), bool)


@PROPERTY
@given(
    st.text(
        st.sampled_from("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя -"), max_size=30
    )
)
def test_names_cyrillic_round_trip(text):
    """Any Cyrillic name matches its own ICAO transliteration."""
    assert names.matches(names.to_latin(text), text, strict=True)


@PROPERTY
@given(st.one_of(ANY_TEXT, st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<\n", min_size=80, max_size=100)))
def test_mrz_any_text(text):
    """MRZ: fields or an error."""
    verdict(mrz.validate, text)


@PROPERTY
@given(ANY_TEXT)
def test_regions_and_postcodes_any_text(text):
    """Regions and postcodes: a code or an error; valid results validate to themselves."""
    for module in (regions, postcode):
        result = verdict(module.validate, text)
        if module.is_valid(text):
            assert module.validate(result) == result


HEADS = st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n", b"GIF89a"])


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(HEADS, st.binary(max_size=2048))
def test_scans_any_bytes(head, body):
    """Scans: any bytes at all give a ScanInfo or a ValidationError."""
    logging.disable(logging.WARNING)
    try:
        verdict(scans.check, head + body)
        verdict(scans.check, head + body, "x.pdf", min_dpi=1, min_sharpness=0)
    finally:
        logging.disable(logging.NOTSET)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_scans_mutated_files(good_png, good_jpeg, data):
    """Real files with bytes flipped or cut give a verdict, never a crash."""
    original = data.draw(st.sampled_from([good_png, good_jpeg]))
    position = data.draw(st.integers(0, len(original) - 1))
    mutated = bytearray(original)
    mutated[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(original)))
    verdict(scans.check, bytes(mutated[:cut]), None)
