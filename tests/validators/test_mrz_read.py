"""Reading the zone from scans and photos (validators.mrz.read, the ocr extra): the decisions, the files.

The pictures in fixtures/mrz/ were made by bench/mrz_corpus.py (OCR-B printed on made-up documents,
then scanned or photographed); the decision tests give the network's probabilities by hand.
"""

from __future__ import annotations

import io
import json
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from validators import FileDamaged, FileEmpty, FileTooLarge, FileTypeNotAllowed, UnsafeContent, mrz
from validators.__main__ import main
from validators.mrz import reading

TODAY = date(2025, 6, 1)
FIXTURES = Path(__file__).parent / "fixtures" / "mrz"
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
MRV_A = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"


def probabilities(text: str, **changes: dict[str, float]) -> np.ndarray:
    """Near-certain probabilities of ``text`` (lines joined); ``p<position>={char: probability}`` changes some."""
    flat = text.replace("\n", "")
    table = np.full((len(flat), len(reading.ALPHABET)), 1e-4, np.float32)
    for position, character in enumerate(flat):
        table[position, reading.ALPHABET.index(character)] = 0.999
    for name, values in changes.items():
        row = table[int(name[1:])]
        row[:] = 1e-4
        for character, value in values.items():
            row[reading.ALPHABET.index(character)] = value
    return table


def test_a_clear_reading_is_taken():
    """A zone read with certainty is validated and returned."""
    zone, text = reading.decide(probabilities(TD3), "TD3", TODAY)
    assert zone is not None and zone.document_number == "L898902C3" and text == TD3


def test_field_types_repair_the_classic_confusions():
    """An O read in a date is its 0 (one of the classic confusions); a B is no digit but 8."""
    # 44 + 15: the 0 of the birth date 740812, read as O.
    zone, _ = reading.decide(probabilities(TD3, p59={"O": 0.9, "0": 0.05}), "TD3", TODAY)
    assert zone is not None and zone.birth_date == date(1974, 8, 12)
    # A B in the date of birth (position 44 + 14: the 4 of 74) is no confusion of any digit but 8.
    zone, text = reading.decide(probabilities(TD3, p58={"B": 0.95}), "TD3", TODAY)
    assert zone is None and "?" in text


def test_one_character_per_check_digit_is_repaired():
    """A wrong character of a number whose check digit fails is the second choice that makes it hold."""
    # The C of L898902C3 (position 44 + 7) read as G, with C second.
    zone, _ = reading.decide(probabilities(TD3, p51={"G": 0.6, "C": 0.3}), "TD3", TODAY)
    assert zone is not None and zone.document_number == "L898902C3"


def test_two_repairs_in_one_field_are_refused():
    """Two doubtful characters in one field: the check digit cannot confirm a guess of both."""
    changes = {"p51": {"G": 0.6, "C": 0.3}, "p49": {"O": 0.6, "0": 0.3}}
    zone, _ = reading.decide(probabilities(TD3, **changes), "TD3", TODAY)
    assert zone is None


def test_no_second_choice_no_repair():
    """A check digit that fails with no plausible second choice is not repaired by inventing one."""
    zone, _ = reading.decide(probabilities(TD3, p51={"G": 0.999}), "TD3", TODAY)
    assert zone is None


def test_unchecked_characters_need_confidence():
    """A doubtful letter in the name, which no check digit covers, refuses the zone."""
    zone, _ = reading.decide(probabilities(TD3, p7={"I": 0.7, "T": 0.25}), "TD3", TODAY)
    assert zone is None
    zone, _ = reading.decide(probabilities(MRV_A, p80={"Z": 0.6, "2": 0.35}), "MRV-A", TODAY)
    assert zone is None


def test_the_first_letter_decides_the_format():
    """A visa's zone read with a passport's layout is not taken as a passport, nor as the visa."""
    zone, _ = reading.decide(probabilities(MRV_A), "TD3", TODAY)
    assert zone is None
    zone, _ = reading.decide(probabilities(MRV_A), "MRV-A", TODAY)
    assert zone is not None and zone.format == "MRV-A"


def test_filler_check_digits():
    """A TD3 without personal number may have < as its check digit; a long TD1 number leaves < in place."""
    line2 = "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<"
    line2 += mrz.calc_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    zone, _ = reading.decide(probabilities(TD3.split("\n")[0] + "\n" + line2), "TD3", TODAY)
    assert zone is not None and zone.optional_data == ""
    c = mrz.calc_check_digit
    line1 = "I<UTOD23145890<AB" + c("D23145890AB") + "<" * 12
    line2 = "7408122F1204159UTO<<<<<<<<<<<"
    line2 += c(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    text = line1 + "\n" + line2 + "\n" + TD1.split("\n")[2]
    zone, _ = reading.decide(probabilities(text), "TD1", TODAY)
    assert zone is not None and zone.document_number == "D23145890AB"


def test_a_zone_failing_validation_is_refused():
    """Check digits that hold on an impossible date still give no zone."""
    line2 = TD3.split("\n")[1].replace("740812", "741312")
    line2 = line2[:19] + mrz.calc_check_digit("741312") + line2[20:43]
    line2 += mrz.calc_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    zone, text = reading.decide(probabilities(TD3.split("\n")[0] + "\n" + line2), "TD3", TODAY)
    assert zone is None and text.endswith(line2)


# --- files ---------------------------------------------------------------------------------------------


def _fixture(name: str) -> Path:
    return FIXTURES / name


FIXTURE_ZONES = json.loads((FIXTURES / "zones.json").read_text()) if FIXTURES.exists() else {}


@pytest.mark.parametrize("name", sorted(FIXTURE_ZONES))
def test_fixtures_are_read_exactly(name):
    """Each fixture's zone is read exactly, whatever the format, the angle and the file type."""
    zone = mrz.read(_fixture(name), today=TODAY)
    assert list(zone.lines) == FIXTURE_ZONES[name]


def test_bytes_and_files_are_read_too():
    """A path, bytes and an open binary file are all read."""
    name = sorted(FIXTURE_ZONES)[0]
    data = _fixture(name).read_bytes()
    assert mrz.read(data).lines == mrz.read(io.BytesIO(data)).lines == tuple(FIXTURE_ZONES[name])


def _png(width: int, height: int, value: int = 255) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), value).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_big_picture_is_reduced():
    """A picture far over 3200 pixels is decoded at a reduced scale (JPEG) or reduced, and still read."""
    name = "td3-photo.jpg"
    image = Image.open(_fixture(name)).convert("L")
    image = image.resize((image.width * 3, image.height * 3), Image.Resampling.BICUBIC)
    canvas = Image.new("L", (6500, image.height), 235)
    canvas.paste(image, (canvas.width - image.width, 0))
    for kind in ("JPEG", "PNG"):
        buffer = io.BytesIO()
        canvas.save(buffer, kind, quality=90)
        assert list(mrz.read(buffer.getvalue()).lines) == FIXTURE_ZONES[name]


