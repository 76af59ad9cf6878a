"""Tests for validators.scans' markup search: only where a file can be read as text."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.validators.conftest import scan_error_code as codes
from validators import (
    FileTypeNotAllowed,
    ScanError,
    scans,
)

MB = 1024 * 1024


# Markup: searched only where the file can be read as text -------------------------------------

A4_300 = (1240 / 300, 1754 / 300)
SPRINKLES = (b"<svg onload=alert(1)>", b"<SCRIPT>", b"javascript:")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and checksum."""
    import struct
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with(png: bytes, chunk: bytes) -> bytes:
    """The PNG with ``chunk`` inserted right after IHDR."""
    return png[:33] + chunk + png[33:]


def sprinkled(jpeg: bytes) -> bytes:
    """The JPEG with markup written over bytes in the middle of its last scan's entropy-coded data.

    The decoder reads them as (wrong) coefficients, as it would bytes that happened to spell them.
    """
    start = jpeg.rindex(b"\xff\xda")
    start += 2 + int.from_bytes(jpeg[start + 2 : start + 4], "big")
    middle = (start + len(jpeg)) // 2
    text = b" ".join(SPRINKLES)
    return jpeg[:middle] + text + jpeg[middle + len(text) :]


def html(function, *args) -> bool:
    """Whether ``function`` refuses the file as HTML."""
    with pytest.raises(FileTypeNotAllowed) as info:
        function(*args)
    return info.value.params["kind"] == "HTML"


def test_markup_in_png_pixels_is_accepted(page, encode):
    """Pixel rows that spell markup, stored as they are in the IDAT data, are pixels, not markup."""
    image = page()
    text = b" ".join(SPRINKLES)
    for y in range(100, image.height, 50):
        image.paste(Image.frombytes("L", (len(text), 1), text), (100, y))
    # Pillow filters the rows; stored deflate blocks of unfiltered rows keep the bytes as they are.
    import zlib

    encoded = encode(image, "PNG")
    rows = b"".join(b"\0" + image.tobytes()[y * image.width : (y + 1) * image.width] for y in range(image.height))
    start, end = encoded.index(b"IDAT") - 4, encoded.rindex(b"IEND") - 4
    png = encoded[:start] + png_chunk(b"IDAT", zlib.compress(rows, 0)) + encoded[end:]
    assert all(sprinkle in png for sprinkle in SPRINKLES)
    assert scans.check(png).kind == "png"


@pytest.mark.parametrize(
    "options", [{}, {"progressive": True}, {"restart_marker_rows": 1}], ids=["baseline", "progressive", "restarts"]
)
def test_markup_in_jpeg_entropy_data_is_accepted(page, encode, options):
    """Entropy-coded data that spells markup is accepted: baseline, progressive, with restart markers."""
    jpeg = sprinkled(encode(page().convert("RGB"), "JPEG", quality=90, **options))
    assert (b"\xff\xd0" in jpeg) == ("restart_marker_rows" in options)
    assert scans.check(jpeg).kind == "jpeg"
    with pytest.raises(FileTypeNotAllowed):
        scans.check(jpeg + b"<svg>")


def test_markup_in_pdf_image_stream_is_accepted(make_pdf, scan_jpeg):
    """A PDF image stream's bytes are not searched."""
    jpeg = sprinkled(scan_jpeg)
    assert scans.check(make_pdf([jpeg], inches=A4_300)).kind == "pdf"


def test_markup_in_png_text_chunks_is_refused(good_png):
    """tEXt, zTXt and iTXt (compressed or not) are text; so is anything after IEND or in the head."""
    import zlib

    from PIL import PngImagePlugin

    image = Image.open(io.BytesIO(good_png))
    for add in (
        lambda info: info.add_text("Comment", "<svg onload=alert(1)>", zip=True),
        lambda info: info.add_itxt("Comment", "<svg onload=alert(1)>", "en", "Comment", zip=True),
        lambda info: info.add_itxt("Comment", "<svg onload=alert(1)>", zip=False),
    ):
        info = PngImagePlugin.PngInfo()
        add(info)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", dpi=(300, 300), pnginfo=info)
        assert html(scans.check, buffer.getvalue())
    # Compressed text hidden from the raw bytes: found only once inflated.
    hidden = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"x" * 5000 + b"<script>"))
    assert b"<script>" not in hidden
    assert html(scans.check, png_with(good_png, hidden))
    assert html(scans.check, good_png + b"\0" * 100 + b"<script>")
    assert codes(scans.check, b"<html>" + good_png) == "scan_type_not_allowed"


