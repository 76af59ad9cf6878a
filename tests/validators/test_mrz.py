"""The five ICAO 9303 formats: TD3, TD2, TD1, MRV-A and MRV-B, each check digit and the long number."""

from __future__ import annotations

from datetime import date

import pytest

from validators import InvalidChecksum, InvalidFormat, mrz

TODAY = date(2025, 6, 1)
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
MRV_A = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"
MRV_B = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"


def _replace(text: str, position: int, character: str) -> str:
    return text[:position] + character + text[position + 1 :]


@pytest.mark.parametrize(
    ("text", "fmt", "number", "optional"),
    [(TD2, "TD2", "D23145890", ""), (MRV_A, "MRV-A", "L8988901C", "6ZE184226B"), (MRV_B, "MRV-B", "L8988901C", "")],
)
def test_specimens(text, fmt, number, optional):
    """ICAO's specimens of the two-line card and the visas are read field by field."""
    zone = mrz.validate(text, today=TODAY)
    assert (zone.format, zone.document_number, zone.optional_data) == (fmt, number, optional)
    assert (zone.surname, zone.given_names, zone.issuing_state) == ("ERIKSSON", "ANNA MARIA", "UTO")
    assert zone.lines == tuple(text.split("\n"))
    assert zone.as_dict()["lines"] == text.split("\n") and zone.as_dict()["format"] == fmt
    assert mrz.validate(text.replace("\n", ""), today=TODAY) == zone


@pytest.mark.parametrize(
    ("text", "position", "code"),
    [
        (TD2, 37 + 9, "mrz_check_digit_number"),
        (TD2, 37 + 19, "mrz_check_digit_birth_date"),
        (TD2, 37 + 27, "mrz_check_digit_expiry_date"),
        (TD2, 37 + 35, "mrz_check_digit_composite"),
        (MRV_A, 45 + 9, "mrz_check_digit_number"),
        (MRV_A, 45 + 19, "mrz_check_digit_birth_date"),
        (MRV_B, 37 + 27, "mrz_check_digit_expiry_date"),
    ],
)
def test_each_check_digit(text, position, code):
    """Each check digit of the new formats is verified with its own code."""
    digit = str((int(text[position]) + 1) % 10)
    with pytest.raises(InvalidChecksum) as info:
        mrz.validate(_replace(text, position, digit), today=TODAY)
    assert info.value.code == code


def test_visas_have_no_composite():
    """A visa's optional data is not covered by any check digit."""
    assert mrz.validate(_replace(MRV_A, 45 + 30, "X"), today=TODAY).optional_data == "6ZX184226B"


def test_td2_long_number():
    """A TD2 number longer than 9 characters goes on in the optional data, its check digit last."""
    c = mrz.calc_check_digit
    line2 = "D23145890<UTO7408122F1204159" + "AB" + c("D23145890AB") + "<<<<"
    line2 += c(line2[0:10] + line2[13:20] + line2[21:35])
    zone = mrz.validate(TD2.split("\n")[0] + "\n" + line2, today=TODAY)
    assert (zone.document_number, zone.optional_data) == ("D23145890AB", "")


@pytest.mark.parametrize("text", ["P" + TD2[1:], "X" + MRV_A[1:], "P" + MRV_B[1:]])
def test_document_type_must_fit_the_shape(text):
    """A passport letter on a 36-character zone, or an unknown letter, is refused."""
    with pytest.raises(InvalidFormat) as info:
        mrz.validate(text, today=TODAY)
    assert info.value.code == "mrz_document_type"


def test_two_lines_of_thirty_are_no_zone():
    """Sixty characters split into two lines of 30, which no format has."""
    with pytest.raises(InvalidFormat) as info:
        mrz.validate("I" * 60, today=TODAY)
    assert info.value.code == "mrz_format"