def test_a_page_without_zone():
    """A blank page has no zone; a page of other text neither."""
    with pytest.raises(mrz.MRZNotFound) as info:
        mrz.read(_png(800, 600))
    assert info.value.code == "mrz_not_found"


def test_a_damaged_zone_is_unreadable():
    """A zone whose middle is wiped is found but refused as unreadable, with what was read."""
    name = sorted(FIXTURE_ZONES)[0]
    image = Image.open(_fixture(name)).convert("L")
    zone = reading.find_zones(np.asarray(image))[0]
    x, y = (round(v) for v in zone.centre)
    wipe = round(zone.line_height * 2)
    image.paste(255, (x - wipe, y - 3 * wipe, x + wipe, y + 3 * wipe))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    with pytest.raises(mrz.MRZUnreadable) as info:
        mrz.read(buffer.getvalue())
    assert info.value.code == "mrz_unreadable" and info.value.params["text"]
    assert isinstance(info.value, mrz.MRZNotFound)


@pytest.mark.parametrize(
    ("data", "error", "code"),
    [
        (b"", FileEmpty, "scan_empty"),
        (b"GIF89a" + bytes(20), FileTypeNotAllowed, "scan_type_not_allowed"),
        (b"\xff\xd8\xff\xe0" + bytes(100), FileDamaged, "scan_damaged"),
    ],
)
def test_files_refused_as_scans_are(data, error, code):
    """The file limits and errors are those of scans.check."""
    with pytest.raises(error) as info:
        mrz.read(data)
    assert info.value.code == code


def test_too_large_and_pixel_bombs():
    """Over 5 MB, or more pixels than allowed (PNG header or a PDF image's size), is refused unread."""
    with pytest.raises(FileTooLarge):
        reading.read(_png(10, 10), max_bytes=20)
    with pytest.raises(UnsafeContent) as info:
        reading.read(_png(100, 100), max_pixels=99 * 99)
    assert info.value.code == "scan_too_many_pixels"
    # A PNG whose header claims 30000 × 30000 pixels: Pillow's own guard stops it.
    data = bytearray(_png(10, 10))
    data[16:24] = (30000).to_bytes(4, "big") * 2
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    with pytest.raises(UnsafeContent):
        reading.read(bytes(data), max_pixels=10**10)


def test_pdf():
    """A PDF's largest image is read; one bigger than allowed is refused; one without images has no zone."""
    name = sorted(FIXTURE_ZONES)[0]
    image = Image.open(_fixture(name)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=200)
    assert list(mrz.read(buffer.getvalue()).lines) == FIXTURE_ZONES[name]
    with pytest.raises(UnsafeContent):
        reading.read(buffer.getvalue(), max_pixels=image.width * image.height - 1)
    # An image of another kind than JPEG (here hexadecimal, a palette) goes through pypdf.
    paletted = io.BytesIO()
    image.convert("P").save(paletted, "PDF", resolution=200)
    with pytest.raises(mrz.MRZNotFound):
        mrz.read(paletted.getvalue())
    from pypdf import PdfWriter

    empty = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(empty)
    with pytest.raises(mrz.MRZNotFound):
        mrz.read(empty.getvalue())


def test_command_line(capsys):
    """mrz-read prints the fields, or JSON; a file without zone is reported with its code."""
    name = sorted(FIXTURE_ZONES)[0]
    path = str(_fixture(name))
    assert main(["mrz-read", path]) == 0
    out = capsys.readouterr().out
    assert f"file: {path}" in out and "document_number: " in out
    assert main(["mrz-read", "--json", path]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["file"] == path and record["lines"] == FIXTURE_ZONES[name]
    assert main(["mrz-read", str(FIXTURES / "zones.json")]) == 1
    assert ": scan_type_not_allowed: " in capsys.readouterr().err
    assert main(["mrz-read", str(FIXTURES / "missing.jpg")]) == 2
    assert main(["mrz-read", "--file", path]) == 2


def test_without_the_extra(monkeypatch, capsys):
    """Without the ocr extra the library imports, and reading says which extra it needs."""
    monkeypatch.setitem(__import__("sys").modules, "validators.mrz.reading", None)
    monkeypatch.delattr(mrz, "reading")
    with pytest.raises(ImportError):
        mrz.read(b"")
    assert main(["mrz-read", "scan.jpg"]) == 2
    assert capsys.readouterr().err.startswith("python -m validators: error: ")