def test_png_text_chunks_that_do_not_inflate(good_png):
    """A text chunk that is not zlib is unreadable, so harmless; one that inflates past 1 MiB is damaged."""
    import zlib

    broken = png_chunk(b"zTXt", b"Comment\0\0not zlib at all")
    assert scans.check(png_with(good_png, broken)).kind == "png"
    huge = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(bytes(2 * MB)))
    assert codes(scans.check, png_with(good_png, huge)) == "scan_damaged"


def test_png_walk_runs_off_the_end(good_png):
    """A chunk longer than the file, or a file without IEND, leaves the verdict to the decoder."""
    iend = good_png.rindex(b"IEND") - 4
    assert codes(scans.check, good_png[:iend]) == "scan_damaged"
    assert codes(scans.check, good_png[:iend] + png_chunk(b"tEXt", b"Comment\0<svg>")[:-10]) != "scan_ok"
    tiny = png_with(good_png, png_chunk(b"IDAT", b""))
    assert codes(scans.check, tiny) == "scan_damaged"


def test_markup_in_jpeg_segments_and_after_eoi_is_refused(good_jpeg):
    """COM and APPn segments, and anything after the first real EOI (even before a fake one), are refused."""
    for segment in (b"\xff\xfe\x00\x10<svg onload=1>", b"\xff\xef\x00\x10javascript:xyz"):
        assert html(scans.check, good_jpeg[:2] + segment + good_jpeg[2:])
    assert html(scans.check, good_jpeg + b"<html>")
    assert html(scans.check, good_jpeg + b"\0" * 64 + b"<script>alert(1)</script>\xff\xd9")


def test_jpeg_walk_odd_markers(good_jpeg):
    """Fill bytes, stuffed zeros, standalone markers and junk before a marker are stepped over."""
    odd = good_jpeg[:2] + b"\xff\xff\xff\x01\xff\x00junk" + good_jpeg[2:]
    assert codes(scans.check, odd) == "scan_damaged"  # libjpeg's verdict, not a markup one
    sos = good_jpeg.index(b"\xff\xda")
    assert html(scans.check, good_jpeg[:sos] + bytes(2000) + b"<svg>" + good_jpeg[sos:])
    cut = good_jpeg[: len(good_jpeg) // 2]
    assert codes(scans.check, cut.rstrip(b"\xff")) == "scan_damaged"


def test_markup_in_pdf_text_is_refused(make_pdf, scan_jpeg):
    """A PDF's dictionaries are text, and so is anything after its last %%EOF."""
    pdf = make_pdf([scan_jpeg], inches=A4_300)
    link = pdf.replace(b"/Producer (pypdf)", b"/URI (javascript:alert(1))")
    assert link.index(b"javascript:") < link.rindex(b"stream")  # inside the objects, not in the head
    assert html(scans.check, link)
    assert html(scans.check, pdf + b"\n<script>alert(1)</script>\n")
    assert html(scans.check, pdf + b"\nstream\n<svg>\nendstream\n")


def test_pdf_stream_without_end(make_pdf, scan_jpeg):
    """A stream that never ends, or a file without %%EOF, is searched to its end and left to pypdf."""
    pdf = make_pdf([scan_jpeg], inches=A4_300)
    cut = pdf[: pdf.index(b"endstream")]
    assert codes(scans.check, cut) == "scan_damaged"
    assert html(scans.check, cut + b"<svg>")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_any_bytes_in_the_compressed_data(good_png, good_jpeg, data):
    """Bytes written over the compressed data give a verdict, never a crash; in IDAT never a markup one."""
    kind = data.draw(st.sampled_from(["png", "jpeg"]))
    original = good_png if kind == "png" else good_jpeg
    start = original.index(b"IDAT") + 4 if kind == "png" else original.rindex(b"\xff\xda") + 14
    end = original.rindex(b"IEND") - 8 if kind == "png" else len(original) - 2
    noise = data.draw(st.binary(min_size=1, max_size=64))
    position = data.draw(st.integers(start + 16, end - 16 - len(noise)))
    mutated = original[:position] + noise + original[position + len(noise) :]
    try:
        scans.check(mutated)
    except FileTypeNotAllowed as exc:
        assert kind == "jpeg", "the PNG's chunk list is intact: its IDAT data is not searched"
        assert exc.params["kind"] == "HTML"
    except ScanError as exc:
        assert exc.code and str(exc)
